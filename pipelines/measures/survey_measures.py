"""People-survey measures, computed the CSPS way (methodology.md), for every reported group at once.

Every measure is `sum(numerator) / count(base)` over a group's respondents, so all groups and
measures come from two sparse-matrix products (groups x respondents) @ (respondents x measures)
instead of per-group Python loops.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from pipelines.shared import contract, reference
from pipelines.measures import group_families, measure_catalogue
from warehouse.org_tree import ancestor_paths

ORGANISATION = "organisation"


def _answers(responses: pd.DataFrame, column: str) -> np.ndarray:
    if column not in responses:
        return np.full(len(responses), np.nan)
    return pd.to_numeric(responses[column], errors="coerce").to_numpy(dtype=float)


def _row_means_ignoring_blanks(matrix: np.ndarray) -> np.ndarray:
    """Mean of each row's non-NaN cells; NaN for a row with none."""
    present = ~np.isnan(matrix)
    total = np.where(present, matrix, 0).sum(axis=1)
    count = present.sum(axis=1)
    return np.divide(total, count, out=np.full(len(matrix), np.nan), where=count > 0)


def measure_matrices(responses: pd.DataFrame) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Measure names and (respondents x measures) base and numerator matrices.

    Percentages use numerator 100 for a counted answer; EEI uses the respondent's 0-100 score.
    Theme bases ('any answer to a member question') are included as `THEME_BASE:<theme>`.
    """
    names, bases, numerators = [], [], []

    def add(name, base, numerator):
        names.append(name)
        bases.append(base.astype(np.float64))
        numerators.append(np.where(base, numerator, 0).astype(np.float64))

    # Names and counting rules come from the one measure catalogue (also what ref_measure describes).
    survey = measure_catalogue.measures_of(measure_catalogue.SURVEY)
    for measure in survey:
        if measure.column is None or measure.question_code == "C02":
            continue
        answers = _answers(responses, measure.column)
        add(measure.name, ~np.isnan(answers), 100.0 * np.isin(answers, list(measure.counted)))

    intent = _answers(responses, "c01")
    reasons = [m for m in survey if m.question_code == "C02"]
    ticks = np.column_stack([np.nan_to_num(_answers(responses, m.column)) == 1 for m in reasons])
    wants_to_leave_with_reason = np.isin(intent, (1, 2)) & ticks.any(axis=1)
    for measure, ticked in zip(reasons, ticks.T):
        add(measure.name, wants_to_leave_with_reason, 100.0 * ticked)

    engagement = np.column_stack([_answers(responses, c.lower()) for c in reference.ENGAGEMENT_ITEMS])
    scores = 25.0 * (engagement - 1)
    answered_any = ~np.isnan(engagement).all(axis=1)
    add("EEI", answered_any, np.nan_to_num(_row_means_ignoring_blanks(scores)))

    for theme in reference.SCORED_THEMES:
        members = [q.column for q in reference.question_bank() if q.theme == theme]
        answered = np.column_stack([~np.isnan(_answers(responses, c)) for c in members]).any(axis=1)
        add(f"THEME_BASE:{theme}", answered, np.zeros(len(responses)))
    return names, np.column_stack(bases), np.column_stack(numerators)


def reporting_groups(responses: pd.DataFrame, units: pd.DataFrame) -> tuple[pd.DataFrame, sparse.csr_matrix, pd.DataFrame]:
    """The groups reported for one wave, their membership matrix and their disclosure families.

    Groups: the organisation; every unit at every level; each demographic breakdown for the
    organisation and for each directorate (a child of the organisation's top unit).
    """
    paths = ancestor_paths(units)
    level_of = dict(zip(units["unit_code"], units["level"]))
    name_of = dict(zip(units["unit_code"], units["unit_name"]))
    respondent_paths = responses["unit_code"].map(paths)
    depth = int(respondent_paths.map(len).max())
    groups: list[dict] = []
    rows: list[np.ndarray] = []
    index_of: dict[tuple, int] = {}

    def add_group(key: tuple, record: dict, members: np.ndarray) -> None:
        if key not in index_of:
            index_of[key] = len(groups)
            groups.append(record)
            rows.append(members)

    everyone = np.arange(len(responses))
    add_group(("org",), {"unit_code": None, "unit_level": ORGANISATION, "breakdown": "all", "group_value": None}, everyone)
    at_depth = [np.array([p[k] if len(p) > k else "" for p in respondent_paths], dtype=object) for k in range(depth)]
    for k in range(1, depth):
        for unit in pd.unique(at_depth[k][at_depth[k] != ""]):
            members = np.flatnonzero(at_depth[k] == unit)
            add_group(("unit", unit), {"unit_code": unit, "unit_level": level_of[unit], "breakdown": "all",
                                       "group_value": None}, members)

    directorates = at_depth[1] if depth > 1 else np.full(len(responses), "", dtype=object)
    for breakdown in contract.REPORTED_BREAKDOWNS:
        if breakdown not in responses:
            continue
        column = responses[breakdown]
        if pd.api.types.is_numeric_dtype(column):
            column = column.astype("Int64")
        values = column.astype("string").fillna("").to_numpy()
        for value in sorted(set(values) - {""}):
            in_group = values == value
            add_group(("bd", None, breakdown, value), {"unit_code": None, "unit_level": ORGANISATION,
                      "breakdown": breakdown, "group_value": value}, np.flatnonzero(in_group))
            for directorate in pd.unique(directorates[in_group & (directorates != "")]):
                members = np.flatnonzero(in_group & (directorates == directorate))
                add_group(("bd", directorate, breakdown, value), {
                    "unit_code": directorate, "unit_level": level_of[directorate], "breakdown": breakdown,
                    "group_value": value}, members)

    group_table = pd.DataFrame(groups)
    group_table["group_id"] = range(len(group_table))
    group_table["unit_name"] = group_table["unit_code"].map(name_of)
    group_table["group_label"] = [group_label(b, v) for b, v in zip(group_table["breakdown"], group_table["group_value"])]
    lengths = [len(r) for r in rows]
    membership = sparse.csr_matrix(
        (np.ones(sum(lengths), dtype=np.float64), (np.repeat(np.arange(len(rows)), lengths), np.concatenate(rows))),
        shape=(len(rows), len(responses)),
    )
    return group_table, membership, group_families.families(group_table, *group_families.links_of(units))


def group_label(breakdown: str, value: str | None) -> str | None:
    if breakdown == "all" or value is None:
        return None
    if breakdown == "grade":
        return reference.grade_labels().get(value, value)
    return contract.DEMOGRAPHIC_CODES.get(breakdown, {}).get(int(value))


def compute_measures(responses: pd.DataFrame, units: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long table of (group, measure, value, respondents) and the disclosure families of the groups."""
    groups, membership, families = reporting_groups(responses, units)
    names, base, numerator = measure_matrices(responses)
    counts = np.asarray(membership @ base)
    sums = np.asarray(membership @ numerator)
    with np.errstate(invalid="ignore", divide="ignore"):
        values = np.where(counts > 0, sums / counts, np.nan)
    value_columns = {name: values[:, i] for i, name in enumerate(names) if not name.startswith("THEME_BASE:")}
    count_columns = {name: counts[:, i] for i, name in enumerate(names) if not name.startswith("THEME_BASE:")}
    for theme in reference.SCORED_THEMES:
        members = [q.code for q in reference.question_bank() if q.theme == theme]
        value_columns[f"THEME:{theme}"] = _row_means_ignoring_blanks(np.column_stack([value_columns[m] for m in members]))
        count_columns[f"THEME:{theme}"] = counts[:, names.index(f"THEME_BASE:{theme}")]
    wide_values = pd.DataFrame(value_columns)
    wide_counts = pd.DataFrame(count_columns)
    long = (
        wide_values.rename_axis("group_id").reset_index()
        .melt(id_vars="group_id", var_name="measure", value_name="value")
    )
    long["respondents"] = wide_counts.to_numpy().ravel(order="F").astype(int)
    long = long[long["respondents"] > 0].merge(groups, on="group_id")
    return long.reset_index(drop=True), families
