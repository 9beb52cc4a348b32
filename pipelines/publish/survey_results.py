"""The people survey's hooks into the wave-results routine: measures of every group from its
respondents under the org tree of the survey year; once published, key drivers and the tracker."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipelines.disclosure.audit import AuditedView
from pipelines.measures.survey_measures import compute_measures
from pipelines.publish.focus_areas import compute_key_drivers
from pipelines.publish.improvement_tracker import refresh_tracker
from pipelines.publish.wave_facts import FactTable
from pipelines.publish.wave_results import WaveResults
from pipelines.shared.periods import org_tree_date
from warehouse import waves
from warehouse.db import table
from warehouse.org_tree import units_in_force

FACT_COLUMNS = (
    "wave_id", "unit_code", "unit_name", "unit_level", "breakdown", "group_value", "group_label", "measure",
    "value", "respondents", "benchmark", "benchmark_year", "diff_pp", "significant", "previous_value",
    "change_pp", "change_significant", "suppressed",
)
SURVEY_FACTS = FactTable("fact_survey_measure", FACT_COLUMNS, value="value", size="respondents")


def _measure(connection: Connection, wave) -> tuple[pd.DataFrame, pd.DataFrame]:
    responses = table(connection.engine, "raw_survey_response")
    frame = pd.read_sql(sa.select(responses).where(responses.c.wave_id == wave.wave_id), connection)
    return compute_measures(frame, units_in_force(connection, org_tree_date(wave.survey_year)))


def _after_publishing(engine: Engine, wave_id: int, min_group_size: int) -> None:
    """Key drivers, focus areas and the areas-for-improvement tracker follow the current wave."""
    with engine.connect() as connection:
        is_current = waves.wave_row(connection, wave_id).status == "current"
    if is_current:
        compute_key_drivers(engine, wave_id, min_group_size)
        refresh_tracker(engine)


SURVEY_RESULTS = WaveResults("people_survey", SURVEY_FACTS, _measure, benchmark_year=lambda wave: wave.survey_year,
                             significant_column="significant", after_publishing=_after_publishing,
                             audited=AuditedView("hr_survey_results", SURVEY_FACTS.name, "wave", "value", "respondents",
                                                 org_column="org_code"))

