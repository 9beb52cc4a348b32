"""Disclosure control (methodology.md): minimum group size and complementary suppression.

Cells are (group, measure). A *family* is a shown parent group and the child groups that
partition it (a unit and its sub-units; a unit and one demographic's groups; the organisation's
demographic group and the same group in each directorate). If the parent minus the children
still shown leaves between 1 and k-1 respondents, a suppressed child could be worked out by
subtraction, so the smallest shown sibling is suppressed too, until no family leaks.
"""
from __future__ import annotations

import pandas as pd


def suppress(cells: pd.DataFrame, families: pd.DataFrame, min_group_size: int) -> pd.Series:
    """Boolean Series (aligned with `cells`) of suppressed cells.

    cells: columns group_id, measure, respondents.
    families: columns family_id, group_id, role ('parent' or 'child'); one parent per family.
    """
    suppressed = cells["respondents"] < min_group_size
    keyed = cells[["group_id", "measure", "respondents"]].copy()
    keyed["cell"] = range(len(cells))
    parents = families[families["role"] == "parent"][["family_id", "group_id"]]
    children = families[families["role"] == "child"][["family_id", "group_id"]]
    parent_cells = parents.merge(keyed, on="group_id").rename(
        columns={"respondents": "parent_n", "cell": "parent_cell"})[["family_id", "measure", "parent_n", "parent_cell"]]
    child_cells = children.merge(keyed, on="group_id")
    flags = suppressed.to_numpy().copy()
    while True:
        child_cells["shown"] = ~flags[child_cells["cell"].to_numpy()]
        shown = child_cells[child_cells["shown"]]
        shown_n = shown.groupby(["family_id", "measure"], sort=False)["respondents"].sum().rename("shown_n")
        check = parent_cells.join(shown_n, on=["family_id", "measure"])
        check["shown_n"] = check["shown_n"].fillna(0)
        remainder = check["parent_n"] - check["shown_n"]
        parent_shown = ~flags[check["parent_cell"].to_numpy()]
        # A hidden parent whose respondents all sit in shown children can be rebuilt from them,
        # and then used in its own parent's subtraction: hide one of those children too.
        rebuildable = ~parent_shown & (remainder == 0) & (check["shown_n"] > 0) & (check["parent_n"] >= min_group_size)
        leaking = check[(parent_shown & (remainder > 0) & (remainder < min_group_size)) | rebuildable]
        if leaking.empty:
            break
        candidates = shown.merge(leaking[["family_id", "measure"]], on=["family_id", "measure"])
        if candidates.empty:
            break
        smallest = candidates.sort_values(["respondents", "group_id"]).drop_duplicates(["family_id", "measure"])
        flags[smallest["cell"].to_numpy()] = True
    return pd.Series(flags, index=cells.index, name="suppressed")
