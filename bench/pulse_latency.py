"""Pulse latency: from a file landing to its results being queryable in hr_pulse_results.

    python bench/pulse_latency.py                      # PostgreSQL on 127.0.0.1:5432, database test
    python bench/pulse_latency.py --postgres URL --history 1 24 --landings 10

For each history size H, a fresh warehouse gets H earlier pulses, then:
- pipeline: validate + load + weight + publish of one more pulse, in process (the work per pulse);
- event-driven: real Airflow components (api-server, scheduler, dag-processor, triggerer) watch
  the landing directory; for each of --landings pulses landed one after another, the time from the
  file's rename into landing/pulse/ to its rows in the view: median and worst, and where it goes.
Prints figures only; no targets are asserted here (see docs/performance.md).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
SAMPLES = ROOT / "tests" / "data"


def pulse_ids(count: int) -> list[str]:
    """Bi-monthly pulse ids going back from 2025-03."""
    ids, year, month = [], 2025, 3
    for _ in range(count):
        ids.append(f"{year}-{month:02d}")
        month -= 2
        if month < 1:
            year, month = year - 1, month + 12
    return sorted(ids)


def write_pulse(directory: Path, pulse_id: str, respondents: int) -> Path:
    from pipelines.samples.followups import pulse_frame

    path = directory / f"pulse_{pulse_id}.csv"
    pulse_frame(pulse_id, respondents, seed=int(pulse_id.replace("-", "")), drift=0.0).to_csv(path, index=False)
    return path


def fresh_warehouse(postgres: str, root: Path):
    import sqlalchemy as sa

    from pipelines.orchestration import flow
    from pipelines.config import Settings
    from pipelines.samples.deliveries import write_sample_organisation

    schema = f"culture_bench_{uuid.uuid4().hex[:10]}"
    with sa.create_engine(postgres).begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    settings = Settings(root / "var", root / "landing", f"{postgres}?options=-csearch_path%3D{schema}", 10)
    write_sample_organisation(root / "reference", respondents=400, years=(2024,))
    flow.initialise_warehouse(settings)
    for source in ("org_units", "workforce"):
        flow.ingest(settings, source, sorted(str(p) for p in (root / "reference" / source).glob("*.csv")))
    return settings, schema


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--history", type=int, nargs="+", default=[1, 24])
    parser.add_argument("--landings", type=int, default=10, help="pulses landed one after another per history size")
    parser.add_argument("--respondents", type=int, default=600, help="respondents per pulse")
    parser.add_argument("--no-airflow", action="store_true", help="only the in-process pipeline time")
    args = parser.parse_args()

    import sqlalchemy as sa

    from pipelines.orchestration import flow

    rows, breakdowns = [], []
    for history in args.history:
        root = Path(tempfile.mkdtemp(prefix="culture-bench-pulse-"))
        settings, schema = fresh_warehouse(args.postgres, root)
        ids = pulse_ids(history + 1 + args.landings)
        files = root / "files"
        files.mkdir()
        for pulse_id in ids[:history]:
            flow.ingest(settings, "pulse", [str(write_pulse(files, pulse_id, args.respondents))])
        started = time.perf_counter()
        outcome, = flow.ingest(settings, "pulse", [str(write_pulse(files, ids[history], args.respondents))])
        pipeline_s = time.perf_counter() - started
        assert outcome.status == "loaded", outcome.message
        median = worst = "-"
        if not args.no_airflow:
            landings = [(write_pulse(files, pulse_id, args.respondents), pulse_id) for pulse_id in ids[history + 1:]]
            stages = measure_event_driven(args.postgres, root, settings, landings)
            totals = [sum(stage.values()) for stage in stages]
            median, worst = f"{statistics.median(totals):.1f}", f"{max(totals):.1f}"
            breakdowns.append((history, stages))
        rows.append(f"{history:>15}{pipeline_s:>12.2f}{median:>10}{worst:>10}")
        with sa.create_engine(args.postgres).begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    print(f"{'earlier pulses':>15}{'pipeline s':>12}{'median s':>10}{'worst s':>10}")
    print("\n".join(rows))
    print(f"(pipeline = validate + load + weight + publish of one pulse in process; median and worst of "
          f"{args.landings} landings -> rows in hr_pulse_results, with real Airflow components)")
    for history, stages in breakdowns:
        totals = [sum(s.values()) for s in stages]
        worst = stages[totals.index(max(totals))]
        print(f"\nafter {history} earlier pulses, each landing in order, s: {' '.join(f'{t:.1f}' for t in totals)}")
        print(f"where the time goes, median of {len(stages)} landings and the worst landing, s:")
        for stage in STAGES:
            print(f"  {stage:<44}{statistics.median(s[stage] for s in stages):>6.1f}{worst[stage]:>8.1f}")


# Each landing's time cut at the moments the metadata database records: the watcher's asset event,
# the run's creation, the task's queueing and its start (the task process announced itself).
STAGES = ("landing -> asset event (watcher poll)", "asset event -> run created (scheduler)",
          "run created -> task queued (scheduler)", "task queued -> task started (executor)",
          "task started -> rows seen (task process)")
TIMELINE = """
SELECT e.timestamp AS event, r.created_at AS run, ti.queued_dttm AS queued, ti.start_date AS started
FROM dag_run r
JOIN task_instance ti ON ti.dag_id = r.dag_id AND ti.run_id = r.run_id AND ti.task_id = 'take_in_landed_files'
JOIN dagrun_asset_event a ON a.dag_run_id = r.id
JOIN asset_event e ON e.id = a.event_id
WHERE r.dag_id = 'pulse_survey' ORDER BY r.id DESC, e.id DESC LIMIT 1
"""


def measure_event_driven(postgres: str, root: Path, settings, landings: list[tuple[Path, str]]) -> list[dict]:
    """Lands the pulses one by one into a running cluster, each once no task runs any more, and
    returns each landing's STAGES in seconds. Every DAG starts paused and only the pulse DAG is
    unpaused: the others (comments, report) start only after the rows are queryable and would still
    be running when the next pulse lands; and pausing them after start came too late, since their
    scheduled runs were already made and, paused, never finished."""
    import sqlalchemy as sa

    from tests.cluster import AirflowCluster, land_atomically, poll_until
    from warehouse.db import get_engine

    name = f"culture_bench_airflow_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    metadata_url = postgres.rsplit("/", 1)[0] + f"/{name}"
    cluster = AirflowCluster(root / "airflow", metadata_url, settings,
                             extra={"AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True"})
    metadata, warehouse = sa.create_engine(metadata_url), get_engine(settings.warehouse_url)
    stages = []
    try:
        cluster.start()
        cluster.unpause("pulse_survey")
        # Until a triggerer runs the watcher (up to half a minute after the DAG is unpaused) a
        # landed file waits for it; in service a DAG is unpaused long before files land.
        cluster.wait_until_active("pulse_survey")
        (settings.landing_dir / "pulse").mkdir(parents=True, exist_ok=True)
        for pulse_file, pulse_id in landings:
            if not poll_until(lambda: cluster_is_idle(metadata), 120, 0.5):
                raise TimeoutError(f"runs still active 120 s before pulse {pulse_id} was to land\n{cluster.logs()}")
            landed_at = datetime.now(timezone.utc)
            land_atomically(pulse_file, settings.landing_dir / "pulse" / pulse_file.name)
            if not poll_until(lambda: pulse_rows(warehouse, pulse_id), 600, 0.2):
                raise TimeoutError(f"pulse {pulse_id} not queryable after 600 s\n{cluster.logs()}")
            seen_at = datetime.now(timezone.utc)
            with metadata.connect() as connection:
                moments = connection.execute(sa.text(TIMELINE)).mappings().one()
            marks = [landed_at, moments["event"], moments["run"], moments["queued"], moments["started"], seen_at]
            stages.append({stage: (later - earlier).total_seconds()
                           for stage, earlier, later in zip(STAGES, marks, marks[1:])})
    finally:
        cluster.stop()
        metadata.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return stages


def cluster_is_idle(metadata) -> bool:
    import sqlalchemy as sa

    with metadata.connect() as connection:
        return not connection.execute(sa.text(
            "SELECT (SELECT COUNT(*) FROM dag_run WHERE dag_id = 'pulse_survey' AND state IN ('queued', 'running'))"
            " + (SELECT COUNT(*) FROM task_instance WHERE state IN ('scheduled', 'queued', 'running'))")).scalar_one()


def pulse_rows(warehouse, pulse_id: str) -> bool:
    import sqlalchemy as sa

    with warehouse.connect() as connection:
        return bool(connection.execute(sa.text("SELECT COUNT(*) FROM hr_pulse_results WHERE pulse_id = :p"),
                                       {"p": pulse_id}).scalar_one())


if __name__ == "__main__":
    main()
