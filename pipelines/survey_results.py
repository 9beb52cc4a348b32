"""Steps that turn a staged people-survey wave into published, protected, benchmarked results."""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipelines import disclosure, significance
from pipelines.sources.people_survey import org_tree_date
from pipelines.survey_measures import compute_measures
from warehouse import load_log, waves
from warehouse.bulk import bulk_insert
from warehouse.db import table
from warehouse.org_tree import units_in_force

FACT_COLUMNS = (
    "wave_id", "unit_code", "unit_name", "unit_level", "breakdown", "group_value", "group_label", "measure",
    "value", "respondents", "benchmark", "benchmark_year", "diff_pp", "significant", "previous_value",
    "change_pp", "change_significant", "suppressed",
)
CELL_KEY = ["unit_code", "breakdown", "group_value", "measure"]


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
        cells["suppressed"] = disclosure.suppress(cells, families, min_group_size)
        cells = cells.merge(benchmarks_for_year(connection, wave.survey_year), on="measure", how="left")
        cells["diff_pp"] = cells["value"] - cells["benchmark"]
        cells["significant"] = significance.differs_from_benchmark(cells["value"], cells["respondents"], cells["benchmark"])
        cells["significant"] = cells["significant"].where(cells["benchmark"].notna(), None)
        cells["wave_id"] = wave_id
        for column in ("previous_value", "change_pp", "change_significant"):
            cells[column] = None
        _replace_fact_rows(connection, wave_id, cells)
        return len(cells)


def _replace_fact_rows(connection: Connection, wave_id: int, cells: pd.DataFrame) -> None:
    facts = table(connection.engine, "fact_survey_measure")
    connection.execute(sa.delete(facts).where(facts.c.wave_id == wave_id))
    bulk_insert(connection, "fact_survey_measure", cells[list(FACT_COLUMNS)])


def _wave_cells(connection: Connection, wave_id: int) -> pd.DataFrame:
    facts = table(connection.engine, "fact_survey_measure")
    return pd.read_sql(sa.select(facts).where(facts.c.wave_id == wave_id), connection)


def _with_changes(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    current = current.drop(columns=["previous_value", "change_pp", "change_significant"])
    if previous is None or previous.empty:
        current["previous_value"] = None
        current["change_pp"] = None
        current["change_significant"] = None
        return current
    earlier = previous[CELL_KEY + ["value", "respondents", "suppressed"]].rename(columns={
        "value": "previous_value", "respondents": "previous_respondents", "suppressed": "previous_suppressed"})
    # NULL keys (the whole organisation, 'all' breakdown) must match each other in the merge.
    merged = current.fillna({"unit_code": "", "group_value": ""}).merge(
        earlier.fillna({"unit_code": "", "group_value": ""}), on=CELL_KEY, how="left")
    merged[["unit_code", "group_value"]] = merged[["unit_code", "group_value"]].replace("", None)
    # A change against a suppressed earlier figure would reveal it.
    hidden = merged["previous_suppressed"].fillna(True).astype(bool)
    merged.loc[hidden, "previous_value"] = np.nan
    merged["change_pp"] = merged["value"] - merged["previous_value"]
    merged["change_significant"] = significance.two_proportion_significant(
        merged["value"], merged["respondents"], merged["previous_value"], merged["previous_respondents"])
    merged["change_significant"] = merged["change_significant"].where(merged["previous_value"].notna(), None)
    return merged.drop(columns=["previous_respondents", "previous_suppressed"])


def publish_wave(engine: Engine, wave_id: int) -> list[int]:
    """Make a computed wave current, then refresh the year-on-year changes it takes part in."""
    with engine.begin() as connection:
        load_log.lock_source(connection, "people_survey")
        replaced = waves.publish_wave(connection, wave_id)
        wave = waves.wave_row(connection, wave_id)
        if wave.status != "current":
            return replaced
        ordered = waves.current_waves(connection, wave.source, wave.org_code)
        ids = [w.wave_id for w in ordered]
        position = ids.index(wave_id)
        # This wave's changes, and the next wave's (it now compares against this one).
        for index in range(position, min(position + 2, len(ids))):
            previous = _wave_cells(connection, ids[index - 1]) if index > 0 else None
            _replace_fact_rows(connection, ids[index], _with_changes(_wave_cells(connection, ids[index]), previous))
        return replaced
