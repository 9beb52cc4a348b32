"""Secondary suppression across linked tables, checked by an attacker written separately for the
tests (tests/attacker.py): what family-by-family suppression leaks, the linked step does not."""
from __future__ import annotations

import pandas as pd
import pytest

from pipelines.disclosure.suppression import find_leaks, suppress
from pipelines.disclosure.survey_cells import audit_survey_cells, suppress_survey_cells
from tests.attacker import deducible_ranges, exposed

# Two directorates by sex, with margins: (respondents, positive answers) per cell.
CELLS = {
    "D1F": (25, 15), "D1M": (5, 2), "D2F": (20, 12), "D2M": (10, 5),
}


def _table():
    totals = {
        "ORG": (60, 34), "D1": (30, 17), "D2": (30, 17), "F": (45, 27), "M": (15, 7), **CELLS,
    }
    cells = pd.DataFrame([{"group_id": g, "measure": "B02", "respondents": n, "value": 100.0 * p / n}
                          for g, (n, p) in totals.items()])
    links = {"unit": ("ORG", ["D1", "D2"]), "sex:org": ("ORG", ["F", "M"]), "sex:D1": ("D1", ["D1F", "D1M"]),
             "sex:D2": ("D2", ["D2F", "D2M"]), "cross:F": ("F", ["D1F", "D2F"]), "cross:M": ("M", ["D1M", "D2M"])}
    families = pd.DataFrame([(f, p, "parent") for f, (p, _) in links.items()]
                            + [(f, c, "child") for f, (_, kids) in links.items() for c in kids],
                            columns=["family_id", "group_id", "role"])
    return cells, families


def _hidden(cells, groups) -> pd.Series:
    return cells["group_id"].isin(groups)


def test_family_by_family_suppression_leaks_and_the_linked_step_does_not():
    cells, families = _table()
    # Family by family: D1M (5) is small, so its sibling D1F is hidden too, and the D1 family is
    # satisfied. But D1F = F - D2F from the sex family of the organisation, so D1M = D1 - D1F.
    one_family_at_a_time = _hidden(cells, {"D1M", "D1F"})
    ranges = deducible_ranges(cells, families, one_family_at_a_time)
    assert set(exposed(ranges, cells, families, one_family_at_a_time)["group_id"]) >= {"D1M"}
    assert not find_leaks(cells, families, 10, one_family_at_a_time).empty

    linked = suppress(cells, families, 10)
    assert linked[cells["group_id"] == "D1M"].all()
    assert exposed(deducible_ranges(cells, families, linked), cells, families, linked).empty
    assert find_leaks(cells, families, 10, linked).empty
    assert not linked[cells["group_id"] == "ORG"].any(), "the organisation's own figure stays shown"


def test_a_hidden_cell_keeps_an_interval_of_at_least_one_respondent():
    cells, families = _table()
    linked = suppress(cells, families, 10)
    ranges = deducible_ranges(cells, families, linked).set_index("group_id")
    assert ranges.loc["D1M", "high"] - ranges.loc["D1M", "low"] >= 100 / 5 - 1e-6


def test_without_values_only_exact_recovery_is_checked():
    cells, families = _table()
    linked = suppress(cells.drop(columns="value"), families, 10)
    assert find_leaks(cells.drop(columns="value"), families, 10, linked).empty
    assert linked[cells["group_id"] == "D1M"].all()


