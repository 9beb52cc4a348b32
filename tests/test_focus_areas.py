"""Focus areas: important drivers significantly below the benchmark or the organisation are the
ones to work on (three at most), important ones at or above it are strengths; key drivers are
stored for the organisation and large directorates only."""
from __future__ import annotations

import pandas as pd

from pipelines import focus_areas
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
