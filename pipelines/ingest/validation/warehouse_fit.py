"""Checks that every value of a file fits the warehouse column it will be stored in.

The limits are read from the live warehouse schema (the migrations are its single definition),
not restated here, so the contract checks and the warehouse cannot drift apart. Limits are
applied as PostgreSQL enforces them on either backend (SQLite would store a 70-character
identifier or a headcount of 2**40 that PostgreSQL refuses), so both give the same verdict.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines.shared.contract import MAX_TEXT_LENGTH
from pipelines.ingest.problems import Problem, problem_at_rows
from pipelines.ingest.sources.common import dates
from pipelines.ingest.sources.record import Source
from warehouse.db import table

# PostgreSQL's ranges (SQLite's INTEGER holds 64 bits whatever the declared type).
INTEGER_RANGES = {sa.SmallInteger: (-2**15, 2**15 - 1), sa.BigInteger: (-2**63, 2**63 - 1),
                  sa.Integer: (-2**31, 2**31 - 1)}
WHOLE_NUMBER = r"[+-]?\d+"


def _integer_range(column_type) -> tuple[int, int] | None:
    for kind, bounds in INTEGER_RANGES.items():  # SmallInteger and BigInteger before Integer
        if isinstance(column_type, kind):
            return bounds
    return None


def stored_columns(source: Source, connection: Connection) -> dict[str, sa.Column]:
    """Lower-cased column name -> the warehouse column it is stored in (first table wins)."""
    found: dict[str, sa.Column] = {}
    for name in source.stored_in:
        for column in table(connection.engine, name).columns:
            found.setdefault(column.name.lower(), column)
    return found


def latest_allowed_date() -> dt.date:
    """One rule for every source: nothing delivered may be dated after today."""
    return dt.date.today()


def _column_problems(name: str, values: pd.Series, target: sa.Column) -> list[Problem]:
    problems = []
    given = values[values != ""]
    if given.empty:
        return problems
    length = getattr(target.type, "length", None)
    if isinstance(target.type, sa.String) and length:
        too_long = given.index[given.str.len() > length]
        if len(too_long):
            problems.append(problem_at_rows("max_length", f"{name} is longer than the {length} characters the "
                                            "warehouse stores", name, too_long))
    bounds = _integer_range(target.type)
    if bounds:
        whole = given[given.str.fullmatch(WHOLE_NUMBER)]
        outside = whole.index[[not bounds[0] <= int(v) <= bounds[1] for v in whole]]
        if len(outside):
            problems.append(problem_at_rows("integer_range", f"{name} must be a whole number from {bounds[0]} to "
                                            f"{bounds[1]}", name, outside))
    if isinstance(target.type, sa.Date):
        latest = latest_allowed_date()
        parsed = dates(given)
        future = parsed.index[parsed.notna() & (parsed > pd.Timestamp(latest))]
        if len(future):
            problems.append(problem_at_rows("date_not_in_future", f"{name} is after today ({latest.isoformat()}); "
                                            "no date in a delivery may lie in the future", name, future))
    return problems


def fit_problems(source: Source, frame: pd.DataFrame, connection: Connection) -> list[Problem]:
    """Values the warehouse could not store as they are, and free text over the contract's limit."""
    problems: list[Problem] = []
    stored = stored_columns(source, connection)
    # A comment table stores the `text_<id>` header of each comment in its `question` column.
    header_limit = getattr(table(connection.engine, source.comments.table).c["question"].type, "length", None) \
        if source.comments else None
    for name in frame.columns:
        values = frame[name].fillna("")
        if name.startswith("text_"):
            if header_limit and len(name) > header_limit:
                problems.append(Problem("max_length", f"the free-text column's name is longer than the "
                                        f"{header_limit} characters the warehouse stores", name[:24] + "…", [1], 1))
            too_long = values.index[values.str.len() > MAX_TEXT_LENGTH]
            if len(too_long):
                problems.append(problem_at_rows("text_length", f"free text is longer than {MAX_TEXT_LENGTH} characters",
                                                name, too_long))
            continue
        if name.lower() in stored:
            problems += _column_problems(name, values, stored[name.lower()])
    return problems
