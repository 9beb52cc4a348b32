"""Does intention predict leaving? The tests of pipelines/measures/intention_leaving.py on planted
directorates, and on the sample warehouse's published figures."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.measures import intention_leaving as il
from warehouse.db import get_engine


def _directorates(leaving_follows_intention: bool, units: int = 12, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    intention = np.linspace(10, 40, units)
    leaving = intention / 4 + rng.normal(0, 0.5, units) if leaving_follows_intention else rng.permutation(intention / 4)
    return pd.DataFrame({"wave": "2024", "unit_code": [f"D{i}" for i in range(units)],
                         "unit_name": [f"Directorate {i}" for i in range(units)],
                         "intend_to_leave_pct": intention, "organisation_intend_to_leave_pct": 25.0,
                         "eei": 60.0 - intention / 4, "organisation_eei": 55.0,
                         "respondents": 400, "organisation_respondents": 4800,
                         "leaving_rate": leaving, "headcount": 500.0,
                         "organisation_leaving_rate": 6.25, "organisation_headcount": 6000.0})


def test_a_planted_link_between_intention_and_leaving_is_found_and_its_absence_is_not_invented():
    found = il.association(_directorates(True)).iloc[0]
    assert found["verdict"] == "predicts" and found["p_value"] < 0.05 and found["rho"] > 0.8
    shuffled = il.association(_directorates(False, seed=4)).iloc[0]
    assert shuffled["verdict"] == "no_evidence" and shuffled["p_value"] >= 0.05
    few = il.association(_directorates(True, units=3)).iloc[0]
    assert few["verdict"] == "too_few_units" and np.isnan(few["p_value"])


def test_agreement_and_the_retention_risk_list_rest_on_significant_differences():
    rows = il.tested_agreement(_directorates(True)).set_index("unit_code")
    top, bottom, middle = rows.loc["D11"], rows.loc["D0"], rows.loc["D6"]
    assert top["agreement"] == il.AGREE_HIGH and bool(top["retention_risk"])  # 40% intend, ~10% leave, low EEI
    assert bottom["agreement"] == il.AGREE_NOT_HIGH and not bool(bottom["retention_risk"])
    assert not bool(middle["intention_above"])  # 26% against 25%: not significantly above
    disagree = _directorates(True).assign(leaving_rate=2.0)
    assert il.tested_agreement(disagree).set_index("unit_code").loc["D11", "agreement"] == il.INTENTION_ONLY


def test_survey_reasons_and_exit_reasons_are_compared_by_rank_and_by_top_reason():
    reasons = ["workload", "pay_benefits", "culture", "leadership", "it_tools", "relocation"]
    shares = [30.0, 25.0, 15.0, 12.0, 10.0, 8.0]
    frame = pd.DataFrame({"period": "2025", "unit_code": None, "unit_name": None, "reason": reasons,
                          "value": shares, "survey_value": [s + 1 for s in shares]})
    row = il.reasons_agreement(frame).iloc[0]
    assert row["same_top_reason"] and row["top_exit_reason"] == "workload" and row["rho"] == 1.0 and row["p_value"] < 0.05
    flipped = il.reasons_agreement(frame.assign(survey_value=shares[::-1])).iloc[0]
    assert not flipped["same_top_reason"] and flipped["rho"] == -1.0


def test_the_sample_organisation_is_tested_from_published_figures(sample_warehouse):
    with get_engine(sample_warehouse.warehouse_url).connect() as connection:
        found = il.intention_and_leaving(connection)
    directorates = found["directorates"]
    assert len(directorates) and directorates["leaving_rate"].notna().any()
    assert set(found["association"]["verdict"]) <= {"predicts", "no_evidence", "too_few_units"}
    assert found["reasons"]["top_exit_reason"].notna().all()
