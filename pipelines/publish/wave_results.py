"""The one routine that turns a staged survey wave (annual or pulse) into published results:
compute → suppress → benchmark → significance → stage, then publish. Each source supplies only what
differs: how its cells are measured, which figure disclosure control protects, the benchmark year,
and what it refreshes once published."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipelines.disclosure.audit import AuditedView
from pipelines.disclosure.survey_cells import suppress_survey_cells
from pipelines.measures import significance
from pipelines.publish.wave_facts import FactTable
from warehouse import load_log, waves
from warehouse.db import table


def _nothing_after_publishing(engine: Engine, wave_id: int, min_group_size: int) -> None:
    return None


@dataclass(frozen=True)
class WaveResults:
    source: str  # survey_wave.source, and the lock the steps take
    facts: FactTable
    # (connection, survey_wave row) -> every group's cells and the groups' families (disclosure control)
    measure: Callable[[Connection, Any], tuple[pd.DataFrame, pd.DataFrame]]
    benchmark_year: Callable[[Any], int]
    significant_column: str  # where the test against the benchmark is stored
    audited: AuditedView  # the HR view the figures are published in, attacked before each publish
    suppressed_on: str = "value"  # the figure whose exact relations between groups are protected
    after_publishing: Callable[[Engine, int, int], None] = _nothing_after_publishing

    # The results step a source's record names (pipelines.ingest.sources.record.Source.results).
    def compute(self, engine: Engine, wave_id: int, min_group_size: int) -> int:
        return compute_results(engine, self, wave_id, min_group_size)

    def publish(self, engine: Engine, wave_id: int, min_group_size: int, wave_tables: Sequence[str]) -> list[int]:
        return publish_results(engine, self, wave_id, min_group_size, wave_tables)


def benchmarks_for_year(connection: Connection, survey_year: int) -> pd.DataFrame:
    """Per measure, the Civil Service median of the latest benchmark year not after the survey."""
    ref = table(connection.engine, "ref_benchmark")
    rows = connection.execute(sa.select(ref.c.year, ref.c.measure, ref.c.cs_benchmark_median)
                              .where(ref.c.year <= survey_year)).all()
    frame = pd.DataFrame(rows, columns=["benchmark_year", "measure", "benchmark"])
    return frame.sort_values("benchmark_year").drop_duplicates("measure", keep="last")


def compute_results(engine: Engine, results: WaveResults, wave_id: int, min_group_size: int) -> int:
    """Compute and stage a wave's results (replacing any earlier attempt). Returns rows."""
    with engine.begin() as connection:
        load_log.lock_source(connection, results.source)
        wave = waves.wave_row(connection, wave_id)
        if wave.status != "staged":
            return 0  # another run already computed and published it
        cells, families = results.measure(connection, wave)
        cells["suppressed"] = suppress_survey_cells(cells, families, min_group_size, value=results.suppressed_on)
        cells = cells.merge(benchmarks_for_year(connection, results.benchmark_year(wave)), on="measure", how="left")
        value, size = cells[results.facts.value], cells[results.facts.size]
        cells["diff_pp"] = value - cells["benchmark"]
        significant = pd.Series(significance.differs_from_benchmark(value, size, cells["benchmark"]), index=cells.index)
        cells[results.significant_column] = significant.where(cells["benchmark"].notna(), None)
        # Changes since the previous wave are filled in when this one is published.
        cells = cells.assign(wave_id=wave_id, previous_value=None, change_pp=None, change_significant=None)
        results.facts.replace(connection, wave_id, cells)
        return len(cells)


def publish_results(engine: Engine, results: WaveResults, wave_id: int, min_group_size: int,
                    wave_tables: Sequence[str]) -> list[int]:
    """Make a computed wave current (after the disclosure audit), dropping the rows of the versions
    it replaces from `wave_tables`, then run the source's refreshes."""
    replaced = results.facts.publish(engine, wave_id, results.source, min_group_size, wave_tables, results.audited)
    results.after_publishing(engine, wave_id, min_group_size)
    return replaced
