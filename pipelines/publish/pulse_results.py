"""Turns a staged pulse wave into weighted, protected results; publishing adds the change since
the previous pulse. Work per pulse reads only this pulse, the workforce snapshot in force and, at
publishing, the previous pulse's figures: it does not grow with the number of earlier pulses.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipelines.disclosure.audit import AuditedView
from pipelines.measures import measure_catalogue
from pipelines.measures.pulse_weighting import margin_of_error, weight_to_population
from pipelines.measures.survey_measures import reporting_groups
from pipelines.publish.improvement_tracker import refresh_tracker
from pipelines.publish.wave_facts import FactTable
from pipelines.publish.wave_results import WaveResults
from pipelines.shared.periods import fieldwork_start
from warehouse.db import table
from warehouse.org_tree import ancestor_paths, directorate_of, units_in_force

FACT_COLUMNS = (
    "wave_id", "unit_code", "unit_name", "unit_level", "breakdown", "group_value", "group_label", "measure",
    "value_weighted", "value_unweighted", "respondents", "effective_n", "moe_95", "benchmark", "benchmark_year", "diff_pp",
    "benchmark_significant", "previous_value", "change_pp", "change_significant", "weighting", "suppressed",
)
# Changes in the weighted value, tested with effective sample sizes.
PULSE_FACTS = FactTable("fact_pulse_measure", FACT_COLUMNS, value="value_weighted", size="effective_n")


def shifts() -> dict[str, list[str]]:
    """Each cultural shift's items, from the measure catalogue."""
    items: dict[str, list[str]] = {}
    for measure in measure_catalogue.measures_of(measure_catalogue.PULSE):
        if measure.kind == "pulse_item":
            items.setdefault(measure.theme, []).append(measure.name)
    return items


def measure_matrices(responses: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Measure names and (respondents × measures) answered (0/1) and positive (0/1 or a share) matrices."""
    catalogue = measure_catalogue.by_name()
    names, answered, positive = [], [], []

    def answers(column: str) -> np.ndarray:
        return pd.to_numeric(responses[column], errors="coerce").to_numpy(float) if column in responses else np.full(len(responses), np.nan)

    for shift, items in shifts().items():
        item_answers = np.column_stack([answers(catalogue[item].column) for item in items])
        item_positive = np.column_stack([np.isin(item_answers[:, i], list(catalogue[item].counted))
                                         for i, item in enumerate(items)]).astype(float)
        item_answered = ~np.isnan(item_answers)
        for index, item in enumerate(items):
            names.append(item)
            answered.append(item_answered[:, index])
            positive.append(item_positive[:, index])
        count = item_answered.sum(axis=1)
        names.append(f"SHIFT:{shift}")
        answered.append(count > 0)
        positive.append(np.divide((item_positive * item_answered).sum(axis=1), count, out=np.zeros(len(count)), where=count > 0))
    # Annual-survey items the pulse repeats (B33, B57, E03_yes, W10), counted as in the annual survey.
    for measure in measure_catalogue.measures_of(measure_catalogue.PULSE):
        if measure.kind in ("pulse_item", "cultural_shift"):
            continue
        values = answers(measure.column)
        names.append(measure.name)
        positive.append(np.isin(values, list(measure.counted)).astype(float))
        answered.append(~np.isnan(values))
    return names, np.column_stack(answered).astype(float), np.column_stack(positive)


def _population(connection: Connection, on_date, paths: dict[str, list[str]]) -> pd.DataFrame:
    """Headcount by directorate and grade from the workforce snapshot in force on `on_date`."""
    workforce = table(connection.engine, "fact_workforce")
    snapshot = connection.execute(sa.select(sa.func.max(workforce.c.snapshot_date))
                                  .where(workforce.c.snapshot_date <= on_date)).scalar()
    if snapshot is None:
        return pd.DataFrame(columns=["directorate", "grade", "headcount"])
    rows = pd.read_sql(sa.select(workforce.c.unit_code, workforce.c.grade, workforce.c.headcount)
                       .where(workforce.c.snapshot_date == snapshot), connection)
    rows["directorate"] = rows["unit_code"].map(lambda unit: _directorate(paths, unit))
    return rows.groupby(["directorate", "grade"], as_index=False)["headcount"].sum()


def _directorate(paths: dict[str, list[str]], unit: str) -> str:
    """The weighting cell's directorate; a respondent placed at the top unit is a cell of its own."""
    return directorate_of(paths, unit) or unit


def _measure(connection: Connection, wave) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every group's weighted and unweighted shares, effective n and margin of error."""
    pulse_responses = table(connection.engine, "raw_pulse_response")
    responses = pd.read_sql(sa.select(pulse_responses).where(pulse_responses.c.wave_id == wave.wave_id), connection)
    start = fieldwork_start(wave.wave)
    units = units_in_force(connection, start)
    paths = ancestor_paths(units)
    sample = pd.DataFrame({"directorate": responses["unit_code"].map(lambda unit: _directorate(paths, unit)),
                           "grade": responses["grade"]})
    weighting = weight_to_population(sample, _population(connection, start, paths))

    groups, membership, families = reporting_groups(responses[["unit_code", "grade", "sex"]], units)
    names, answered, positive = measure_matrices(responses)
    weights = weighting.weights[:, None]
    respondents = np.asarray(membership @ answered)
    weight_sum = np.asarray(membership @ (answered * weights))
    weight_squares = np.asarray(membership @ (answered * weights ** 2))
    weighted_positive = np.asarray(membership @ (answered * weights * positive))
    positive_count = np.asarray(membership @ (answered * positive))
    with np.errstate(invalid="ignore", divide="ignore"):
        frames = {
            "value_weighted": 100 * weighted_positive / weight_sum,
            "value_unweighted": 100 * positive_count / respondents,
            "effective_n": weight_sum ** 2 / weight_squares,
            "respondents": respondents,
        }
    cells = pd.concat({key: pd.DataFrame(matrix, columns=names).rename_axis("group_id").reset_index()
                      .melt(id_vars="group_id", var_name="measure", value_name=key).set_index(["group_id", "measure"])[key]
                       for key, matrix in frames.items()}, axis=1).reset_index()
    cells = cells[cells["respondents"] > 0].merge(groups, on="group_id")
    cells["respondents"] = cells["respondents"].astype(int)
    cells["moe_95"] = margin_of_error(cells["value_weighted"], cells["effective_n"])
    return cells.assign(weighting=weighting.method), families


def _after_publishing(engine: Engine, wave_id: int, min_group_size: int) -> None:
    """The tracker shows what the latest pulse suggests before the next annual wave."""
    refresh_tracker(engine)


# The unweighted shares obey exact linear relations between groups: disclosure control protects those.
PULSE_RESULTS = WaveResults("pulse", PULSE_FACTS, _measure, benchmark_year=lambda wave: int(wave.wave[:4]),
                            significant_column="benchmark_significant", suppressed_on="value_unweighted",
                            after_publishing=_after_publishing,
                            audited=AuditedView("hr_pulse_results", PULSE_FACTS.name, "pulse_id", "value_unweighted",
                                                "respondents"))

