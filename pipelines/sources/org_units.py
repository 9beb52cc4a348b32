"""Org units (contract §6): the tree, with history by valid_from."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines import checks
from pipelines.problems import Problem
from pipelines.sources import Source
from warehouse.db import table
from warehouse.org_tree import find_cycle, units_in_force

COLUMNS = ("unit_code", "unit_name", "parent_code", "level", "valid_from")


def canonical_name(header: str) -> str | None:
    name = header.strip().lower()
    return name if name in COLUMNS else None


def validate(frame: pd.DataFrame, connection: Connection) -> list[Problem]:
    problems = checks.required_columns(frame, COLUMNS)
    if problems:
        return problems
    for column in ("unit_code", "unit_name", "level", "valid_from"):
        problems += checks.not_blank(frame, column)
    problems += checks.iso_dates(frame, "valid_from")
    key = frame["unit_code"] + "@" + frame["valid_from"]
    problems += checks.unique(frame.assign(unit_and_date=key), "unit_and_date")
    if problems:
        return problems
    as_of = pd.to_datetime(frame["valid_from"]).max().date()
    existing = units_in_force(connection, as_of)
    parent_of = {r.unit_code: (r.parent_code or None) for r in existing.itertuples()}
    latest_in_file = frame.sort_values("valid_from").drop_duplicates("unit_code", keep="last")
    parent_of.update({r.unit_code: (r.parent_code or None) for r in latest_in_file.itertuples()})
    problems += checks.known(frame, "parent_code", parent_of.keys(), "known_parent_unit", "parent units")
    cycle = find_cycle(parent_of)
    if cycle:
        problems.append(Problem("tree_without_cycles", f"units form a cycle: {' -> '.join(cycle + cycle[:1])}", "parent_code"))
    return problems


def wave_of(frame: pd.DataFrame) -> str:
    return frame["valid_from"].max()


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> None:
    units = table(connection.engine, "dim_org_unit")
    rows = [
        {"unit_code": r.unit_code, "valid_from": pd.Timestamp(r.valid_from).date(), "unit_name": r.unit_name,
         "parent_code": r.parent_code or None, "level": r.level, "load_id": load_id}
        for r in frame.itertuples()
    ]
    # A corrected delivery of the same (unit, valid_from) replaces the earlier row.
    for row in rows:
        connection.execute(sa.delete(units).where(units.c.unit_code == row["unit_code"], units.c.valid_from == row["valid_from"]))
    connection.execute(sa.insert(units), rows)
    return None


SOURCE = Source("org_units", canonical_name, validate, wave_of, load)
