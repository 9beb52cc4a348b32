"""The org-unit tree as it stood on a date (units change by new rows with a later valid_from)."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from warehouse.db import table


def units_in_force(connection: Connection, on_date: dt.date) -> pd.DataFrame:
    """unit_code, unit_name, parent_code, level of every unit, as of `on_date`."""
    units = table(connection.engine, "dim_org_unit")
    latest = (
        sa.select(units.c.unit_code, sa.func.max(units.c.valid_from).label("valid_from"))
        .where(units.c.valid_from <= on_date)
        .group_by(units.c.unit_code)
        .subquery()
    )
    query = sa.select(units.c.unit_code, units.c.unit_name, units.c.parent_code, units.c.level).join(
        latest, sa.and_(units.c.unit_code == latest.c.unit_code, units.c.valid_from == latest.c.valid_from)
    )
    rows = connection.execute(query).all()
    return pd.DataFrame(rows, columns=["unit_code", "unit_name", "parent_code", "level"], dtype=object)


def find_cycle(parent_of: dict[str, str | None]) -> list[str] | None:
    """A list of units that form a parent cycle, or None."""
    for start in parent_of:
        seen = []
        node = start
        while node is not None and node in parent_of:
            if node in seen:
                return seen[seen.index(node):]
            seen.append(node)
            node = parent_of[node]
    return None


def _parent(code) -> str | None:
    """A parent code, or None for the top unit. A frame read with pandas holds a missing parent as
    NaN (truthy, so `code or None` kept it), which put a fake root above every chain and made the
    top unit report as a unit beside the organisation."""
    if code is None or pd.isna(code) or str(code) == "":
        return None
    return str(code)


def ancestor_paths(units: pd.DataFrame) -> dict[str, list[str]]:
    """For each unit, its chain from the top unit down to itself (e.g. [EXA, OPS, OPS-N, OPS-N-T1])."""
    parent_of = {r.unit_code: _parent(r.parent_code) for r in units.itertuples()}
    paths: dict[str, list[str]] = {}
    for unit in parent_of:
        chain, node = [], unit
        while node is not None and node not in chain:
            chain.append(node)
            node = parent_of.get(node)
        paths[unit] = list(reversed(chain))
    return paths


def directorate_of(paths: dict[str, list[str]], unit) -> str | None:
    """The directorate (a child of the top unit) `unit` sits in, from `ancestor_paths`; None for the
    top unit itself or a unit not in the tree."""
    path = paths.get(unit)
    return path[1] if path is not None and len(path) > 1 else None


def top_unit_code(connection: Connection) -> str:
    """The organisation's code: the unit without a parent (sources without org_code use it)."""
    units = table(connection.engine, "dim_org_unit")
    row = connection.execute(sa.select(units.c.unit_code).where(units.c.parent_code.is_(None))
                             .order_by(units.c.valid_from.desc()).limit(1)).first()
    return row.unit_code if row else ""
