"""Focus areas: important drivers significantly below the benchmark or the organisation are the
ones to work on (three at most), important ones at or above it are strengths; key drivers are
stored for the organisation and large directorates only."""
from __future__ import annotations

import pandas as pd

from pipelines.publish import focus_areas
from tests.helpers import query


def _driver(unit, theme, share, rank, score, benchmark, respondents=400, organisation_score=None):
    return {"unit_code": unit, "outcome": "EEI", "driver": f"THEME:{theme}", "importance_share": share,
            "importance_rank": rank, "score": score, "respondents": respondents, "benchmark": benchmark,
            "diff_pp": score - benchmark, "significant": abs(score - benchmark) > 6, "suppressed": False,
            "organisation_score": score if organisation_score is None else organisation_score,
            "organisation_respondents": 2000}


def test_important_drivers_below_the_benchmark_are_worked_on_and_important_ones_above_are_kept():
    rows = pd.DataFrame([
        _driver(None, "my_manager", 30, 1, 60, 78),  # important, far below: work on
        _driver(None, "my_team", 20, 2, 85, 80),  # important, above: strength
        _driver(None, "pay_benefits", 5, 3, 20, 40),  # far below but unimportant: neither
        _driver(None, "my_work", 15, 4, 76, 78),  # important, a little below, not significant: neither
    ])
    marked = focus_areas.mark_focus(rows).set_index("driver")
    assert marked.loc["THEME:my_manager", "focus"] == focus_areas.WORK_ON
    assert marked.loc["THEME:my_team", "focus"] == focus_areas.STRENGTH
    assert pd.isna(marked.loc["THEME:pay_benefits", "focus"])
    assert pd.isna(marked.loc["THEME:my_work", "focus"])


def test_a_directorate_significantly_below_the_organisation_works_on_it_even_above_the_benchmark():
    rows = pd.DataFrame([_driver("OPS", "my_manager", 30, 1, 70, 65, respondents=500, organisation_score=85)])
    marked = focus_areas.mark_focus(rows).iloc[0]
    assert bool(marked["below_organisation"]) and not bool(marked["below_benchmark"])
    assert marked["focus"] == focus_areas.WORK_ON


def test_at_most_three_areas_to_work_on_the_most_important_first():
    themes = ["my_manager", "my_team", "my_work", "leadership_change", "resources_workload"]
    rows = pd.DataFrame([_driver(None, t, 20 - i, i + 1, 40, 70) for i, t in enumerate(themes)])
    marked = focus_areas.mark_focus(rows)
    chosen = marked[marked["focus"] == focus_areas.WORK_ON].sort_values("focus_rank")
    assert list(chosen["driver"]) == ["THEME:my_manager", "THEME:my_team", "THEME:my_work"]
    assert list(chosen["focus_rank"]) == [1, 2, 3]


def test_published_waves_have_key_drivers_for_the_organisation_and_only_large_directorates(sample_warehouse):
    analysed = query(sample_warehouse.warehouse_url,
                     "SELECT DISTINCT wave, unit_code FROM hr_key_drivers WHERE outcome = 'EEI'")
    sizes = query(sample_warehouse.warehouse_url,
                  "SELECT wave, unit_code, respondents FROM hr_survey_results "
                  "WHERE measure = 'EEI' AND breakdown = 'all' AND unit_level IN ('organisation', 'directorate')")
    merged = sizes.merge(analysed.assign(analysed=True), on=["wave", "unit_code"], how="left")
    merged["analysed"] = merged["analysed"].fillna(False).astype(bool)
    assert merged[merged["unit_code"].isna()]["analysed"].all()  # the organisation, every wave
    assert not merged[merged["respondents"] < 100]["analysed"].any()
    assert merged[merged["unit_code"].notna()]["analysed"].any()  # and some directorates


def _cells(rows):
    keys = ["unit_code", "unit_name", "unit_level", "breakdown", "group_value", "group_label", "measure", "value",
            "respondents", "benchmark", "diff_pp", "significant", "suppressed"]
    return pd.DataFrame([dict(zip(keys, r)) for r in rows])


