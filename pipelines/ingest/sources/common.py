"""Helpers the source modules share: parsing cells, code lists, lookups in the warehouse."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from warehouse.db import table


def dates(values: pd.Series) -> pd.Series:
    """ISO dates as Timestamps; NaT where blank or malformed (the suite reports those)."""
    return pd.to_datetime(values.where(values.str.fullmatch(r"\d{4}-\d{2}-\d{2}", na=False)), format="%Y-%m-%d", errors="coerce")


def latest_date(values: pd.Series, default: dt.date | None = None) -> dt.date:
    parsed = dates(values).dropna()
    return parsed.max().date() if len(parsed) else (default or dt.date.today())


def first_unknown_code(values: pd.Series, allowed: set[str]) -> pd.Series:
    """For `;`-separated code lists: the first code not in `allowed` per row, else None."""
    def check(cell: str) -> str | None:
        for code in (c.strip() for c in cell.split(";")):
            if code not in allowed:
                return code or "(empty code)"
        return None

    return values.map(lambda cell: check(cell) if isinstance(cell, str) and cell != "" else None)


def unit_codes_known_by(connection: Connection, on_date: dt.date) -> list[str]:
    """Every unit code with a row valid on or before `on_date` (units are never deleted)."""
    units = table(connection.engine, "dim_org_unit")
    rows = connection.execute(sa.select(units.c.unit_code).where(units.c.valid_from <= on_date).distinct())
    return sorted(r.unit_code for r in rows)


def as_small_ints(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.replace("", None)).astype("Int16")


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for missing values (what SQLAlchemy inserts as NULL)."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def optional(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column] if column in frame else pd.Series("", index=frame.index, dtype=object)


def text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("text_")]


def canonical_lower(known: tuple[str, ...]):
    """A header mapper for sources whose columns are all lower case, plus free-text columns."""
    def canonical_name(header: str) -> str | None:
        name = header.strip().lower()
        if name in known or (name.startswith("text_") and len(name) > 5):
            return name
        return None

    return canonical_name
