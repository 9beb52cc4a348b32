"""Key drivers of a published people-survey wave, stored with the focus areas they point to.

A focus area ("work on") is a driver of high importance whose score is significantly below the
Civil Service benchmark or the organisation; a strength ("keep") is a driver of high importance
whose score is at least the benchmark (or the organisation, where no benchmark exists) and not
significantly below either. At most three of each per unit and outcome, most important first.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipelines import drivers, reference, significance
from pipelines.sources.people_survey import org_tree_date
from warehouse import waves
from warehouse.bulk import bulk_insert
from warehouse.db import table
from warehouse.org_tree import units_in_force

# "High importance": more than an even split of the explained variance between the nine themes.
HIGH_IMPORTANCE_SHARE = 100 / len(reference.SCORED_THEMES)
FOCUS_PER_UNIT = 3
WORK_ON, STRENGTH = "work_on", "strength"
COLUMNS = (
    "wave_id", "unit_code", "unit_name", "unit_level", "outcome", "driver", "importance", "importance_share",
    "share_low", "share_high", "importance_rank", "r_squared", "score", "benchmark", "diff_pp",
    "organisation_score", "below_benchmark", "below_organisation", "focus", "focus_rank", "suppressed",
)


def with_scores(rows: pd.DataFrame, theme_cells: pd.DataFrame) -> pd.DataFrame:
    """Attach each unit's published theme score (fact_survey_measure, breakdown 'all') to its drivers."""
    cells = theme_cells.rename(columns={"measure": "driver", "value": "score"})
    organisation = cells[cells["unit_code"].isna()][["driver", "score", "respondents"]].rename(
        columns={"score": "organisation_score", "respondents": "organisation_respondents"})
    keyed = cells.assign(unit_key=cells["unit_code"].fillna(""))
    merged = rows.assign(unit_key=rows["unit_code"].fillna("")).merge(
        keyed[["unit_key", "driver", "unit_name", "unit_level", "score", "respondents", "benchmark", "diff_pp",
               "significant", "suppressed"]], on=["unit_key", "driver"], how="left")
    merged = merged.merge(organisation, on="driver", how="left").drop(columns="unit_key")
    merged["unit_level"] = merged["unit_level"].fillna("organisation")
    merged["suppressed"] = merged["suppressed"].fillna(True).astype(bool)
    return merged


def mark_focus(rows: pd.DataFrame) -> pd.DataFrame:
    """Add below_benchmark, below_organisation, focus and focus_rank (see the module docstring)."""
    rows = rows.copy()
    significant = rows["significant"].fillna(False).astype(bool)
    rows["below_benchmark"] = np.where(rows["benchmark"].isna(), None, significant & (rows["diff_pp"] < 0))
    is_unit = rows["unit_code"].notna()
    differs = significance.two_proportion_significant(
        rows["score"], rows["respondents"], rows["organisation_score"], rows["organisation_respondents"])
    rows["below_organisation"] = np.where(is_unit, differs & (rows["score"] < rows["organisation_score"]), None)
    below = rows["below_benchmark"].fillna(False).astype(bool) | rows["below_organisation"].fillna(False).astype(bool)
    reference_score = rows["benchmark"].fillna(rows["organisation_score"])
    important = rows["importance_share"] > HIGH_IMPORTANCE_SHARE
    shown = ~rows["suppressed"] & rows["score"].notna()
    rows["focus"] = np.select([shown & important & below, shown & important & ~below & (rows["score"] >= reference_score)],
                              [WORK_ON, STRENGTH], default=None)
    rows["focus"] = rows["focus"].replace({"None": None})
    rows["focus_rank"] = (rows[rows["focus"].notna()].sort_values("importance_rank")
                          .groupby([rows["unit_code"].fillna(""), "outcome", "focus"]).cumcount() + 1)
    over = rows["focus_rank"] > FOCUS_PER_UNIT
    rows.loc[over, ["focus", "focus_rank"]] = None
    return rows


def compute_key_drivers(engine: Engine, wave_id: int, min_group_size: int,
                        samples: int = drivers.BOOTSTRAP_SAMPLES) -> int:
    """Replace the wave's key drivers and focus areas (organisation, directorates). Returns rows."""
    with engine.begin() as connection:
        wave = waves.wave_row(connection, wave_id)
        raw = table(engine, "raw_survey_response")
        responses = pd.read_sql(sa.select(raw).where(raw.c.wave_id == wave_id), connection)
        units = units_in_force(connection, org_tree_date(wave.survey_year))
        facts = table(engine, "fact_survey_measure")
        theme_cells = pd.read_sql(
            sa.select(facts.c.unit_code, facts.c.unit_name, facts.c.unit_level, facts.c.measure, facts.c.value,
                      facts.c.respondents, facts.c.benchmark, facts.c.diff_pp, facts.c.significant, facts.c.suppressed)
            .where(facts.c.wave_id == wave_id, facts.c.breakdown == "all", facts.c.measure.like("THEME:%")),
            connection)
        rows = drivers.driver_rows(responses, units, min_group_size, samples)
        rows = mark_focus(with_scores(rows, theme_cells)).assign(wave_id=wave_id)
        store = table(engine, "fact_key_driver")
        connection.execute(sa.delete(store).where(store.c.wave_id == wave_id))
        if not rows.empty:
            bulk_insert(connection, "fact_key_driver", rows[list(COLUMNS)])
        return len(rows)