def test_teams_and_groups_too_small_to_analyse_borrow_importance_and_are_judged_on_their_own_score():
    units = pd.DataFrame({"unit_code": ["ORG", "OPS", "OPS-T1", "HR", "HR-T1"],
                          "unit_name": ["Org", "Ops", "Ops team", "HR", "HR team"],
                          "parent_code": [None, "ORG", "OPS", "ORG", "HR"],
                          "level": ["organisation", "directorate", "team", "directorate", "team"]})
    drivers_found = pd.DataFrame([
        {"unit_code": unit, "outcome": "EEI", "driver_kind": "theme", "driver": f"THEME:{theme}",
         "importance": 0.1, "importance_share": share, "share_low": share - 5, "share_high": share + 5,
         "importance_rank": rank, "r_squared": 0.5}
        for unit in (None, "OPS") for rank, (theme, share) in
        enumerate([("my_manager", 50.0), ("my_team", 40.0), ("pay_benefits", 10.0)], start=1)])
    manager, team = "THEME:my_manager", "THEME:my_team"
    cells = _cells([
        (None, None, "organisation", "all", None, None, manager, 75.0, 2000, 78.0, -3.0, False, False),
        (None, None, "organisation", "all", None, None, team, 80.0, 2000, 80.0, 0.0, False, False),
        ("OPS", "Ops", "directorate", "all", None, None, manager, 74.0, 600, 78.0, -4.0, False, False),
        ("OPS-T1", "Ops team", "team", "all", None, None, manager, 40.0, 60, 78.0, -38.0, True, False),
        ("HR-T1", "HR team", "team", "all", None, None, team, 50.0, 40, 80.0, -30.0, True, False),
        (None, None, "organisation", "sex", "2", "Male", manager, 55.0, 300, 78.0, -23.0, True, False),
        (None, None, "organisation", "sex", "9", "Other", manager, 20.0, 12, 78.0, -58.0, True, False),  # too few
        ("HR-T1", "HR team", "team", "all", None, None, manager, None, 40, 78.0, None, None, True),  # withheld
    ])
    marked = focus_areas.mark_focus(focus_areas.with_scores(drivers_found, cells, units))
    borrowed = marked[~marked["importance_own"].astype(bool)]
    ops_team = borrowed[borrowed["unit_code"] == "OPS-T1"].iloc[0]
    assert ops_team["importance_from"] == "OPS" and ops_team["importance_share"] == 50.0  # its directorate's
    assert ops_team["focus"] == focus_areas.WORK_ON
    hr_team = borrowed[borrowed["unit_code"] == "HR-T1"]
    assert list(hr_team["driver"]) == [team] and pd.isna(hr_team["importance_from"].iloc[0])  # HR not analysed
    assert hr_team["focus"].iloc[0] == focus_areas.WORK_ON
    men = borrowed[borrowed["breakdown"] == "sex"]
    assert list(men["group_value"]) == ["2"] and men["focus"].iloc[0] == focus_areas.WORK_ON
    assert bool(men["below_organisation"].iloc[0])


def test_focus_areas_reach_teams_and_groups_with_only_published_scores(sample_warehouse):
    url = sample_warehouse.warehouse_url
    focus = query(url, "SELECT * FROM hr_focus_areas")
    borrowed = focus[~focus["importance_own"].astype(bool)]
    assert len(borrowed) and set(focus["driver_kind"]) == {"theme", "question"}
    assert (borrowed["unit_level"].isin(["team", "command"]) | (borrowed["breakdown"] != "all")).any()
    published = query(url, "SELECT wave, unit_code, breakdown, group_value, measure AS driver, value, respondents "
                           "FROM hr_survey_results WHERE NOT suppressed")
    keys = ["wave", "unit_code", "breakdown", "group_value", "driver"]
    joined = borrowed.merge(published, on=keys, how="left")
    assert joined["value"].notna().all() and (abs(joined["value"] - joined["score"]) < 1e-9).all()
    assert (joined["respondents"] >= focus_areas.MIN_RESPONDENTS_FOR_FOCUS).all()
