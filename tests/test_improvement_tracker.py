"""The areas-for-improvement tracker: statuses follow significant change in the better direction,
and the culture team's file decides what is tracked and against which target."""
from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.publish import improvement_tracker as tracker
from pipelines.publish.survey_results import SURVEY_FACTS
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


GOOD_ENTRY = "{measure: B32, sources: [people_survey], direction: up, target: 50, by: 2027}"


@pytest.mark.parametrize("entry, named", [
    ("{measure: B32, sources: [people_survey], direction: upward}", "field 'direction': must be up or down"),
    ("{measure: NO_SUCH, sources: [people_survey], direction: up}", "field 'measure': is not a measure"),
    ("{measure: B32, sources: [annual], direction: up}", "field 'sources': 'annual' is not one of"),
    ("{measure: B32, sources: [pulse], direction: up}", "field 'sources': the measure is not collected by pulse"),
    ("{measure: B32, sources: [people_survey], direction: up, target: high, by: 2027}", "field 'target'"),
    ("{measure: B32, sources: [people_survey], direction: up, target: 50}", "field 'by'"),
    ("{measure: B32, sources: [people_survey], direction: up, traget: 50}", "field 'traget': is not a field"),
    ("{sources: [people_survey], direction: up}", "field 'measure': is missing"),
])
def test_a_mistake_in_the_areas_file_names_the_file_the_entry_and_the_field(tmp_path, entry, named):
    edited = tmp_path / "areas.yml"
    edited.write_text(f"areas:\n  - id: tools\n    area: Tools\n    measures:\n      - {GOOD_ENTRY}\n      - {entry}\n")
    with pytest.raises(tracker.AreasFileError) as raised:
        tracker.tracked_measures(edited)
    message = str(raised.value)
    assert message.startswith("areas.yml: area 1 (tools), measure 2") and named in message


def test_a_file_that_is_not_yaml_or_has_a_duplicate_area_is_refused_in_words(tmp_path):
    broken = tmp_path / "areas.yml"
    broken.write_text("areas:\n  - id: tools\n    area: [unclosed\n")
    with pytest.raises(tracker.AreasFileError, match=r"areas.yml: is not valid YAML at line \d+"):
        tracker.tracked_measures(broken)
    twice = f"  - id: tools\n    area: Tools\n    measures:\n      - {GOOD_ENTRY}\n"
    broken.write_text("areas:\n" + twice + twice)
    with pytest.raises(tracker.AreasFileError, match=r"area 2, field 'id': tools is used by an earlier area"):
        tracker.tracked_measures(broken)


def test_check_areas_gives_a_verdict_not_a_traceback(tmp_path, capsys):
    from pipelines import cli

    assert cli.main(["check-areas"]) == 0
    broken = tmp_path / "areas.yml"
    broken.write_text(f"areas:\n  - id: tools\n    area: Tools\n    measures:\n      - {GOOD_ENTRY.replace('up', 'sideways')}\n")
    assert cli.main(["check-areas", str(broken)]) == 1
    assert "not usable: areas.yml: area 1 (tools), measure 1 (B32), field 'direction'" in capsys.readouterr().out


def _annual(wave: str, percent: float, previous: float | None, respondents: int = 900) -> dict:
    changed = None if previous is None else percent - previous
    significant = None if previous is None else bool(abs(changed) > 4)
    return {"wave_id": int(wave), "wave": wave, "measure": "B32", "value": percent, "base": respondents,
            "previous_value": previous, "change_pp": changed, "change_significant": significant,
            "benchmark": 75.0, "suppressed": False}


def test_the_trajectory_sets_the_pace_achieved_against_the_pace_the_target_needs():
    figures = pd.DataFrame([_annual("2023", 30.0, None), _annual("2024", 36.0, 30.0)])
    rows = tracker.tracker_rows({"people_survey": figures}, TOOLS).set_index("wave")
    assert rows.loc["2024", "baseline_wave"] == "2023" and rows.loc["2024", "baseline_value"] == 30.0
    assert rows.loc["2024", "pace_achieved"] == pytest.approx(6.0)  # points a year since 2023
    assert rows.loc["2024", "pace_needed"] == pytest.approx(14.0 / 3)  # 14 points to go by 2027
    assert bool(rows.loc["2024", "on_track"])
    slower = tracker.tracker_rows({"people_survey": pd.DataFrame([_annual("2023", 30.0, None), _annual("2024", 32.0, 30.0)])},
                                  TOOLS).set_index("wave")
    assert not bool(slower.loc["2024", "on_track"])


def test_the_latest_pulse_since_the_annual_wave_suggests_the_direction_before_the_next_one():
    bullying = [tracker.TrackedMeasure("bullying", "Bullying", "E03_yes", s, "down", None, None)
                for s in ("people_survey", "pulse")]
    annual = pd.DataFrame([{**_annual("2024", 10.0, None), "measure": "E03_yes"}])

    def pulse(wave, percent):
        return {"wave_id": 9, "wave": wave, "measure": "E03_yes", "value": percent, "base": 700.0,
                "previous_value": None, "change_pp": None, "change_significant": None, "benchmark": None,
                "suppressed": False}
    earlier = pulse("2024-03", 3.0)  # before the annual fieldwork: not a suggestion about it
    for latest, expected in ((6.0, tracker.IMPROVING), (9.0, tracker.NO_CLEAR_CHANGE), (15.0, tracker.WORSENING)):
        pulses = pd.DataFrame([earlier, pulse("2025-01", 12.0), pulse("2025-03", latest)])
        rows = tracker.tracker_rows({"people_survey": annual, "pulse": pulses}, bullying)
        row = rows[rows["source"] == "people_survey"].iloc[0]
        assert row["pulse_wave"] == "2025-03" and row["pulse_change_pp"] == pytest.approx(latest - 10.0)
        assert row["pulse_suggests"] == expected
        assert rows[rows["source"] == "pulse"]["pulse_wave"].isna().all()


def test_exit_interview_evidence_flips_status_when_a_planted_improvement_is_significant():
    workload = [tracker.TrackedMeasure("workload", "Workload", "primary:workload", "exit_stay", "down", None, None)]

    def periods(latest):
        return pd.DataFrame([{"period": "2024", "measure": "primary:workload", "value": 30.0, "respondents": 400,
                              "population": None, "suppressed": False},
                             {"period": "2025", "measure": "primary:workload", "value": latest, "respondents": 400,
                              "population": None, "suppressed": False}])
    for latest, expected in ((28.0, tracker.NO_CHANGE), (18.0, tracker.IMPROVED)):
        rows = tracker.tracker_rows({"exit_stay": tracker.interview_changes(periods(latest))}, workload)
        assert rows.set_index("wave").loc["2025", "status"] == expected
        assert rows.set_index("wave").loc["2024", "status"] == tracker.BASELINE
