"""Acceptance: nothing in hr_survey_results is shown for fewer than 10 respondents, and no
suppressed value can be recovered by subtracting visible rows."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import culture_environment, shared_settings
from tests.helpers import ingest_landing, query, run_cli

pytestmark = pytest.mark.slow
K = 10


@pytest.fixture(scope="module")
def small_org_landing(tmp_path_factory):
    # A small organisation has many teams and demographic groups near the threshold.
    landing = tmp_path_factory.mktemp("small-org")
    assert run_cli("sample-data", landing, "--respondents", 700, "--years", 2024, "--seed", 3) == 0
    return landing


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def results(request, small_org_landing, tmp_path_factory):
    """The published results, loaded once per backend: every test here only reads them."""
    with shared_settings(request, tmp_path_factory, "small-org", K) as settings, culture_environment(settings):
        ingest_landing(small_org_landing)
        frame = query(settings.warehouse_url, "SELECT * FROM hr_survey_results")
        units = query(settings.warehouse_url, "SELECT unit_code, parent_code, level FROM dim_org_unit")
        yield frame, units


def test_small_groups_have_no_value(results):
    frame, _ = results
    hidden = frame[frame["suppressed"].astype(bool)]
    assert len(hidden) > 0, "the fixture should produce some small groups"
    # On a suppressed row every figure is hidden, its respondent count included.
    assert hidden[["value", "respondents", "diff_pp", "significant", "change_pp"]].isna().all().all()
    assert (frame.loc[~frame["suppressed"].astype(bool), "respondents"] >= K).all()
    assert frame.loc[frame["suppressed"].astype(bool), "value"].isna().all()
    assert frame.loc[~frame["suppressed"].astype(bool), "value"].notna().all()


def _remainders(parent: pd.DataFrame, children: pd.DataFrame, on: list[str]) -> pd.Series:
    """Respondents of each shown parent cell not accounted for by its shown children."""
    shown_children = children[~children["suppressed"].astype(bool)]
    totals = shown_children.groupby(on)["respondents"].sum().rename("children_n").reset_index()
    merged = parent[~parent["suppressed"].astype(bool)].merge(totals, on=on, how="left").fillna({"children_n": 0})
    return merged["respondents"] - merged["children_n"]


def assert_no_small_remainder(remainder: pd.Series, what: str) -> None:
    leaking = remainder[(remainder > 0) & (remainder < K)]
    assert leaking.empty, f"{len(leaking)} {what} cells could be recovered by subtraction"


def test_parent_minus_visible_child_units_never_isolates_a_small_group(results):
    frame, units = results
    everyone = frame[frame["breakdown"] == "all"].copy()
    parent_of = dict(zip(units["unit_code"], units["parent_code"]))
    top = units.loc[units["level"] == "organisation", "unit_code"].iloc[0]
    everyone["parent"] = everyone["unit_code"].map(parent_of)
    everyone.loc[everyone["parent"] == top, "parent"] = "__org__"
    parents = everyone.assign(parent=everyone["unit_code"].fillna("__org__"))
    children = everyone[everyone["unit_code"].notna() & (everyone["unit_code"] != top)]
    remainder = _remainders(parents[["parent", "measure", "respondents", "suppressed"]],
                            children[["parent", "measure", "respondents", "suppressed"]], ["parent", "measure"])
    assert_no_small_remainder(remainder, "unit")


def test_all_minus_visible_breakdown_groups_never_isolates_a_small_group(results):
    frame, _ = results
    frame = frame.assign(unit=frame["unit_code"].fillna("__org__"))
    totals = frame[frame["breakdown"] == "all"][["unit", "measure", "respondents", "suppressed"]]
    for breakdown in frame.loc[frame["breakdown"] != "all", "breakdown"].unique():
        groups = frame[frame["breakdown"] == breakdown][["unit", "measure", "respondents", "suppressed"]]
        parents = totals[totals["unit"].isin(groups["unit"])]
        assert_no_small_remainder(_remainders(parents, groups, ["unit", "measure"]), breakdown)


def test_organisation_group_minus_visible_directorate_groups_never_isolates_a_small_group(results):
    frame, _ = results
    groups = frame[frame["breakdown"] != "all"]
    organisation = groups[groups["unit_code"].isna()]
    directorates = groups[groups["unit_code"].notna()]
    key = ["breakdown", "group_value", "measure"]
    remainder = _remainders(organisation[key + ["respondents", "suppressed"]],
                            directorates[key + ["respondents", "suppressed"]], key)
    assert_no_small_remainder(remainder, "directorate x group")
