"""The areas-for-improvement tracker: statuses follow significant change in the better direction,
and the culture team's file decides what is tracked and against which target."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from pipelines import improvement_tracker as tracker
from pipelines.survey_results import SURVEY_FACTS
from tests.helpers import query
from warehouse.db import get_engine

TOOLS = [tracker.TrackedMeasure("tools", "Tools to do the job", "B32", "people_survey", "up", 50.0, 2027)]


def _organisation_cell(percent: float, respondents: int) -> dict:
    return {"unit_code": None, "breakdown": "all", "group_value": None, "measure": "B32", "value": percent,
            "respondents": respondents, "suppressed": False, "previous_value": None, "change_pp": None,
            "change_significant": None}


def _tracked_after(previous_percent: float, current_percent: float, respondents: int = 900) -> pd.Series:
    """The tracker row of a wave whose change is tested the way publishing tests it."""
    current = pd.DataFrame([_organisation_cell(current_percent, respondents)])
    previous = pd.DataFrame([_organisation_cell(previous_percent, respondents)])
    figures = SURVEY_FACTS.with_changes(current, previous).assign(wave_id=2, wave="2025", benchmark=75.0)
    return tracker.tracker_rows({"people_survey": figures}, TOOLS).iloc[0]


def test_an_entry_flips_to_improved_when_a_planted_improvement_is_significant():
    assert _tracked_after(33.0, 34.0)["status"] == tracker.NO_CHANGE
    improved = _tracked_after(33.0, 45.0)
    assert improved["status"] == tracker.IMPROVED
    assert improved["gap_to_target"] == 5.0 and not improved["target_met"]


def test_a_significant_rise_of_a_measure_where_lower_is_better_is_a_worsening():
    bullying = [tracker.TrackedMeasure("bullying", "Bullying", "B32", "people_survey", "down", "cs_median", 2027)]
    current = pd.DataFrame([_organisation_cell(16.0, 900)])
    previous = pd.DataFrame([_organisation_cell(10.0, 900)])
    figures = SURVEY_FACTS.with_changes(current, previous).assign(wave_id=2, wave="2025", benchmark=8.0)
    row = tracker.tracker_rows({"people_survey": figures}, bullying).iloc[0]
    assert row["status"] == tracker.WORSENED
    assert row["target_value"] == 8.0 and row["gap_to_target"] == 8.0


def test_the_default_file_tracks_every_area_of_the_inspection():
    areas = {m.area_id for m in tracker.tracked_measures()}
    assert {"bullying_harassment", "workload_resourcing", "tools", "learning_development", "wellbeing",
            "leadership_change", "culture_change"} <= areas
    assert any(m.source == "pulse" for m in tracker.tracked_measures())


def test_publishing_fills_the_tracker_and_an_edited_file_changes_it(sample_warehouse, tmp_path):
    published = query(sample_warehouse.warehouse_url,
                      "SELECT wave, status FROM hr_improvement_tracker WHERE measure = 'B32' AND source = 'people_survey'")
    assert set(published["wave"]) == {"2023", "2024"}
    assert set(published["status"]) <= {tracker.BASELINE, tracker.NO_CHANGE, tracker.IMPROVED, tracker.WORSENED}
    edited = tmp_path / "areas.yml"
    edited.write_text("areas:\n  - id: tools_only\n    area: Tools\n    measures:\n"
                      "      - {measure: B32, sources: [people_survey], direction: up, target: 30, by: 2026}\n")
    with get_engine(sample_warehouse.warehouse_url).connect() as connection:
        transaction = connection.begin()
        try:
            assert tracker.write_tracker(connection, edited) == 2
            rows = connection.execute(sa.text(
                "SELECT area_id, target_value, target_met FROM hr_improvement_tracker")).all()
        finally:
            transaction.rollback()
    assert {(r[0], r[1]) for r in rows} == {("tools_only", 30.0)}
