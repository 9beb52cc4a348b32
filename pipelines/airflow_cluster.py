"""Real Airflow components on this machine (api-server, scheduler, dag-processor, triggerer), for
the event-driven integration test and the pulse latency benchmark.

Uses a PostgreSQL metadata database (SQLite locks under parallel tasks), free ports, and process
groups that `stop()` always ends: SIGTERM first, then SIGKILL, since the triggerer may ignore
SIGTERM for a while.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from pipelines.config import PROJECT_ROOT, Settings

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
AIRFLOW = [sys.executable, "-m", "airflow"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AirflowCluster:
    def __init__(self, home: Path, metadata_url: str, settings: Settings, poll_seconds: float = 1.0):
        self.home = home
        self.api_port = free_port()
        self.processes: list[subprocess.Popen] = []
        self.environment = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "CULTURE_"))},
            "AIRFLOW_HOME": str(home), "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata_url,
            # psycopg 3 serves Airflow's async engine too (no asyncpg needed).
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": metadata_url,
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor", "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False", "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True", "AIRFLOW__API_AUTH__JWT_SECRET": uuid.uuid4().hex,
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{self.api_port}/execution/",
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "CULTURE_WAREHOUSE_URL": settings.warehouse_url, "CULTURE_VAR_DIR": str(settings.var_dir),
            "CULTURE_LANDING_DIR": str(settings.landing_dir), "CULTURE_WATCH_POLL_SECONDS": str(poll_seconds),
            "HF_HUB_OFFLINE": "1",
        }

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start(self) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        migrated = subprocess.run([*AIRFLOW, "db", "migrate"], env=self.environment, capture_output=True, text=True)
        if migrated.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed:\n{migrated.stderr[-3000:]}")
        for component in COMPONENTS:
            log = open(self.home / f"{component}.log", "w")
            arguments = [*AIRFLOW, component] + (["--port", str(self.api_port)] if component == "api-server" else [])
            self.processes.append(subprocess.Popen(arguments, env=self.environment, stdout=log, stderr=subprocess.STDOUT,
                                                   start_new_session=True))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()

    def logs(self) -> str:
        return "\n".join(f"--- {c} ---\n" + (self.home / f"{c}.log").read_text(errors="replace")[-3000:] for c in COMPONENTS)

    def api(self):
        """An HTTP client with a token (the cluster runs with simple_auth_manager_all_admins)."""
        import httpx

        client = httpx.Client(base_url=self.api_url, timeout=10)
        client.headers["Authorization"] = f"Bearer {client.get('/auth/token').json()['access_token']}"
        return client

    def wait_until_active(self, dag_id: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.api().get(f"/api/v2/dags/{dag_id}").json().get("is_paused") is False:
                    time.sleep(5)  # let the triggerer pick up the DAG's watchers
                    return
            except Exception:  # noqa: BLE001 - not up yet
                pass
            time.sleep(2)
        raise TimeoutError(f"{dag_id} was not active after {timeout:.0f} s\n{self.logs()}")


def land_atomically(source: Path, target: Path) -> None:
    """Copy under a name the watcher ignores, then rename: it never sees half a file."""
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(source.read_bytes())
    partial.replace(target)
