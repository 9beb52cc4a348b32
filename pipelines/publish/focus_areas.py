"""Key drivers of a published people-survey wave, stored with the focus areas they point to.

A focus area ("work on") is a driver of high importance whose score is significantly below the
Civil Service benchmark or the organisation; a strength ("keep") is a driver of high importance
whose score is at least the benchmark (or the organisation, where no benchmark exists) and not
significantly below either. At most three of each per unit, group, outcome and kind of driver
(theme or question), most important first.

Importance is measured only where there are enough respondents (the organisation and directorates
of MIN_RESPONDENTS_FOR_DRIVERS); a team, a smaller directorate or a demographic group borrows the
importance of the nearest analysed unit above it (a group within an analysed directorate, that
directorate's) and is judged on its own published score, so a focus area never rests on a figure
the disclosure step withheld, and never on fewer than MIN_RESPONDENTS_FOR_FOCUS respondents.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipelines.measures import drivers, significance
from pipelines.shared import reference
from pipelines.shared.periods import org_tree_date
from warehouse import waves
from warehouse.bulk import bulk_insert
from warehouse.db import table
from warehouse.org_tree import ancestor_paths, directorate_of, units_in_force

FOCUS_PER_UNIT = 3
# Below 30 a two-proportion test against the benchmark has too little power (and its normal
# approximation too little footing) for "significantly below" to mean much; published cells
# between the disclosure minimum and this still appear in hr_survey_results.
MIN_RESPONDENTS_FOR_FOCUS = 30
WORK_ON, STRENGTH = "work_on", "strength"
COLUMNS = (
    "wave_id", "unit_code", "unit_name", "unit_level", "breakdown", "group_value", "group_label", "outcome",
    "driver_kind", "driver", "importance", "importance_share", "share_low", "share_high", "importance_rank",
    "r_squared", "importance_from", "importance_own", "score", "benchmark", "diff_pp", "organisation_score",
    "below_benchmark", "below_organisation", "focus", "focus_rank", "suppressed",
)
_CELL = ["unit_name", "unit_level", "score", "respondents", "benchmark", "diff_pp", "significant", "suppressed"]


def _importance_source(cells: pd.DataFrame, analysed: set, units: pd.DataFrame) -> pd.Series:
    """For each cell, the analysed unit whose importance it uses ('' = the organisation)."""
    paths = ancestor_paths(units)

    def source(unit_code) -> str:
        if unit_code is None or pd.isna(unit_code):
            return ""
        if unit_code in analysed:
            return unit_code
        directorate = directorate_of(paths, unit_code)
        return directorate if directorate is not None and directorate in analysed else ""
    return cells["unit_code"].map(source)


def with_scores(rows: pd.DataFrame, cells: pd.DataFrame, units: pd.DataFrame | None = None) -> pd.DataFrame:
    """Attach published scores (fact_survey_measure) to drivers.

    The analysed units' own rows (breakdown 'all') come first, importance_own true; every other
    published cell of a driver (teams, unanalysed directorates, demographic groups) follows with the
    importance of its nearest analysed unit."""
    cells = cells.rename(columns={"measure": "driver", "value": "score"})
    for column, default in (("breakdown", "all"), ("group_value", None), ("group_label", None)):
        if column not in cells:
            cells[column] = default
    rows = rows.assign(unit_key=rows["unit_code"].fillna(""))
    rows["drivers_in_analysis"] = rows.groupby(["unit_key", "outcome", "driver_kind"])["driver"].transform("size")
    whole = cells[cells["breakdown"] == "all"]
    organisation = whole[whole["unit_code"].isna()][["driver", "score", "respondents"]].rename(
        columns={"score": "organisation_score", "respondents": "organisation_respondents"})
    cells = cells.assign(unit_key=cells["unit_code"].fillna(""))
    own = rows.merge(cells[cells["breakdown"] == "all"][["unit_key", "driver", "breakdown", "group_value",
                                                         "group_label", *_CELL]],
                     on=["unit_key", "driver"], how="left")
    own["breakdown"] = own["breakdown"].fillna("all")
    own = own.assign(importance_from=own["unit_code"], importance_own=True)
    others = cells[~cells["suppressed"].astype(bool) & (cells["respondents"] >= MIN_RESPONDENTS_FOR_FOCUS)]
    parts = [own]
    # A directorate analysed by theme may have too few complete answers to be analysed by question
    # (or for one outcome): each analysis is borrowed from the nearest unit that has it.
    for _, analysis in (rows.groupby(["outcome", "driver_kind"]) if units is not None else []):
        mine = others[others["driver"].isin(analysis["driver"])]
        mine = mine[(mine["breakdown"] != "all") | ~mine["unit_key"].isin(analysis["unit_key"])]
        if mine.empty:
            continue
        mine = mine.assign(source_key=_importance_source(mine, set(analysis["unit_code"].dropna()), units))
        source_rows = analysis.drop(columns=["unit_code"]).rename(columns={"unit_key": "source_key"})
        found = mine.merge(source_rows, on=["source_key", "driver"])
        parts.append(found.assign(importance_from=found["source_key"].replace({"": None}),
                                  importance_own=False).drop(columns=["source_key"]))
    merged = pd.concat(parts, ignore_index=True)
    merged = merged.merge(organisation, on="driver", how="left").drop(columns="unit_key")
    merged["unit_level"] = merged["unit_level"].fillna("organisation")
    merged["suppressed"] = merged["suppressed"].fillna(True).astype(bool)
    return merged


def mark_focus(rows: pd.DataFrame) -> pd.DataFrame:
    """Add below_benchmark, below_organisation, focus and focus_rank (see the module docstring)."""
    rows = rows.copy()
    for column, default in (("driver_kind", drivers.THEME), ("breakdown", "all"), ("group_value", None)):
        if column not in rows:
            rows[column] = default
    if "drivers_in_analysis" not in rows:
        rows["drivers_in_analysis"] = len(reference.SCORED_THEMES)
    significant = rows["significant"].fillna(False).astype(bool)
    rows["below_benchmark"] = np.where(rows["benchmark"].isna(), None, significant & (rows["diff_pp"] < 0))
    # A demographic group of the whole organisation is compared with the organisation as well.
    compared = rows["unit_code"].notna() | (rows["breakdown"] != "all")
    differs = significance.two_proportion_significant(
        rows["score"], rows["respondents"], rows["organisation_score"], rows["organisation_respondents"])
    rows["below_organisation"] = np.where(compared, differs & (rows["score"] < rows["organisation_score"]), None)
    below = rows["below_benchmark"].fillna(False).astype(bool) | rows["below_organisation"].fillna(False).astype(bool)
    reference_score = rows["benchmark"].fillna(rows["organisation_score"])
    # "High importance": more than an even split of the explained variance between the drivers of
    # the analysis (nine themes, or the questions).
    important = rows["importance_share"] > 100 / rows["drivers_in_analysis"]
    shown = ~rows["suppressed"] & rows["score"].notna()
    rows["focus"] = np.select([shown & important & below, shown & important & ~below & (rows["score"] >= reference_score)],
                              [WORK_ON, STRENGTH], default=None)
    rows["focus"] = rows["focus"].replace({"None": None})
    chosen = rows[rows["focus"].notna()].sort_values("importance_rank")
    keys = [chosen["unit_code"].fillna(""), chosen["breakdown"], chosen["group_value"].fillna(""),
            chosen["outcome"], chosen["driver_kind"], chosen["focus"]]
    rows["focus_rank"] = chosen.groupby(keys).cumcount() + 1
    over = rows["focus_rank"] > FOCUS_PER_UNIT
    rows.loc[over, ["focus", "focus_rank"]] = None
    return rows


def _published_cells(connection, wave_id: int) -> pd.DataFrame:
    """The wave's theme and question scores, every unit and breakdown, with their disclosure flag."""
    facts = table(connection.engine, "fact_survey_measure")
    questions = [q.code for q in reference.question_bank() if q.theme in reference.SCORED_THEMES]
    return pd.read_sql(
        sa.select(facts.c.unit_code, facts.c.unit_name, facts.c.unit_level, facts.c.breakdown, facts.c.group_value,
                  facts.c.group_label, facts.c.measure, facts.c.value, facts.c.respondents, facts.c.benchmark,
                  facts.c.diff_pp, facts.c.significant, facts.c.suppressed)
        .where(facts.c.wave_id == wave_id,
               sa.or_(facts.c.measure.like("THEME:%"), facts.c.measure.in_(questions))),
        connection)


def compute_key_drivers(engine: Engine, wave_id: int, min_group_size: int,
                        samples: int = drivers.BOOTSTRAP_SAMPLES) -> int:
    """Replace the wave's key drivers (organisation, large directorates) and focus areas (every
    unit and group with enough respondents). Returns rows."""
    with engine.begin() as connection:
        wave = waves.wave_row(connection, wave_id)
        raw = table(engine, "raw_survey_response")
        responses = pd.read_sql(sa.select(raw).where(raw.c.wave_id == wave_id), connection)
        units = units_in_force(connection, org_tree_date(wave.survey_year))
        rows = drivers.driver_rows(responses, units, min_group_size, samples)
        rows = mark_focus(with_scores(rows, _published_cells(connection, wave_id), units))
        # Other units' and groups' rows are kept only where they name a focus area: their importance
        # is already stored once, on the analysed unit's own row.
        rows = rows[rows["importance_own"].astype(bool) | rows["focus"].notna()].assign(wave_id=wave_id)
        store = table(engine, "fact_key_driver")
        connection.execute(sa.delete(store).where(store.c.wave_id == wave_id))
        if not rows.empty:
            bulk_insert(connection, "fact_key_driver", rows[list(COLUMNS)])
        return len(rows)
