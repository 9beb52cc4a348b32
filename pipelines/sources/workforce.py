"""Workforce snapshot (contract §5): headcount by unit, grade and sex on a date."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines import checks, contract, reference
from pipelines.problems import Problem
from pipelines.sources import Source
from warehouse.db import table
from warehouse.org_tree import units_in_force

COLUMNS = ("snapshot_date", "unit_code", "grade", "sex", "headcount")


def canonical_name(header: str) -> str | None:
    name = header.strip().lower()
    return name if name in COLUMNS else None


def validate(frame: pd.DataFrame, connection: Connection) -> list[Problem]:
    problems = checks.required_columns(frame, COLUMNS)
    if problems:
        return problems
    for column in ("snapshot_date", "unit_code", "headcount"):
        problems += checks.not_blank(frame, column)
    problems += checks.iso_dates(frame, "snapshot_date")
    problems += checks.single_value(frame, "snapshot_date")
    problems += checks.integer_range(frame, "headcount", 0, 10_000_000)
    problems += checks.codes(frame, "sex", contract.DEMOGRAPHIC_CODES["sex"])
    problems += checks.known(frame, "grade", reference.grade_codes(), "known_grade", "grades")
    cell = frame["unit_code"] + "|" + frame["grade"] + "|" + frame["sex"]
    problems += checks.unique(frame.assign(unit_grade_sex=cell), "unit_grade_sex")
    if problems:
        return problems
    snapshot = pd.Timestamp(frame["snapshot_date"].iloc[0]).date()
    units = units_in_force(connection, snapshot)
    problems += checks.known(frame, "unit_code", units["unit_code"], "known_unit", f"units (org units in force on {snapshot})")
    return problems


def wave_of(frame: pd.DataFrame) -> str:
    return frame["snapshot_date"].iloc[0]


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> None:
    workforce = table(connection.engine, "fact_workforce")
    snapshot = pd.Timestamp(frame["snapshot_date"].iloc[0]).date()
    connection.execute(sa.delete(workforce).where(workforce.c.snapshot_date == snapshot))
    connection.execute(sa.insert(workforce), [
        {"snapshot_date": snapshot, "unit_code": r.unit_code, "grade": r.grade or None,
         "sex": int(r.sex) if r.sex else None, "headcount": int(r.headcount), "load_id": load_id}
        for r in frame.itertuples()
    ])
    return None


SOURCE = Source("workforce", canonical_name, validate, wave_of, load)
