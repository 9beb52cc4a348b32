"""The record every landing source module declares: how its files are read, checked and loaded,
and what the rest of the pipeline does with them (results step, comments, Asset, lock, wave tables).

The CLI, the DAGs, the NLP step and the report take these from the record instead of naming
sources. Layers run one way (tests/test_architecture.py): a source module sits in `ingest` and
may not import the publish or orchestration stages, so what lives there is named, not imported:
- `results` is a "module:attribute" name of the wave-results step, imported only when a staged
  wave is computed or published (`results_step`, called by pipelines.orchestration.flow);
- `asset` is the Asset's name (pipelines.orchestration.assets and dags/ wrap it);
- the stages after ingest never import this module: the orchestration stage reads the record and
  hands them what they need as arguments (`comments` to nlp.comments, `wave_tables` to the
  publish step).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
from sqlalchemy.engine import Connection

from pipelines.ingest.problems import Problem
from pipelines.shared.free_text import RawComments


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
    # Warehouse tables a file's columns are stored in (same names, case-insensitive), whose column
    # types bound its values (pipelines.ingest.validation.warehouse_fit); first table wins.
    stored_in: tuple[str, ...] = ()
    # Its free text (`text_*` columns), for redaction and themes; None when it has none.
    comments: RawComments | None = None
    # For a source whose `load` stages survey waves: "module:attribute" of its results step, an
    # object with `compute(engine, wave_id, min_group_size) -> rows` and
    # `publish(engine, wave_id, min_group_size, wave_tables) -> replaced load ids`, and, when its
    # figures reach an HR view, `audited` (pipelines.disclosure.audit.AuditedView): the view the
    # disclosure audit attacks before each publish and in `culture audit disclosure`.
    results: str | None = None
    # Tables holding one wave version's rows (column `wave_id`): dropped when a later delivery of
    # the wave supersedes it.
    wave_tables: tuple[str, ...] = ()
    # The Airflow Asset its DAG updates once its results change (the comments DAG follows those
    # of sources with comments).
    asset: str | None = None
    # A landing watcher starts its DAG as soon as a file lands (the DAG is scheduled on the Asset
    # `landed_<name>`), and `culture notify` may announce its files.
    watched: bool = False
    # Its loads change the exit and stay interview figures (leaving rates are read against the
    # workforce and the org tree), which are then rebuilt whole.
    changes_interview_results: bool = False
    # The ingest_lock row its writers serialise on (`culture init` creates it); its name by default.
    lock: str = ""

    def __post_init__(self) -> None:
        if not self.lock:
            object.__setattr__(self, "lock", self.name)
        if self.results and not self.wave_tables:
            raise ValueError("a source with a results step declares the tables its wave versions fill")

    @property
    def results_module(self) -> str | None:
        """The module of its results step (what a task process may import ahead of time)."""
        return self.results.partition(":")[0] if self.results else None


def results_step(source: Source):
    """The source's results step (see `Source.results`), imported now: it belongs to a later stage."""
    if not source.results:
        raise LookupError("a source whose loads stage survey waves names its results step on its record")
    return getattr(importlib.import_module(source.results_module), source.results.partition(":")[2])
