"""One module per landing source, each declaring its record (record.Source): header mapping, contract
rules (as GX expectations), loading, and what the rest of the pipeline reads (results step,
comments, Asset, lock, wave tables)."""
from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Connection

from pipelines.ingest.problems import Problem
from pipelines.ingest.sources.record import Source
from pipelines.shared.free_text import RawComments

# The sources this package ships, in the order a fresh warehouse takes them in: each is the module
# of that name in this package, which declares its record as SOURCE. Listing a module here is all
# a source inside the package needs to be taken in everywhere.
SOURCE_NAMES = ("org_units", "workforce", "people_survey", "pulse", "exit_interviews", "stay_interviews")
# Sources added from outside this package (a new supplier's feed kept elsewhere, a test's toy source).
_REGISTERED: dict[str, Source] = {}


def register(source: Source, contract: Path) -> None:
    """Add a source defined outside this package, with its contract (the GX suite its `expectations`
    render to). `culture init` then creates its ingest lock; ingest, validation, the load log and
    whatever else its record declares (results step, comments, Asset) take it like any other."""
    from pipelines.ingest.validation.gx_runner import use_contract

    use_contract(source.name, contract)
    _REGISTERED[source.name] = source


def unregister(name: str) -> None:
    _REGISTERED.pop(name, None)


def _shipped(name: str) -> Source:
    source = importlib.import_module(f"{__name__}.{name}").SOURCE
    if source.name != name:
        raise ValueError("a shipped source's module is named after the source it declares")
    return source


def all_sources() -> tuple[Source, ...]:
    return (*(_shipped(name) for name in SOURCE_NAMES), *_REGISTERED.values())


def comment_sources() -> tuple[RawComments, ...]:
    """Where every source with free text keeps it: what the NLP step reads."""
    return tuple(source.comments for source in all_sources() if source.comments)


def get_source(name: str) -> Source:
    sources = {s.name: s for s in all_sources()}
    if name not in sources:
        raise ValueError(f"unknown source {name!r}; choose from {', '.join(sources)}")
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
    problems += fit_problems(source, frame, connection)
    if not problems:
        problems = source.structural_problems(frame, connection)
    return problems
