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


# One valid file of each source in tests/data, the base that mutation tests edit.
SAMPLE_FILES = {
    "org_units": "org_units_2024-01-01.csv",
    "workforce": "workforce_2024-09-01.csv",
    "people_survey": "exa_people_survey_2024.csv",
    "pulse": "exa_pulse_2025-03.csv",
    "exit_interviews": "exa_exit_2025-H1.csv",
    "stay_interviews": "exa_stay_2025-05.csv",
}


def with_organisation(settings):
    """Create the warehouse and load the organisation (units and workforce) that every other
    source is checked against; returns the settings."""
    from pipelines.orchestration import flow
    from tests.conftest import SAMPLES

    flow.initialise_warehouse(settings)
    for source in ("org_units", "workforce"):
        outcome, = flow.ingest(settings, source, [str(SAMPLES / SAMPLE_FILES[source])])
        assert outcome.status == "loaded", outcome.message
    return settings


# -- edits of a landed file, for tests that mutate a valid file into a bad one -------------------

def frame_edit(change):
    """An edit of a CSV file in place: `change` mutates its frame (every cell read as text)."""
    def apply(path: Path) -> None:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        change(frame)
        frame.to_csv(path, index=False)
    return apply


def cell(column: str, row: int, value: str):
    """An edit setting one cell (`row` counts data rows from 0)."""
    def change(frame):
        frame.loc[row, column] = value
    return frame_edit(change)


SOURCE_ORDER = ("org_units", "workforce", "people_survey", "pulse", "exit_interviews", "stay_interviews")


def build_sample_warehouse(settings, landing: Path, respondents: int = 900, with_comments: bool = True,
                           pulses: int = 2) -> None:
    """A warehouse holding every source of the synthetic organisation, loaded through the real flow."""
    from pipelines.orchestration import flow
    from pipelines.samples.deliveries import write_sample_organisation

    write_sample_organisation(landing, respondents=respondents, seed=7, years=(2023, 2024), pulses=pulses)
    flow.initialise_warehouse(settings)
    for source in SOURCE_ORDER:
        files = sorted(str(p) for p in (landing / source).glob("*.csv"))
        for outcome in flow.ingest(settings, source, files) if files else []:
            assert outcome.status == "loaded", f"{source}: {outcome.message}"
    if with_comments:
        flow.process_comments(settings)
