"""One module per landing source: header mapping, contract rules (as GX expectations), loading."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
from sqlalchemy.engine import Connection

from pipelines.ingest.problems import Problem

SOURCE_NAMES = ("org_units", "workforce", "people_survey", "pulse", "exit_interviews", "stay_interviews")


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


def get_source(name: str) -> Source:
    from pipelines.ingest.sources import exit_interviews, org_units, people_survey, pulse, stay_interviews, workforce

    sources = {s.name: s for s in (org_units.SOURCE, workforce.SOURCE, people_survey.SOURCE, pulse.SOURCE,
                                   exit_interviews.SOURCE, stay_interviews.SOURCE)}
    if name not in sources:
        raise ValueError(f"unknown source {name!r}; choose from {', '.join(SOURCE_NAMES)}")
    return sources[name]


def validate(source: Source, frame: pd.DataFrame, connection: Connection, docs=None) -> list[Problem]:
    """Every contract rule for one file: the GX suite and what the warehouse can store, then the
    structural checks.

    `docs` (a gx_runner.DataDocsTarget) asks for GX Data Docs of the run.
    """
    from pipelines.ingest.validation.gx_runner import run_suite
    from pipelines.ingest.validation.warehouse_fit import fit_problems

    problems = run_suite(source.name, frame, source.parameters(frame, connection), source.derived_columns(frame),
                         source.identifier, docs)
    problems += fit_problems(source.name, frame, connection)
    if not problems:
        problems = source.structural_problems(frame, connection)
    return problems
