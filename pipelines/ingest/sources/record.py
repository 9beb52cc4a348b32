"""The record every landing source module declares: how its files are read, checked and loaded."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
from sqlalchemy.engine import Connection

from pipelines.ingest.problems import Problem


def _no_problems(frame: pd.DataFrame, connection: Connection) -> list[Problem]:
    return []


def _no_helpers(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {}


def _no_parameters(frame: pd.DataFrame, connection: Connection) -> dict:
    return {}


@dataclass(frozen=True)
class Source:
    name: str
    canonical_name: Callable[[str], str | None]
    # The contract's rules as GX expectation configurations (written to expectations/<name>.json).
    expectations: Callable[[], list[dict]]
    wave_of: Callable[[pd.DataFrame], str]
    # Writes the file's rows inside the caller's transaction; returns the staged survey wave id
    # for sources whose results are computed and published in later steps, else None.
    load: Callable[[Connection, pd.DataFrame, int], int | None]
    # The file's pseudonymous identifier column, checked through derived helper columns only.
    identifier: str | None = None
    # Values the suite reads at run time (known units, identifiers already delivered ...).
    parameters: Callable[[pd.DataFrame, Connection], dict] = _no_parameters
    # Helper columns computed before GX runs (date differences, unknown codes in lists ...).
    derived_columns: Callable[[pd.DataFrame], dict[str, pd.Series]] = _no_helpers
    # Rules GX cannot express (e.g. an org-unit tree without cycles).
    structural_problems: Callable[[pd.DataFrame, Connection], list[Problem]] = field(default=_no_problems)
