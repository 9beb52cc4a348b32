"""Measures computed exactly as methodology.md defines them, on small hand-computed cases."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipelines.measures.survey_measures import compute_measures

UNITS = pd.DataFrame([
    ("ORG", "Org", None, "organisation"),
    ("D1", "Directorate 1", "ORG", "directorate"),
    ("D2", "Directorate 2", "ORG", "directorate"),
    ("T1", "Team 1", "D1", "team"),
], columns=["unit_code", "unit_name", "parent_code", "level"], dtype=object)


def responses(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame.insert(0, "respondent_id", [f"R{i}" for i in range(len(frame))])
    return frame


def org_value(cells: pd.DataFrame, measure: str) -> tuple[float, int]:
    row = cells[(cells["unit_code"].isna()) & (cells["breakdown"] == "all") & (cells["measure"] == measure)]
    assert len(row) == 1, f"expected one organisation row for {measure}"
    return float(row["value"].iloc[0]), int(row["respondents"].iloc[0])


def test_percent_positive_excludes_blanks_from_the_base():
    cells, _ = compute_measures(responses([
        {"unit_code": "T1", "b01": 5}, {"unit_code": "T1", "b01": 4}, {"unit_code": "T1", "b01": 2},
        {"unit_code": "D2", "b01": None}, {"unit_code": "D2", "b01": 3},
    ]), UNITS)
    value, base = org_value(cells, "B01")
    assert base == 4
    assert value == pytest.approx(50.0)


def test_non_agree_scales_use_their_own_positive_codes():
    cells, _ = compute_measures(responses([
        {"unit_code": "T1", "w01": 7, "b37b": 5, "b59c": 2, "w10": 3},
        {"unit_code": "T1", "w01": 6, "b37b": 3, "b59c": 3, "w10": 2},
    ]), UNITS)
    assert org_value(cells, "W01")[0] == pytest.approx(50.0)   # 7..10 positive
    assert org_value(cells, "B37B")[0] == pytest.approx(50.0)  # seldom or never
    assert org_value(cells, "B59C")[0] == pytest.approx(50.0)  # often/always or some of the time
    assert org_value(cells, "W10")[0] == pytest.approx(50.0)   # weekly or monthly


def test_yes_no_pnts_shares_include_prefer_not_to_say_in_the_base():
    cells, _ = compute_measures(responses([
        {"unit_code": "T1", "e03": 1}, {"unit_code": "T1", "e03": 2}, {"unit_code": "T1", "e03": 2},
        {"unit_code": "T1", "e03": 3}, {"unit_code": "T1", "e03": None},
    ]), UNITS)
    assert org_value(cells, "E03_yes") == (pytest.approx(25.0), 4)
    assert org_value(cells, "E03_no") == (pytest.approx(50.0), 4)
    assert org_value(cells, "E03_pnts") == (pytest.approx(25.0), 4)
    assert "E03" not in set(cells["measure"])


def test_routed_question_base_is_those_it_was_asked_of():
    cells, _ = compute_measures(responses([
        {"unit_code": "T1", "e03": 1, "e05": 1}, {"unit_code": "T1", "e03": 1, "e05": 2},
        {"unit_code": "T1", "e03": 2, "e05": None}, {"unit_code": "T1", "e03": 2, "e05": None},
    ]), UNITS)
    assert org_value(cells, "E05_yes") == (pytest.approx(50.0), 2)


def test_intentions_and_reasons_for_leaving():
    cells, _ = compute_measures(responses([
        {"unit_code": "T1", "c01": 1, "c02_workload": 1, "c02_pay_benefits": 0},
        {"unit_code": "T1", "c01": 2, "c02_workload": 0, "c02_pay_benefits": 1},
        {"unit_code": "T1", "c01": 2, "c02_workload": 0, "c02_pay_benefits": 0},  # ticked none: not in base
        {"unit_code": "T1", "c01": 4, "c02_workload": 1, "c02_pay_benefits": None},  # not leaving: not in base
    ]), UNITS)
    assert org_value(cells, "C01_2") == (pytest.approx(50.0), 4)
    assert org_value(cells, "C01_3") == (pytest.approx(0.0), 4)
    assert org_value(cells, "C02_workload") == (pytest.approx(50.0), 2)
    assert org_value(cells, "C02_pay_benefits") == (pytest.approx(50.0), 2)


def test_engagement_index_is_the_mean_of_respondent_means():
    cells, _ = compute_measures(responses([
        # scores 100,100,0 -> 66.67 ; 50 (one item answered) ; nothing answered -> excluded
        {"unit_code": "T1", "b47": 5, "b48": 5, "b49": 1},
        {"unit_code": "T1", "b50": 3},
        {"unit_code": "T1", "b01": 4},
    ]), UNITS)
    value, base = org_value(cells, "EEI")
    assert base == 2
    assert value == pytest.approx((200 / 3 + 50) / 2)


def test_theme_score_is_the_mean_of_its_questions_percent_positive():
    cells, _ = compute_measures(responses([
        {"unit_code": "T1", "b18": 4, "b19": 1, "b20": 5},
        {"unit_code": "T1", "b18": 4, "b19": 2, "b20": None},
    ]), UNITS)
    value, base = org_value(cells, "THEME:my_team")
    assert value == pytest.approx((100 + 0 + 100) / 3)
    assert base == 2


def test_every_unit_level_and_breakdown_is_reported():
    cells, _ = compute_measures(responses([
        {"unit_code": "T1", "b01": 5, "sex": 1, "grade": "EO"},
        {"unit_code": "D2", "b01": 1, "sex": 2, "grade": "EO"},
    ]), UNITS)
    b01 = cells[cells["measure"] == "B01"]
    units = set(b01.loc[b01["breakdown"] == "all", "unit_code"].dropna())
    assert units == {"D1", "D2", "T1"}
    assert b01.loc[b01["unit_code"] == "T1", "unit_level"].iloc[0] == "team"
    women_in_d1 = b01[(b01["breakdown"] == "sex") & (b01["group_value"] == "1") & (b01["unit_code"] == "D1")]
    assert women_in_d1["value"].iloc[0] == pytest.approx(100.0)
    assert women_in_d1["group_label"].iloc[0] == "Female"
    # breakdowns are reported for the organisation and directorates, not teams
    assert b01[(b01["breakdown"] != "all") & (b01["unit_code"] == "T1")].empty
    assert np.isclose(b01[(b01["breakdown"] == "grade") & b01["unit_code"].isna()]["value"].iloc[0], 50.0)
