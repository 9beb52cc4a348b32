"""Org units (contract §6): the tree, with history by valid_from."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines.ingest.problems import Problem
from pipelines.ingest.sources.record import Source
from pipelines.ingest.sources.common import canonical_lower, dates, latest_date
from pipelines.ingest.validation import expect
from warehouse import load_log
from warehouse.db import table
from warehouse.org_tree import find_cycle, units_in_force

COLUMNS = ("unit_code", "unit_name", "parent_code", "level", "valid_from")


def expectations() -> list[dict]:
    return [
        *expect.required("unit_code"), *expect.required("unit_name"), *expect.required("level"),
        *expect.required("valid_from"), expect.column_exists("parent_code"),
        *expect.iso_date("valid_from"),
        expectation_unique_unit_and_date(),
        expect.known("parent_code", "known_parents", "known_parent_unit", "a parent unit that is neither in the file nor in the warehouse"),
    ]


def expectation_unique_unit_and_date() -> dict:
    return expect.expectation("expect_compound_columns_to_be_unique", None, "unique_in_file",
                              "each unit_code may appear once per valid_from", report_column="unit_code",
                              column_list=["unit_code", "valid_from"])


def _tree_after_load(frame: pd.DataFrame, connection: Connection) -> dict[str, str | None]:
    """parent of every unit as the tree would stand after loading this file."""
    as_of = latest_date(frame["valid_from"]) if "valid_from" in frame else None
    existing = units_in_force(connection, as_of) if as_of else pd.DataFrame(columns=COLUMNS)
    parent_of = {r.unit_code: (r.parent_code or None) for r in existing.itertuples()}
    if {"unit_code", "parent_code", "valid_from"} <= set(frame.columns):
        latest = frame.assign(_date=dates(frame["valid_from"])).sort_values("_date").drop_duplicates("unit_code", keep="last")
        parent_of.update({r.unit_code: (r.parent_code or None) for r in latest.itertuples()})
    return parent_of


def parameters(frame: pd.DataFrame, connection: Connection) -> dict:
    return {"known_parents": sorted(c for c in _tree_after_load(frame, connection) if c)}


def structural_problems(frame: pd.DataFrame, connection: Connection) -> list[Problem]:
    cycle = find_cycle(_tree_after_load(frame, connection))
    if cycle:
        return [Problem("tree_without_cycles", f"units form a cycle: {' -> '.join(cycle + cycle[:1])}", "parent_code")]
    return []


def wave_of(frame: pd.DataFrame) -> str:
    return frame["valid_from"].max()


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> None:
    units = table(connection.engine, "dim_org_unit")
    rows = [
        {"unit_code": r.unit_code, "valid_from": pd.Timestamp(r.valid_from).date(), "unit_name": r.unit_name,
         "parent_code": r.parent_code or None, "level": r.level, "load_id": load_id}
        for r in frame.itertuples()
    ]
    # A corrected delivery of the same (unit, valid_from) replaces the earlier row, unless the
    # earlier row came from a file that landed later.
    keys = {(row["unit_code"], row["valid_from"]) for row in rows}
    earlier = connection.execute(sa.select(units.c.unit_code, units.c.valid_from, units.c.load_id).where(
        units.c.valid_from.in_({v for _, v in keys}))).all()
    load_log.refuse_if_delivered_later(connection, load_id, [r.load_id for r in earlier if (r.unit_code, r.valid_from) in keys])
    for row in rows:
        connection.execute(sa.delete(units).where(units.c.unit_code == row["unit_code"], units.c.valid_from == row["valid_from"]))
    connection.execute(sa.insert(units), rows)
    return None


SOURCE = Source("org_units", canonical_lower(COLUMNS), expectations, wave_of, load,
                parameters=parameters, structural_problems=structural_problems, stored_in=("dim_org_unit",),
                changes_interview_results=True)
