"""Pulse results in a real warehouse: weighted and unweighted figures, suppression, change since
the previous pulse, corrected and rejected pulses."""
from __future__ import annotations

import pandas as pd
import pytest

from pipelines.orchestration import flow
from tests.conftest import SAMPLES
from tests.helpers import query

SHIFTS = {"collaboration", "recognition", "innovation", "empowerment", "diversity", "identity"}


def pulse_file(path, pulse_id="2025-03", agree_everything=False, **changes):
    frame = pd.read_csv(SAMPLES / "exa_pulse_2025-03.csv", dtype=str, keep_default_na=False)
    frame["pulse_id"] = pulse_id
    frame["response_date"] = frame["response_date"].str.replace("2025-03", pulse_id)
    frame["respondent_id"] = frame["respondent_id"] + "-" + pulse_id
    if agree_everything:
        frame["P_COL1"] = "5"
    for column, value in changes.items():
        frame[column] = value
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def reference_loaded(settings):
    flow.initialise_warehouse(settings)
    for source, name in (("org_units", "org_units_2024-01-01.csv"), ("workforce", "workforce_2024-09-01.csv")):
        assert flow.ingest(settings, source, [str(SAMPLES / name)])[0].status == "loaded"
    return settings


def org_figure(url, pulse_id, measure):
    rows = query(url, "SELECT * FROM hr_pulse_results WHERE pulse_id = :p AND measure = :m AND unit_code IS NULL "
                      "AND breakdown = 'all'", p=pulse_id, m=measure)
    assert len(rows) == 1
    return rows.iloc[0]


def test_every_shift_and_item_is_weighted_with_its_margin_of_error(reference_loaded, tmp_path):
    settings = reference_loaded
    outcome, = flow.ingest(settings, "pulse", [str(pulse_file(tmp_path / "p.csv"))])
    assert outcome.status == "loaded", outcome.message
    url = settings.warehouse_url
    organisation = query(url, "SELECT * FROM hr_pulse_results WHERE unit_code IS NULL AND breakdown = 'all'")
    assert {m.split(":")[1] for m in organisation["measure"] if m.startswith("SHIFT:")} == SHIFTS
    assert set(organisation["weighting"]) == {"post-stratification"}
    raw = pd.read_csv(SAMPLES / "exa_pulse_2025-03.csv", dtype=str)
    expected = 100 * raw["P_COL1"].isin(["4", "5"]).sum() / raw["P_COL1"].notna().sum()
    col1 = org_figure(url, "2025-03", "P_COL1")
    assert col1["value_unweighted"] == pytest.approx(expected)
    assert col1["value_weighted"] != pytest.approx(expected)  # the sample is not proportional to the workforce
    assert 0 < col1["effective_n"] <= col1["respondents"] == 120
    assert 5 < col1["moe_95"] < 15
    b33 = org_figure(url, "2025-03", "B33")
    assert b33["benchmark"] == pytest.approx(65.657) and b33["diff_pp"] == pytest.approx(b33["value_weighted"] - 65.657)


def test_small_groups_are_suppressed(reference_loaded, tmp_path):
    settings = reference_loaded
    flow.ingest(settings, "pulse", [str(pulse_file(tmp_path / "p.csv"))])
    rows = query(settings.warehouse_url, "SELECT * FROM hr_pulse_results")
    hidden = rows[rows["suppressed"].astype(bool)]
    # Every figure of a suppressed group is hidden, its respondent count included.
    assert len(hidden) and hidden[["value_weighted", "value_unweighted", "respondents", "effective_n", "moe_95"]].isna().all().all()
    assert rows.loc[~rows["suppressed"].astype(bool), "respondents"].min() >= 10


def test_change_since_the_previous_pulse_and_a_corrected_pulse(reference_loaded, tmp_path):
    settings = reference_loaded
    url = settings.warehouse_url
    flow.ingest(settings, "pulse", [str(pulse_file(tmp_path / "march.csv"))])
    outcome, = flow.ingest(settings, "pulse", [str(pulse_file(tmp_path / "may.csv", "2025-05", P_COL1="5"))])
    assert outcome.status == "loaded", outcome.message
    march, may = org_figure(url, "2025-03", "P_COL1"), org_figure(url, "2025-05", "P_COL1")
    assert may["value_weighted"] == pytest.approx(100)
    assert may["change_pp"] == pytest.approx(100 - march["value_weighted"]) and bool(may["change_significant"])
    assert pd.isna(march["change_pp"])

    rows_before = query(url, "SELECT COUNT(*) AS n FROM hr_pulse_results")["n"].iloc[0]
    corrected, = flow.ingest(settings, "pulse", [str(pulse_file(tmp_path / "may_fixed.csv", "2025-05", P_COL1="1"))])
    assert corrected.status == "loaded" and "replaced" in corrected.message
    assert query(url, "SELECT COUNT(*) AS n FROM hr_pulse_results")["n"].iloc[0] == rows_before
    fixed = org_figure(url, "2025-05", "P_COL1")
    assert fixed["value_weighted"] == pytest.approx(0) and fixed["change_pp"] == pytest.approx(-march["value_weighted"])
    log = query(url, "SELECT outcome FROM load_log WHERE source = 'pulse' ORDER BY load_id")["outcome"].tolist()
    assert log == ["loaded", "replaced", "loaded"]


def test_a_rejected_pulse_changes_nothing(reference_loaded, tmp_path):
    settings = reference_loaded
    url = settings.warehouse_url
    flow.ingest(settings, "pulse", [str(pulse_file(tmp_path / "march.csv"))])
    before = query(url, "SELECT COUNT(*) AS n FROM fact_pulse_measure")["n"].iloc[0]
    outcome, = flow.ingest(settings, "pulse", [str(pulse_file(tmp_path / "bad.csv", "2025-05", P_REC1="7"))])
    assert outcome.status == "rejected" and "P_REC1" in outcome.message and "quarantined" in outcome.message
    assert query(url, "SELECT COUNT(*) AS n FROM fact_pulse_measure")["n"].iloc[0] == before
