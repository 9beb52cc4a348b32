"""Small helpers for tests that drive the real CLI against a real warehouse."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from pipelines.cli import main
from warehouse.db import get_engine


def run_cli(*args: str) -> int:
    return main([str(a) for a in args])


def ingest_landing(landing: Path) -> None:
    """Ingest a landing directory's sources in dependency order through the CLI."""
    for source in ("org_units", "workforce", "people_survey"):
        files = sorted((landing / source).glob("*.csv"))
        if files:
            assert run_cli("ingest", source, *files) == 0, f"ingest of {source} failed"


def query(url: str, sql: str, **params) -> pd.DataFrame:
    with get_engine(url).connect() as connection:
        return pd.read_sql(sa.text(sql), connection, params=params)


def row_counts(url: str) -> dict[str, int]:
    engine = get_engine(url)
    names = ("load_log", "dim_org_unit", "fact_workforce", "survey_wave", "raw_survey_response",
             "raw_survey_comment", "fact_survey_measure")
    with engine.connect() as connection:
        return {n: connection.execute(sa.text(f"SELECT COUNT(*) FROM {n}")).scalar_one() for n in names}
