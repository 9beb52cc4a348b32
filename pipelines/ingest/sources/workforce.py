"""Workforce snapshot (contract §5): headcount by unit, grade and sex on a date."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines.shared import contract, reference
from pipelines.ingest.sources.record import Source
from pipelines.ingest.sources.common import canonical_lower, latest_date, unit_codes_known_by
from pipelines.ingest.validation import expect
from warehouse import load_log
from warehouse.db import table

COLUMNS = ("snapshot_date", "unit_code", "grade", "sex", "headcount")


def expectations() -> list[dict]:
    return [
        *expect.required("snapshot_date"), *expect.required("unit_code"), *expect.required("headcount"),
        expect.column_exists("grade"), expect.column_exists("sex"),
        *expect.iso_date("snapshot_date"), expect.one_value("snapshot_date"),
        expect.pattern("headcount", r"^\d+$", "non_negative_count", "headcount must be a whole number, 0 or more"),
        expect.codes("sex", contract.DEMOGRAPHIC_CODES["sex"]),
        expect.codes("grade", reference.grade_codes(), "a grade code from grades.csv:"),
        expect.expectation("expect_compound_columns_to_be_unique", None, "unique_in_file",
                           "each unit_code, grade and sex may appear once per snapshot", report_column="unit_code",
                           column_list=["unit_code", "grade", "sex"], ignore_row_if="never"),
        expect.known("unit_code", "known_units", "known_unit", "a unit not in the org units in force on the snapshot date"),
    ]


def parameters(frame: pd.DataFrame, connection: Connection) -> dict:
    snapshot = latest_date(frame["snapshot_date"]) if "snapshot_date" in frame else None
    return {"known_units": unit_codes_known_by(connection, snapshot) if snapshot else []}


def wave_of(frame: pd.DataFrame) -> str:
    return frame["snapshot_date"].iloc[0]


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> None:
    workforce = table(connection.engine, "fact_workforce")
    snapshot = pd.Timestamp(frame["snapshot_date"].iloc[0]).date()
    earlier = connection.execute(sa.select(workforce.c.load_id).where(workforce.c.snapshot_date == snapshot).distinct())
    load_log.refuse_if_delivered_later(connection, load_id, [r.load_id for r in earlier])
    connection.execute(sa.delete(workforce).where(workforce.c.snapshot_date == snapshot))
    connection.execute(sa.insert(workforce), [
        {"snapshot_date": snapshot, "unit_code": r.unit_code, "grade": r.grade or None,
         "sex": int(r.sex) if r.sex else None, "headcount": int(r.headcount), "load_id": load_id}
        for r in frame.itertuples()
    ])
    return None


SOURCE = Source("workforce", canonical_lower(COLUMNS), expectations, wave_of, load, parameters=parameters,
                stored_in=("fact_workforce",), changes_interview_results=True)
