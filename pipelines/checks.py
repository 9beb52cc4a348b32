"""Vectorised column checks shared by every source's validation. Each returns a list of Problems."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from pipelines.contract import INVALID_MISSING_MARKERS
from pipelines.problems import Problem, problem_at_rows


def _positions(mask: pd.Series) -> np.ndarray:
    return np.flatnonzero(mask.to_numpy())


def required_columns(frame: pd.DataFrame, columns: Iterable[str]) -> list[Problem]:
    missing = [c for c in columns if c not in frame.columns]
    return [Problem("required_column", f"required column {c} is missing", c) for c in missing]


def not_blank(frame: pd.DataFrame, column: str) -> list[Problem]:
    blank = frame[column] == ""
    if blank.any():
        return [problem_at_rows("required_value", f"{column} is required but blank", column, _positions(blank))]
    return []


def unique(frame: pd.DataFrame, column: str) -> list[Problem]:
    values = frame[column]
    duplicated = values.duplicated(keep=False) & (values != "")
    if duplicated.any():
        return [problem_at_rows("unique_in_file", f"{column} values must be unique in the file", column, _positions(duplicated))]
    return []


def single_value(frame: pd.DataFrame, column: str) -> list[Problem]:
    distinct = frame.loc[frame[column] != "", column].unique()
    if len(distinct) > 1:
        shown = ", ".join(sorted(map(str, distinct))[:5])
        first = frame[column].iloc[0]
        return [problem_at_rows("one_wave_per_file", f"{column} must have one value per file; found {shown}",
                                column, _positions(frame[column] != first))]
    return []


def codes(frame: pd.DataFrame, column: str, allowed: Iterable, rule: str = "valid_code") -> list[Problem]:
    """Non-blank cells must be one of `allowed` (compared as text, so '1.0' or 'NA' fail)."""
    allowed_text = {str(a) for a in allowed}
    values = frame[column]
    bad = (values != "") & ~values.isin(allowed_text)
    if not bad.any():
        return []
    sample = values[bad].iloc[0]
    hint = " (the contract says blank means not answered)" if sample in INVALID_MISSING_MARKERS else ""
    listed = ", ".join(sorted(allowed_text, key=lambda v: (len(v), v))[:12])
    return [problem_at_rows(rule, f"{column} has invalid value {sample!r}{hint}; allowed: {listed}{', …' if len(allowed_text) > 12 else ''}",
                            column, _positions(bad))]


def integer_range(frame: pd.DataFrame, column: str, low: int, high: int) -> list[Problem]:
    values = frame[column]
    numbers = pd.to_numeric(values.where(values.str.fullmatch(r"-?\d+"), None), errors="coerce")
    bad = (values != "") & (numbers.isna() | (numbers < low) | (numbers > high))
    if bad.any():
        return [problem_at_rows("integer_in_range", f"{column} must be a whole number from {low} to {high}; found {values[bad].iloc[0]!r}",
                                column, _positions(bad))]
    return []


def iso_dates(frame: pd.DataFrame, column: str) -> list[Problem]:
    values = frame[column]
    parsed = pd.to_datetime(values.where(values.str.fullmatch(r"\d{4}-\d{2}-\d{2}"), None), format="%Y-%m-%d", errors="coerce")
    bad = (values != "") & parsed.isna()
    if bad.any():
        return [problem_at_rows("iso_date", f"{column} must be a date as YYYY-MM-DD; found {values[bad].iloc[0]!r}",
                                column, _positions(bad))]
    return []


def known(frame: pd.DataFrame, column: str, known_values: Iterable[str], rule: str, what: str) -> list[Problem]:
    values = frame[column]
    bad = (values != "") & ~values.isin(set(known_values))
    if bad.any():
        unknown = ", ".join(sorted(values[bad].unique())[:5])
        return [problem_at_rows(rule, f"{column} has {what} not in the reference: {unknown}", column, _positions(bad))]
    return []


def max_length(frame: pd.DataFrame, column: str, limit: int) -> list[Problem]:
    too_long = frame[column].str.len() > limit
    if too_long.any():
        return [problem_at_rows("text_length", f"{column} is longer than {limit} characters", column, _positions(too_long))]
    return []