def _survey_cells(routed_base: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An organisation of two units. U1 is hidden for E03 as a complement (its sibling U2 is
    small); U1's 'yes' count is E05's base there."""
    rows = []
    for group, n, yes in (("ORG", 48, routed_base + 2), ("U1", 40, routed_base), ("U2", 8, 2)):
        rows += [(group, "E03_yes", n, 100.0 * yes / n), (group, "E03_no", n, 100.0 * (n - yes) / n),
                 (group, "E03_pnts", n, 0.0)]
        rows += [(group, "E05_yes", yes, 50.0), (group, "E05_no", yes, 50.0), (group, "E05_pnts", yes, 0.0)]
    cells = pd.DataFrame(rows, columns=["group_id", "measure", "respondents", "value"])
    families = pd.DataFrame([("unit", "ORG", "parent"), ("unit", "U1", "child"), ("unit", "U2", "child")],
                            columns=["family_id", "group_id", "role"])
    return cells, families


def test_a_routed_question_is_hidden_wherever_its_routing_question_is():
    cells, families = _survey_cells(routed_base=12)
    flags = suppress_survey_cells(cells, families, 10)
    hidden = set(zip(cells.loc[flags, "group_id"], cells.loc[flags, "measure"]))
    assert ("U1", "E03_yes") in hidden, "U1 is the complement of the small unit"
    # E05's base in U1 (12 >= 10) is the count of 'yes' to E03 there: shown, it would fix E03.
    assert {("U1", "E05_yes"), ("U1", "E05_no"), ("U1", "E05_pnts")} <= hidden
    assert audit_survey_cells(cells, families, 10, flags).empty


def test_the_audit_finds_a_routed_base_that_gives_a_hidden_count_away():
    cells, families = _survey_cells(routed_base=12)
    flags = suppress_survey_cells(cells, families, 10)
    planted = flags & ~(cells["group_id"].eq("U1") & cells["measure"].str.startswith("E05"))
    findings = audit_survey_cells(cells, families, 10, planted)
    assert (findings["key"] == "E05").any()
    assert findings["reason"].str.contains("routing").any()


def test_a_group_that_all_gave_a_sensitive_answer_is_hidden_whatever_its_size():
    rows = []
    for group, n, yes in (("ORG", 60, 18), ("U1", 12, 12), ("U2", 48, 6)):
        rows += [(group, "E03_yes", n, 100.0 * yes / n), (group, "E03_no", n, 100.0 * (n - yes) / n),
                 (group, "E03_pnts", n, 0.0)]
    cells = pd.DataFrame(rows, columns=["group_id", "measure", "respondents", "value"])
    families = pd.DataFrame([("unit", "ORG", "parent"), ("unit", "U1", "child"), ("unit", "U2", "child")],
                            columns=["family_id", "group_id", "role"])
    flags = suppress_survey_cells(cells, families, 10)
    assert flags[cells["group_id"] == "U1"].all()
    # ... and not recoverable by subtraction: its sibling goes with it.
    assert flags[cells["group_id"] == "U2"].all()
    assert not flags[cells["group_id"] == "ORG"].any()


def test_a_theme_is_hidden_wherever_one_of_its_questions_is():
    from pipelines.shared import reference

    theme = reference.SCORED_THEMES[0]
    members = [q.code for q in reference.question_bank() if q.theme == theme]
    rows = [("ORG", m, 60, 50.0) for m in members] + [("U1", m, 52, 50.0) for m in members]
    rows += [("U2", m, 8 if i == 0 else 12, 50.0) for i, m in enumerate(members)]
    rows += [(g, f"THEME:{theme}", n, 50.0) for g, n in (("ORG", 60), ("U1", 52), ("U2", 12))]
    cells = pd.DataFrame(rows, columns=["group_id", "measure", "respondents", "value"])
    families = pd.DataFrame([("unit", "ORG", "parent"), ("unit", "U1", "child"), ("unit", "U2", "child")],
                            columns=["family_id", "group_id", "role"])
    flags = suppress_survey_cells(cells, families, 10)
    assert flags[(cells["group_id"] == "U2") & (cells["measure"] == f"THEME:{theme}")].all()
    assert not flags[(cells["group_id"] == "U2") & (cells["measure"] == members[1])].any()


@pytest.mark.slow
def test_a_calibrated_organisation_leaks_no_small_cell_to_the_independent_attacker(tmp_path):
    """The NCA-shaped sample, every linked table with a hidden small cell, attacked by the test's
    own solver: no hidden cell of 1-9 respondents is fixed or narrower than one respondent."""
    from pipelines.samples.deliveries import write_sample_organisation
    from pipelines.disclosure.survey_cells import adding_keys, suppression_key
    from pipelines.measures.survey_measures import compute_measures

    write_sample_organisation(tmp_path, respondents=3400, seed=7, years=(2024,), pulses=0)
    units = pd.read_csv(next((tmp_path / "org_units").glob("*.csv")), dtype=str)
    units["parent_code"] = units["parent_code"].where(units["parent_code"].notna(), None)
    responses = pd.read_csv(next((tmp_path / "people_survey").glob("*.csv")), low_memory=False)
    responses.columns = [c.lower() for c in responses.columns]
    cells, families = compute_measures(responses, units)
    flags = suppress_survey_cells(cells, families, 10)
    keys = cells["measure"].map(suppression_key)
    assert (cells["respondents"] < 10).any(), "the sample should have small groups"
    attacked = 0
    for key in pd.unique(keys[~keys.str.startswith("THEME:")]):
        part = keys == key
        if not (part & flags & (cells["respondents"] < 10)).any():
            continue
        attacked += 1
        adding = key in adding_keys()
        subset, hidden = cells[part].reset_index(drop=True), flags[part].reset_index(drop=True)
        ranges = deducible_ranges(subset, families, hidden, splits_add_up=adding)
        leaking = exposed(ranges, subset, families, hidden)
        assert leaking.empty, f"{key}: {len(leaking)} small hidden cells exposed"
        shown_small = subset[~hidden & (subset["respondents"] < 10)]
        assert shown_small.empty, f"{key}: a figure of fewer than 10 respondents is shown"
    assert attacked >= 50, "the routed questions and C02 reasons at least have small hidden cells"


def test_components_updated_round_by_round_are_the_ones_found_from_scratch():
    """Between rounds of complements only the components a newly hidden cell joins are rebuilt;
    after protecting every table of a small organisation they must be exactly those found anew."""
    import numpy as np

    from pipelines.disclosure.suppression import VALUE_RANGE, _linked_tables
    from pipelines.disclosure.survey_cells import _keyed, adding_keys
    from pipelines.ingest.sources.people_survey import response_records
    from pipelines.measures.survey_measures import compute_measures
    from pipelines.samples.organisation import org_unit_rows, survey_frame

    answers = survey_frame(600, seed=3, year=2024).astype(str).replace({"<NA>": "", "nan": ""})
    units = pd.DataFrame(org_unit_rows())[["unit_code", "unit_name", "parent_code", "level"]].replace("", None)
    cells, families = compute_measures(response_records(answers, wave_id=1), units)
    frame = _keyed(cells, "value")
    frame = frame[~frame["measure"].str.startswith("THEME:")].reset_index(drop=True)
    grown = 0
    for _rows, table in _linked_tables(frame, families, 10, adding_keys(), VALUE_RANGE):
        table.protect()
        grown += bool((table.hidden & ~table.needs_protection).any())
        updated = table.components()
        table._labelled, table._components_of = (table.hidden.copy(), None), (None, [])  # forget them
        fresh = table.components()
        assert [c.cells.tolist() for c in updated] == [c.cells.tolist() for c in fresh]
        for before, anew in zip(updated, fresh):
            np.testing.assert_array_equal(before.equations, anew.equations)
            np.testing.assert_array_equal(before.constants, anew.constants)
            np.testing.assert_array_equal(before.upper, anew.upper)
    assert grown >= 20, "complements were added round by round in many tables"
