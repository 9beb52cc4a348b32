"""One module per landing source: header mapping, contract rules (as GX expectations), loading."""
from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Connection

from pipelines.ingest.problems import Problem
from pipelines.ingest.sources.record import Source

SOURCE_NAMES = ("org_units", "workforce", "people_survey", "pulse", "exit_interviews", "stay_interviews")


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
