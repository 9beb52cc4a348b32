"""Pulse latency: from a file landing to its results being queryable in hr_pulse_results.

    python bench/pulse_latency.py                      # PostgreSQL on 127.0.0.1:5432, database test
    python bench/pulse_latency.py --postgres URL --history 1 6 24

For each history size H, a fresh warehouse gets H earlier pulses, then:
- pipeline: validate + load + weight + publish of one more pulse, in process (the work per pulse);
- event-driven: real Airflow components (api-server, scheduler, dag-processor, triggerer) watch
  the landing directory; the time from the file's rename into landing/pulse/ to its rows in the view.
Prints figures only; no targets are asserted here (see docs/performance.md).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
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
    parser.add_argument("--history", type=int, nargs="+", default=[1, 6, 24])
    parser.add_argument("--respondents", type=int, default=600, help="respondents per pulse")
    parser.add_argument("--no-airflow", action="store_true", help="only the in-process pipeline time")
    args = parser.parse_args()

    import sqlalchemy as sa

    from pipelines.orchestration import flow

    print(f"{'earlier pulses':>15}{'pipeline s':>12}{'landing -> queryable s':>24}")
    for history in args.history:
        root = Path(tempfile.mkdtemp(prefix="culture-bench-pulse-"))
        settings, schema = fresh_warehouse(args.postgres, root)
        ids = pulse_ids(history + 2)
        files = root / "files"
        files.mkdir()
        for pulse_id in ids[:history]:
            flow.ingest(settings, "pulse", [str(write_pulse(files, pulse_id, args.respondents))])
        started = time.perf_counter()
        outcome, = flow.ingest(settings, "pulse", [str(write_pulse(files, ids[history], args.respondents))])
        pipeline_s = time.perf_counter() - started
        assert outcome.status == "loaded", outcome.message
        latency = "-"
        if not args.no_airflow:
            next_pulse = write_pulse(files, ids[history + 1], args.respondents)
            latency = f"{measure_event_driven(args.postgres, root, settings, next_pulse, ids[history + 1]):.1f}"
        print(f"{history:>15}{pipeline_s:>12.2f}{latency:>24}")
        with sa.create_engine(args.postgres).begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    print("(pipeline = validate + load + weight + publish of one pulse; landing -> queryable includes the watcher's "
          "1 s poll and Airflow scheduling)")


def measure_event_driven(postgres: str, root: Path, settings, pulse_file: Path, pulse_id: str) -> float:
    import sqlalchemy as sa

    from tests.cluster import AirflowCluster, land_atomically
    from warehouse.db import get_engine

    name = f"culture_bench_airflow_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    cluster = AirflowCluster(root / "airflow", postgres.rsplit("/", 1)[0] + f"/{name}", settings)
    try:
        cluster.start()
        cluster.wait_until_active("pulse_survey")
        (settings.landing_dir / "pulse").mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        land_atomically(pulse_file, settings.landing_dir / "pulse" / pulse_file.name)
        engine = get_engine(settings.warehouse_url)
        while time.perf_counter() - started < 600:
            with engine.connect() as connection:
                if connection.execute(sa.text("SELECT COUNT(*) FROM hr_pulse_results WHERE pulse_id = :p"),
                                      {"p": pulse_id}).scalar_one():
                    return time.perf_counter() - started
            time.sleep(0.5)
        raise TimeoutError(f"pulse {pulse_id} not queryable after 600 s\n{cluster.logs()}")
    finally:
        cluster.stop()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
