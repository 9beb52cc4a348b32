"""Real Airflow components on this machine (api-server, scheduler, dag-processor, triggerer, and
Celery workers when a Redis broker is given), for the event-driven and Celery integration tests and
the benchmarks.

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

from pipelines.orchestration.airflow_settings import LOCAL_EXECUTOR_PREWARM
from pipelines.config import PROJECT_ROOT, Settings

COMPONENTS = ("api-server", "scheduler", "dag-processor", "triggerer")
AIRFLOW = [sys.executable, "-m", "airflow"]

# The Airflow settings of the CeleryExecutor deployment: docker-compose.yml carries the same values
# (tests/test_deployment.py checks it), so the compose recipe runs what the Celery test runs.
CELERY_DEPLOYMENT = {
    "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
    "AIRFLOW__CORE__LOAD_EXAMPLES": "false",
    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "false",
    # A task instance whose worker stopped heartbeating is failed (and retried) after this long.
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "60",
    "AIRFLOW__CORE__DEFAULT_TASK_RETRY_DELAY": "10",
    "AIRFLOW__CELERY__WORKER_CONCURRENCY": "2",
    # Each worker imports the task's libraries once, before forking (pipelines/orchestration/celery_config.py).
    "AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS": "pipelines.orchestration.celery_config.CELERY_CONFIG",
    "HF_HUB_OFFLINE": "1",
}
# Settings whose values differ by nature between the compose recipe and a test on one machine:
# host names, ports, passwords, paths. Every other AIRFLOW__ setting of the recipe is in CELERY_DEPLOYMENT.
PER_HOST = {
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__CELERY__RESULT_BACKEND", "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "AIRFLOW__CORE__DAGS_FOLDER", "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__CORE__AUTH_MANAGER", "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS",
    "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK",
}


def poll_until(condition, timeout: float, interval: float = 2.0):
    """`condition()`'s first truthy result within `timeout` seconds, else None. An exception counts
    as not yet (a component still starting)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = condition()
        except Exception:  # noqa: BLE001 - not up yet
            result = None
        if result:
            return result
        time.sleep(interval)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AirflowCluster:
    def __init__(self, home: Path, metadata_url: str, settings: Settings, poll_seconds: float = 1.0,
                 broker_url: str | None = None, extra: dict[str, str] | None = None):
        """`broker_url`: a Redis URL runs the CeleryExecutor (start workers with `start_worker`);
        without it, the LocalExecutor. `extra`: more environment, e.g. test-only hooks."""
        self.home = home
        self.metadata_url = metadata_url
        self.api_port = free_port()
        self.processes: list[subprocess.Popen] = []
        self.workers: dict[str, subprocess.Popen] = {}
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
        if not broker_url:
            self.environment.update(LOCAL_EXECUTOR_PREWARM)
        if broker_url:
            self.environment.update(CELERY_DEPLOYMENT)
            self.environment.update({
                "AIRFLOW__CELERY__BROKER_URL": broker_url,
                "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + metadata_url,
                # Several workers on one machine: each names itself, so task_instance.hostname tells them apart.
                "AIRFLOW__CORE__HOSTNAME_CALLABLE": "tests.cluster.worker_hostname",
            })
        self.environment.update(extra or {})

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

    def start_worker(self, name: str) -> subprocess.Popen:
        """A Celery worker in a process group of its own, so that `kill_worker` ends all of it."""
        log = open(self.home / f"worker-{name}.log", "w")
        worker = subprocess.Popen([*AIRFLOW, "celery", "worker", "--celery-hostname", f"{name}@%h", "--skip-serve-logs"],
                                  env={**self.environment, WORKER_NAME_ENV: name}, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
        self.workers[name] = worker
        self.processes.append(worker)
        return worker

    def worker_of(self, pid: int) -> str | None:
        """The name of the worker that process `pid` runs under, if any."""
        import psutil

        try:
            lineage = {pid} | {p.pid for p in psutil.Process(pid).parents()}
        except psutil.NoSuchProcess:
            return None
        return next((name for name, worker in self.workers.items() if worker.pid in lineage), None)

    def kill_worker(self, name: str) -> None:
        """SIGKILL a worker and everything under it, as a machine that dies would: no clean-up."""
        import psutil

        worker = self.workers[name]
        try:
            family = [psutil.Process(worker.pid), *psutil.Process(worker.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            family = []
        for process in family:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        try:
            os.killpg(worker.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        worker.wait()

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
        names = [*COMPONENTS, *(f"worker-{name}" for name in self.workers)]
        return "\n".join(f"--- {c} ---\n" + (self.home / f"{c}.log").read_text(errors="replace")[-3000:] for c in names)

    def api(self):
        """An HTTP client with a token (the cluster runs with simple_auth_manager_all_admins)."""
        import httpx

        client = httpx.Client(base_url=self.api_url, timeout=10)
        client.headers["Authorization"] = f"Bearer {client.get('/auth/token').json()['access_token']}"
        return client

    def run_for_landed_files(self, api, dag_id: str, wait_s: float = 90) -> str:
        """The id of the run that takes the files landed before the cluster started.

        A scheduled DAG unpaused at creation gets its scheduled run as soon as it is parsed. A run
        triggered after that would queue behind it (max_active_runs=1) and find the files taken, so
        the first run is the one to follow; one is triggered only if the scheduler made none."""
        def runs():
            return api.get(f"/api/v2/dags/{dag_id}/dagRuns").json()["dag_runs"]

        made = poll_until(runs, wait_s)
        if made:
            return min(made, key=lambda run: run["run_after"])["dag_run_id"]
        triggered = api.post(f"/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None})
        triggered.raise_for_status()
        return triggered.json()["dag_run_id"]

    def unpause(self, dag_id: str, timeout: float = 180) -> None:
        """For a cluster started with every DAG paused: unpause one once the api-server knows it."""
        if not poll_until(lambda: self.api().patch(f"/api/v2/dags/{dag_id}", json={"is_paused": False}).is_success,
                          timeout, 1):
            raise TimeoutError(f"{dag_id} could not be unpaused within {timeout:.0f} s\n{self.logs()}")

    def wait_until_active(self, dag_id: str, timeout: float = 180) -> None:
        """Until the DAG is unpaused and a triggerer runs its Asset's watcher: a file landed before
        then waits for the watcher, which a triggerer picks up at its next refresh (up to half a
        minute after a DAG is unpaused); the watcher then announces every file it has not yet seen."""
        import sqlalchemy as sa

        engine = sa.create_engine(self.metadata_url)

        def watched() -> bool:
            if self.api().get(f"/api/v2/dags/{dag_id}").json().get("is_paused") is not False:
                return False
            with engine.connect() as connection:
                return bool(connection.execute(sa.text(
                    "SELECT COUNT(*) FROM dag_schedule_asset_reference r "
                    "JOIN asset_watcher w ON w.asset_id = r.asset_id JOIN trigger t ON t.id = w.trigger_id "
                    "WHERE r.dag_id = :dag_id AND t.triggerer_id IS NOT NULL"), {"dag_id": dag_id}).scalar_one())

        try:
            if not poll_until(watched, timeout, 0.5):
                raise TimeoutError(f"{dag_id} was not active and watched after {timeout:.0f} s\n{self.logs()}")
        finally:
            engine.dispose()


WORKER_NAME_ENV = "CULTURE_WORKER_NAME"


class NoBroker(RuntimeError):
    """No Redis answers and redis-server is not installed."""


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_broker(directory: Path) -> tuple[str, subprocess.Popen | None]:
    """A Redis URL for a Celery broker: the Redis on 127.0.0.1:6379, else a redis-server of our own
    on a free port (returned too: the caller stops it). A database number drawn at random keeps
    other clusters' Celery messages away from this one's workers."""
    port, started = 6379, None
    if not redis_answers(port):
        import shutil

        binary = shutil.which("redis-server")
        if binary is None:
            raise NoBroker("no Redis answers on 127.0.0.1:6379 and redis-server is not installed (.ci/run installs it)")
        port = free_port()
        started = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "no", "--dir", str(directory)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not redis_answers(port):
            if time.monotonic() > deadline or started.poll() is not None:
                started.kill()
                raise NoBroker("redis-server did not start")
            time.sleep(0.2)
    return f"redis://127.0.0.1:{port}/{uuid.uuid4().int % 15 + 1}", started


def worker_hostname() -> str:
    """Airflow's hostname_callable for workers sharing one machine: the worker's own name."""
    return os.environ.get(WORKER_NAME_ENV) or socket.getfqdn()


def land_atomically(source: Path, target: Path) -> None:
    """Copy under a name the watcher ignores, then rename: it never sees half a file."""
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(source.read_bytes())
    partial.replace(target)
