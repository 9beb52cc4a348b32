"""Ingest + validation + measures + load for synthetic people-survey waves; prints wall time and peak memory.

    python bench/ingest.py                       # 3,400, 100,000 and 350,000 respondents on SQLite
    python bench/ingest.py --sizes 3400 --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

Each size runs in a fresh child process so that its peak memory is its own. Prints figures only:
targets live in docs/performance.md, never as assertions.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import figures_from_child, peak_mb, sample_warehouse  # noqa: E402  (bench/ beside this script)


@contextmanager
def scratch_schema(server_url: str):
    """A fresh schema on the PostgreSQL server for one run, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"culture_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{server_url}{'&' if '?' in server_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        from warehouse.db import get_engine

        get_engine.cache_clear()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


def measure_once(respondents: int, url: str | None) -> dict:
    if url is None:
        return measure_in(respondents, None)
    with scratch_schema(url) as schema_url:
        return measure_in(respondents, schema_url)


def measure_in(respondents: int, url: str | None) -> dict:
    from pipelines.orchestration import flow

    settings = sample_warehouse(Path(tempfile.mkdtemp(prefix="culture-bench-")), respondents, url)
    survey = flow.find_landed_files(settings, "people_survey")
    started = time.perf_counter()
    outcomes = flow.ingest(settings, "people_survey", survey)
    elapsed = time.perf_counter() - started
    assert outcomes[0].status == "loaded", outcomes[0].message
    return {"respondents": respondents, "backend": settings.warehouse_url.split(":")[0], "wall_s": round(elapsed, 2),
            "rows_per_s": round(respondents / elapsed), "peak_rss_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[3400, 100_000, 350_000])
    parser.add_argument("--postgres", help="also run against this PostgreSQL server (each run gets a fresh schema, dropped after)")
    parser.add_argument("--child", nargs=2, metavar=("RESPONDENTS", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_once(int(args.child[0]), None if args.child[1] == "-" else args.child[1])))
        return
    print(f"{'backend':<12}{'respondents':>12}{'wall s':>10}{'rows/s':>10}{'peak MB':>10}")
    for url in ["-"] + ([args.postgres] if args.postgres else []):
        for size in args.sizes:
            figures = figures_from_child(__file__, str(size), url)
            if figures is None:
                continue
            print(f"{figures['backend']:<12}{figures['respondents']:>12}{figures['wall_s']:>10}{figures['rows_per_s']:>10}{figures['peak_rss_mb']:>10}")
    print("(ingest = validate + load + measures + disclosure control + publish; excludes interpreter start-up and data generation)")


if __name__ == "__main__":
    main()
