"""An attacker written for the tests, independently of pipelines.disclosure.suppression: for every hidden cell,
the range of values the published figures allow, by plain linear programming over the whole table
(HiGHS: one model per table, minimised and maximised for each hidden cell in turn; no
decomposition, no shortcuts). It knows every group's respondent count, as the
methodology's attacker does."""
from __future__ import annotations

import highspy
import numpy as np
import pandas as pd


def deducible_ranges(cells: pd.DataFrame, families: pd.DataFrame, hidden: pd.Series,
                     splits_add_up: bool = False) -> pd.DataFrame:
    """cells: group_id, measure, respondents, value (true). Returns, per hidden (group, measure),
    the lowest and highest value an analyst can deduce, and the respondents."""
    frame = cells.assign(hidden=hidden.to_numpy(dtype=bool))
    n = frame.groupby("group_id")["respondents"].max()
    measures = list(pd.unique(frame["measure"]))
    value = frame.set_index(["group_id", "measure"])["value"]
    is_hidden = frame.groupby("group_id")["hidden"].any()
    parents = families[families["role"] == "parent"].set_index("family_id")["group_id"]
    children = families[families["role"] == "child"].groupby("family_id")["group_id"].apply(list)

    # Unknowns: each hidden group's numerator per measure, and each family's remainder per measure.
    unknown: dict[tuple, int] = {}
    upper: list[float] = []

    def variable(key: tuple, size: float) -> int:
        if key not in unknown:
            unknown[key] = len(upper)
            upper.append(100.0 * size)
        return unknown[key]

    for g in is_hidden[is_hidden].index:
        for m in measures:
            variable(("cell", g, m), n[g])
    rows, rhs = [], []
    for family, members in children.items():
        if family not in parents.index or parents[family] not in n.index:
            continue
        parent = parents[family]
        kids = [c for c in members if c in n.index]
        rest = n[parent] - n[kids].sum()
        for m in measures:
            row, constant = {}, 0.0
            for g, sign in [(parent, 1.0)] + [(c, -1.0) for c in kids]:
                if is_hidden[g]:
                    row[unknown[("cell", g, m)]] = row.get(unknown[("cell", g, m)], 0.0) + sign
                else:
                    constant -= sign * value[(g, m)] * n[g]
            if rest > 0:
                row[variable(("rest", family, m), rest)] = -1.0
            rows.append(row)
            rhs.append(constant)
    if splits_add_up:
        for key in list(unknown):
            if key[0] == "cell" and key[2] == measures[0]:
                rows.append({unknown[("cell", key[1], m)]: 1.0 for m in measures})
                rhs.append(100.0 * n[key[1]])
        for family in {k[1] for k in unknown if k[0] == "rest"}:
            rows.append({unknown[("rest", family, m)]: 1.0 for m in measures})
            rhs.append(upper[unknown[("rest", family, measures[0])]])
    model = _table_model(rows, rhs, upper)
    found = []
    for (kind, g, m), j in unknown.items():
        if kind != "cell":
            continue
        low, high = (_optimum(model, j, sense) for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize))
        found.append((g, m, n[g], low / n[g], high / n[g]))
    return pd.DataFrame(found, columns=["group_id", "measure", "respondents", "low", "high"])


def _table_model(rows: list[dict[int, float]], rhs: list[float], upper: list[float]) -> highspy.Highs:
    """The whole table's equations and bounds as one HiGHS model with no objective yet."""
    model = highspy.Highs()
    model.setOptionValue("output_flag", False)
    model.addVars(len(upper), np.zeros(len(upper)), np.asarray(upper, dtype=float))
    lengths = np.array([len(row) for row in rows], dtype=np.int32)
    starts = (np.cumsum(lengths) - lengths).astype(np.int32)
    columns = np.array([j for row in rows for j in row], dtype=np.int32)
    values = np.array([v for row in rows for v in row.values()], dtype=float)
    bounds = np.asarray(rhs, dtype=float)
    model.addRows(len(rows), bounds, bounds, len(columns), starts, columns, values)
    return model


def _optimum(model: highspy.Highs, column: int, sense) -> float:
    """The lowest or highest value of one unknown over everything the table allows (the solve
    starts from the last one's basis: only the objective changed)."""
    model.changeObjectiveSense(sense)
    model.changeColCost(column, 1.0)
    model.run()
    assert model.getModelStatus() == highspy.HighsModelStatus.kOptimal, "the true values must be feasible"
    value = model.getInfo().objective_function_value
    model.changeColCost(column, 0.0)
    return value


def exposed(ranges: pd.DataFrame, cells: pd.DataFrame, families: pd.DataFrame, hidden: pd.Series,
            k: int = 10) -> pd.DataFrame:
    """Hidden cells of 1 to k-1 respondents whose deducible range is narrower than one respondent
    (the documented protection interval; fixed outright is the extreme case); except a cell whose shown
    parent group has 0% or 100% for that measure (nobody, or everybody, in the parent gave the
    answer: the parent's own published figure says it, and no suppression below it could help; the
    same for any shown group further up that contains it)."""
    shown = cells[~hidden.to_numpy(dtype=bool)].set_index(["group_id", "measure"])["value"]
    parent_of = families[families["role"] == "parent"].set_index("family_id")["group_id"]
    child = families[families["role"] == "child"]
    parents = child.assign(parent=child["family_id"].map(parent_of)).groupby("group_id")["parent"].apply(list)

    def implied(g, m) -> bool:
        # Any shown group containing g (a parent, a parent's parent...) at 0% or 100% says it.
        seen, frontier = {g}, list(parents.get(g, []))
        while frontier:
            p = frontier.pop()
            if p in seen:
                continue
            seen.add(p)
            v = shown.get((p, m))
            if v is not None and (v <= 1e-9 or v >= 100 - 1e-9):
                return True
            frontier.extend(parents.get(p, []))
        return False

    width = ranges["high"] - ranges["low"]
    needed = np.minimum(100.0, 100.0 / ranges["respondents"])
    small = ranges["respondents"] < k
    leaking = ranges[small & (width < needed - 1e-6)]
    return leaking[[not implied(g, m) for g, m in zip(leaking["group_id"], leaking["measure"])]]
