"""Steps that turn a staged people-survey wave into published, protected, benchmarked results."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipelines.measures import significance
from pipelines.publish.focus_areas import compute_key_drivers
from pipelines.publish.improvement_tracker import refresh_tracker
from pipelines.shared.periods import org_tree_date
from pipelines.disclosure.survey_cells import suppress_survey_cells
from pipelines.measures.survey_measures import compute_measures
from pipelines.publish.wave_facts import FactTable
from warehouse import load_log, waves
from warehouse.db import table
from warehouse.org_tree import units_in_force

FACT_COLUMNS = (
    "wave_id", "unit_code", "unit_name", "unit_level", "breakdown", "group_value", "group_label", "measure",
    "value", "respondents", "benchmark", "benchmark_year", "diff_pp", "significant", "previous_value",
    "change_pp", "change_significant", "suppressed",
)
SURVEY_FACTS = FactTable("fact_survey_measure", FACT_COLUMNS, value="value", size="respondents")


def benchmarks_for_year(connection: Connection, survey_year: int) -> pd.DataFrame:
    """Per measure, the Civil Service median of the latest benchmark year not after the survey."""
    ref = table(connection.engine, "ref_benchmark")
    rows = connection.execute(sa.select(ref.c.year, ref.c.measure, ref.c.cs_benchmark_median)
                              .where(ref.c.year <= survey_year)).all()
    frame = pd.DataFrame(rows, columns=["benchmark_year", "measure", "benchmark"])
    return frame.sort_values("benchmark_year").drop_duplicates("measure", keep="last")


def compute_wave_results(engine: Engine, wave_id: int, min_group_size: int) -> int:
    """Compute and store the results of a staged wave (replacing any earlier attempt). Returns rows."""
    with engine.begin() as connection:
        load_log.lock_source(connection, "people_survey")
        wave = waves.wave_row(connection, wave_id)
        if wave.status != "staged":
            return 0  # another run already computed and published it
        responses = pd.read_sql(sa.select(table(engine, "raw_survey_response"))
                                .where(table(engine, "raw_survey_response").c.wave_id == wave_id), connection)
        units = units_in_force(connection, org_tree_date(wave.survey_year))
        cells, families = compute_measures(responses, units)
        cells["suppressed"] = suppress_survey_cells(cells, families, min_group_size)
        cells = cells.merge(benchmarks_for_year(connection, wave.survey_year), on="measure", how="left")
        cells["diff_pp"] = cells["value"] - cells["benchmark"]
        cells["significant"] = significance.differs_from_benchmark(cells["value"], cells["respondents"], cells["benchmark"])
        cells["significant"] = cells["significant"].where(cells["benchmark"].notna(), None)
        cells["wave_id"] = wave_id
        for column in ("previous_value", "change_pp", "change_significant"):
            cells[column] = None
        SURVEY_FACTS.replace(connection, wave_id, cells)
        return len(cells)


def publish_wave(engine: Engine, wave_id: int, min_group_size: int) -> list[int]:
    """Make a computed wave current, then refresh the year-on-year changes it takes part in, its
    key drivers and focus areas, and the areas-for-improvement tracker."""
    replaced = SURVEY_FACTS.publish(engine, wave_id, "people_survey", min_group_size)
    with engine.connect() as connection:
        is_current = waves.wave_row(connection, wave_id).status == "current"
    if is_current:
        compute_key_drivers(engine, wave_id, min_group_size)
        refresh_tracker(engine)
    return replaced
