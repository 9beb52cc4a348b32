"""A many-organisation people-survey wave on the CeleryExecutor with one worker, then with two.

    python bench/celery_wave.py                                   # 100 organisations, 350,000 respondents
    python bench/celery_wave.py --organisations 8 --respondents 4000 --workers 1 2

For each worker count: a fresh warehouse schema and Airflow metadata database, real api-server,
scheduler, dag-processor, triggerer and N Celery workers (Redis broker: the one on 6379, else a
redis-server of our own), the wave's files landed before the DAG is active, so that its first
(scheduled) run takes them. Prints that run's wall time from start to success, each worker's peak
resident memory (the worker and every process under it, sampled each second), and per task the
number of instances, the time they ran (summed and longest) and how many each worker ran: what
spreads over workers and what stays serial, measured. No figure is asserted here; see
docs/performance.md. Every process is stopped at the end.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
SAMPLES = ROOT / "tests" / "data"
WORKER_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def run_wave(postgres: str, organisations: int, respondents: int, workers: int,
             timeout: float) -> tuple[float, dict[str, int], list[dict]]:
    import sqlalchemy as sa

    from pipelines.orchestration import flow
    from tests.cluster import AirflowCluster, land_atomically, redis_broker
    from pipelines.config import Settings
    from pipelines.samples.civil_service import write_civil_service_wave

    root = Path(tempfile.mkdtemp(prefix="culture-bench-celery-"))
    schema, metadata = f"culture_bench_{uuid.uuid4().hex[:10]}", f"culture_airflow_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{metadata}"'))
    broker, own_redis = redis_broker(root)
    settings = Settings(root / "var", root / "landing", f"{postgres}?options=-csearch_path%3D{schema}", 10)
    cluster = AirflowCluster(root / "airflow", postgres.rsplit("/", 1)[0] + f"/{metadata}", settings,
                             broker_url=broker, extra={"AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"bench-{uuid.uuid4().hex[:8]}"})
    peaks: dict[str, int] = {}
    sampling = threading.Event()
    try:
        wave = write_civil_service_wave(root / "wave", respondents=respondents, organisations=organisations)
        flow.initialise_warehouse(settings)
        for source in ("org_units", "workforce"):
            flow.ingest(settings, source, [str(p) for p in wave if p.parent.name == source])
        # Landed before the DAG is active: its first (scheduled) run takes them, and is the one timed.
        (settings.landing_dir / "people_survey").mkdir(parents=True, exist_ok=True)
        for path in (p for p in wave if p.parent.name == "people_survey"):
            land_atomically(path, settings.landing_dir / "people_survey" / path.name)
        cluster.start()
        names = WORKER_NAMES[:workers]
        for name in names:
            cluster.start_worker(name)

        def sample() -> None:
            while not sampling.is_set():
                for name in names:
                    peaks[name] = max(peaks.get(name, 0), _tree_rss(cluster.workers[name].pid))
                time.sleep(1)

        threading.Thread(target=sample, daemon=True).start()
        api = _wait(lambda: cluster.api(), 180)
        _wait(lambda: api.get("/api/v2/dags/people_survey").json().get("is_paused") is False, 180)
        run_id = cluster.run_for_landed_files(api, "people_survey")
        state = _wait(lambda: _finished(api, run_id), timeout)
        if state != "success":
            raise SystemExit(f"the run ended {state}\n{cluster.logs()}")
        run = api.get(f"/api/v2/dags/people_survey/dagRuns/{run_id}").json()
        elapsed = (datetime.fromisoformat(run["end_date"]) - datetime.fromisoformat(run["start_date"])).total_seconds()
        return elapsed, peaks, _task_instances(api, run_id)
    finally:
        sampling.set()
        cluster.stop()
        if own_redis is not None:
            own_redis.terminate()
        from warehouse.db import get_engine

        get_engine(settings.warehouse_url).dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{metadata}" WITH (FORCE)'))
        admin.dispose()


def _task_instances(api, run_id: str) -> list[dict]:
    instances, offset = [], 0
    while True:
        page = api.get(f"/api/v2/dags/people_survey/dagRuns/{run_id}/taskInstances",
                       params={"limit": 100, "offset": offset}).json()["task_instances"]
        instances += page
        offset += len(page)
        if len(page) < 100:
            return instances


def task_summary(instances: list[dict]) -> list[str]:
    """One line per task: instances, seconds summed and longest, instances per worker."""
    from collections import Counter

    by_task: dict[str, list[dict]] = {}
    for instance in instances:
        by_task.setdefault(instance["task_id"], []).append(instance)
    lines = []
    for task, group in by_task.items():
        seconds = [(datetime.fromisoformat(i["end_date"]) - datetime.fromisoformat(i["start_date"])).total_seconds()
                   for i in group if i["start_date"] and i["end_date"]]
        hosts = Counter(instance["hostname"] or "-" for instance in group)
        lines.append(f"    {task:<22}{len(group):>5} instances {sum(seconds):>9.1f} s summed {max(seconds, default=0):>7.1f} s longest  "
                     + ", ".join(f"{host} {count}" for host, count in sorted(hosts.items())))
    return lines


def _finished(api, run_id: str):
    state = api.get(f"/api/v2/dags/people_survey/dagRuns/{run_id}").json()["state"]
    return state if state in ("success", "failed") else None


def _wait(condition, timeout: float):
    from tests.cluster import poll_until

    result = poll_until(condition, timeout)
    if not result:
        raise SystemExit(f"timed out after {timeout:.0f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--organisations", type=int, default=100)
    parser.add_argument("--respondents", type=int, default=350_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    print(f"{'workers':>8}{'organisations':>15}{'respondents':>13}{'wall s':>9}  peak MB per worker")
    for workers in args.workers:
        elapsed, peaks, instances = run_wave(args.postgres, args.organisations, args.respondents, workers, args.timeout)
        memory = ", ".join(f"{name} {rss / 2**20:,.0f}" for name, rss in sorted(peaks.items()))
        print(f"{workers:>8}{args.organisations:>15}{args.respondents:>13,}{elapsed:>9.1f}  {memory}", flush=True)
        print("\n".join(task_summary(instances)), flush=True)


if __name__ == "__main__":
    main()
