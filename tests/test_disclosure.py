"""Disclosure control: small groups are hidden, and cannot be recovered by subtraction."""
from __future__ import annotations

import pandas as pd

from pipelines.disclosure.suppression import suppress


def cells_and_families(parent_n: int, children: dict[str, int]):
    cells = pd.DataFrame(
        [{"group_id": "P", "measure": "B01", "respondents": parent_n}]
        + [{"group_id": g, "measure": "B01", "respondents": n} for g, n in children.items()]
    )
    families = pd.DataFrame(
        [{"family_id": "f", "group_id": "P", "role": "parent"}]
        + [{"family_id": "f", "group_id": g, "role": "child"} for g in children]
    )
    return cells, families


def suppressed_groups(cells, families, k=10) -> set[str]:
    flags = suppress(cells, families, k)
    return set(cells.loc[flags, "group_id"])


def test_groups_below_the_threshold_are_suppressed():
    cells, families = cells_and_families(60, {"A": 30, "B": 21, "C": 9})
    assert "C" in suppressed_groups(cells, families)


def test_a_lone_suppressed_child_takes_the_smallest_sibling_with_it():
    cells, families = cells_and_families(60, {"A": 30, "B": 21, "C": 9})
    assert suppressed_groups(cells, families) == {"B", "C"}


def test_no_complementary_suppression_when_the_remainder_is_already_large():
    # 5 + 6 suppressed together: the remainder (11) is itself a group of at least 10
    cells, families = cells_and_families(61, {"A": 50, "B": 5, "C": 6})
    assert suppressed_groups(cells, families) == {"B", "C"}


def test_unreported_respondents_count_towards_the_remainder():
    # 4 respondents did not state the breakdown: remainder 4 + 5 = 9 < 10 -> protect
    cells, families = cells_and_families(59, {"A": 30, "B": 20, "C": 5})
    assert suppressed_groups(cells, families) == {"B", "C"}
    # 6 did not state it: remainder 11 -> the suppressed group alone is safe
    cells, families = cells_and_families(61, {"A": 30, "B": 20, "C": 5})
    assert suppressed_groups(cells, families) == {"C"}


def test_a_small_remainder_is_protected_even_without_a_suppressed_child():
    # e.g. respondents sitting directly in a command, outside its teams
    cells, families = cells_and_families(55, {"A": 30, "B": 20})
    assert suppressed_groups(cells, families) == {"B"}


def test_the_threshold_is_configurable_upwards():
    cells, families = cells_and_families(100, {"A": 60, "B": 25, "C": 15})
    assert suppressed_groups(cells, families, k=10) == set()
    assert suppressed_groups(cells, families, k=20) == {"B", "C"}


def test_a_hidden_parent_cannot_be_rebuilt_from_its_children():
    # Organisation 25 = D1 22 + D2 3. D2 is small, so D1 is hidden with it. But D1 = T1 + T2
    # exactly: with both teams shown, D1 could be rebuilt, and D2 = 25 - D1 recovered.
    cells = pd.DataFrame([{"group_id": g, "measure": "B01", "respondents": n}
                          for g, n in {"ORG": 25, "D1": 22, "D2": 3, "T1": 10, "T2": 12}.items()])
    families = pd.DataFrame([
        {"family_id": "org", "group_id": "ORG", "role": "parent"},
        {"family_id": "org", "group_id": "D1", "role": "child"},
        {"family_id": "org", "group_id": "D2", "role": "child"},
        {"family_id": "d1", "group_id": "D1", "role": "parent"},
        {"family_id": "d1", "group_id": "T1", "role": "child"},
        {"family_id": "d1", "group_id": "T2", "role": "child"},
    ])
    hidden = suppressed_groups(cells, families)
    assert {"D1", "D2"} <= hidden and hidden & {"T1", "T2"}, "one team must be hidden too"
    assert "ORG" not in hidden
