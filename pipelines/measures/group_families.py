"""How reported groups nest: the one description every published table's disclosure control uses.

A group is (unit_code, breakdown, group_value): unit_code empty for the whole organisation,
breakdown 'all' for everyone in the unit. A *family* is a parent group and children inside it,
with the parent's respondents in no child forming the family's unpublished remainder:

- unit:    a unit = its sub-units + its direct members (a top-level unit's parent is the
           organisation; a unit that moved has a family under each parent it had in the period);
- bd:      a unit (or the organisation) = its groups of one breakdown + not stated;
- cross:   an organisation-wide group = the same group in each unit that has one + the rest.

Survey and pulse results, interview figures and comment themes build their groups and hand them
here; the audit rebuilds the same families from the published views.
"""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

GROUP_COLUMNS = ["unit_code", "breakdown", "group_value"]


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA else str(value)


def families(groups: pd.DataFrame, parent_links: Iterable[tuple[str, str | None]], top_units: set[str]) -> pd.DataFrame:
    """Families (family_id, group_id, role) of `groups` (group_id, unit_code, breakdown, group_value).

    parent_links: (unit, parent unit) pairs, several for a unit that moved; a parent in
    `top_units` (or none) means the organisation. Families whose parent group is not among
    `groups` are left out: no published figure links their children.
    """
    index = {(_text(u), b, _text(v)): g for u, b, v, g in
             zip(groups["unit_code"], groups["breakdown"], groups["group_value"], groups["group_id"])}
    parents_of: dict[str, set[str]] = {}
    for unit, parent in parent_links:
        parent = _text(parent)
        parents_of.setdefault(_text(unit), set()).add("" if parent in top_units else parent)
    rows = []
    for (unit, breakdown, value), group in index.items():
        if breakdown == "all":
            for parent in sorted(parents_of.get(unit, set())) if unit else []:
                rows.append((f"unit:{parent}", index.get((parent, "all", "")), group))
        else:
            rows.append((f"bd:{unit}:{breakdown}", index.get((unit, "all", "")), group))
            if unit:
                rows.append((f"cross:{breakdown}:{value}", index.get(("", breakdown, value)), group))
    linked = [(family, parent, child) for family, parent, child in rows if parent is not None]
    return pd.DataFrame([(f, p, "parent") for f, p, _ in linked] + [(f, c, "child") for f, _, c in linked],
                        columns=["family_id", "group_id", "role"]).drop_duplicates().reset_index(drop=True)


def links_of(units: pd.DataFrame) -> tuple[list[tuple[str, str | None]], set[str]]:
    """(unit, parent) pairs and the top units of an org-unit table (unit_code, parent_code, level)."""
    top = set(units.loc[units["level"] == "organisation", "unit_code"])
    return list(zip(units["unit_code"], units["parent_code"])), top
