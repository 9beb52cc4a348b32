"""Does intention predict leaving? Directorates' intention to leave (C01) and reasons (C02) from
each annual wave, beside their actual leaving and exit-interview reasons in the following year.

Built only from published figures (hr_retention_risk, hr_survey_results, hr_leaving_rates,
hr_leaver_reasons, each already through the disclosure step), so it reveals nothing they do not.
Three tests, all at 95%:
- across directorates, Spearman's rank correlation between intention and the following year's
  leaving rate (leavers in the quarters of that year published so far over the average headcount;
  the organisation's over the same quarters) — does a unit's intention predict its leaving?;
- per directorate, whether intention and leaving are each significantly above the organisation
  (two-proportion tests), so "agree" and "disagree" rest on differences beyond chance;
- per unit and year, Spearman's correlation between the C02 reasons given in the survey and the
  main reasons given at exit interview, with the top reason of each.
Associations between units over time, not causes (docs/methodology-choices.md).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sqlalchemy import text
from sqlalchemy.engine import Connection

from pipelines.measures.significance import two_proportion_significant

ALPHA = 0.05
# Fewer directorates than this and a rank correlation cannot reach significance at 5% at all.
MIN_UNITS_FOR_CORRELATION = 5
MIN_REASONS_FOR_CORRELATION = 5
AGREE_HIGH, AGREE_NOT_HIGH, INTENTION_ONLY, LEAVING_ONLY = "both_above", "neither_above", "intention_only", "leaving_only"


def _spearman(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    result = stats.spearmanr(a.to_numpy(dtype=float), b.to_numpy(dtype=float))
    return float(result.statistic), float(result.pvalue)


def association(directorates: pd.DataFrame) -> pd.DataFrame:
    """Per wave: directorates compared, Spearman's rho of intention against the following year's
    leaving rate, its p-value and a verdict (predicts / no_evidence / too_few_units)."""
    rows = []
    for wave, group in directorates.dropna(subset=["intend_to_leave_pct", "leaving_rate"]).groupby("wave"):
        row = {"wave": wave, "directorates": len(group), "rho": np.nan, "p_value": np.nan, "verdict": "too_few_units"}
        if len(group) >= MIN_UNITS_FOR_CORRELATION and group["intend_to_leave_pct"].nunique() > 1 \
                and group["leaving_rate"].nunique() > 1:
            row["rho"], row["p_value"] = _spearman(group["intend_to_leave_pct"], group["leaving_rate"])
            row["verdict"] = "predicts" if row["p_value"] < ALPHA and row["rho"] > 0 else "no_evidence"
        rows.append(row)
    return pd.DataFrame(rows, columns=["wave", "directorates", "rho", "p_value", "verdict"])


def tested_agreement(directorates: pd.DataFrame) -> pd.DataFrame:
    """Add intention_above and leaving_above (significantly above the organisation) and agreement."""
    rows = directorates.copy()
    rows["intention_above"] = two_proportion_significant(
        rows["intend_to_leave_pct"], rows["respondents"], rows["organisation_intend_to_leave_pct"],
        rows["organisation_respondents"]) & (rows["intend_to_leave_pct"] > rows["organisation_intend_to_leave_pct"])
    rows["leaving_above"] = two_proportion_significant(
        rows["leaving_rate"], rows["headcount"], rows["organisation_leaving_rate"], rows["organisation_headcount"]
    ) & (rows["leaving_rate"] > rows["organisation_leaving_rate"])
    known = rows["leaving_rate"].notna() & rows["intend_to_leave_pct"].notna()
    rows["agreement"] = np.select(
        [~known, rows["intention_above"] & rows["leaving_above"], ~rows["intention_above"] & ~rows["leaving_above"],
         rows["intention_above"]],
        [None, AGREE_HIGH, AGREE_NOT_HIGH, INTENTION_ONLY], default=LEAVING_ONLY)
    rows["agreement"] = rows["agreement"].replace({"None": None})
    rows["retention_risk"] = rows["intention_above"] & rows["leaving_above"] & (rows["eei"] < rows["organisation_eei"])
    return rows


def reasons_agreement(reasons: pd.DataFrame) -> pd.DataFrame:
    """Per period and unit: the top C02 reason and the top exit reason, whether they are the same,
    and Spearman's rho (with p) between the survey's and the exit interviews' shares by reason."""
    rows = []
    for (period, unit_code), group in reasons.dropna(subset=["value", "survey_value"]).groupby(
            ["period", reasons["unit_code"].fillna("")]):
        row = {"period": period, "unit_code": unit_code or None, "unit_name": group["unit_name"].iloc[0],
               "reasons": len(group), "top_survey_reason": group.loc[group["survey_value"].idxmax(), "reason"],
               "top_exit_reason": group.loc[group["value"].idxmax(), "reason"], "rho": np.nan, "p_value": np.nan}
        row["same_top_reason"] = row["top_survey_reason"] == row["top_exit_reason"]
        if len(group) >= MIN_REASONS_FOR_CORRELATION:
            row["rho"], row["p_value"] = _spearman(group["survey_value"], group["value"])
        rows.append(row)
    return pd.DataFrame(rows, columns=["period", "unit_code", "unit_name", "reasons", "top_survey_reason",
                                       "top_exit_reason", "same_top_reason", "rho", "p_value"])


_DIRECTORATES = """
WITH bases AS (
    SELECT SUBSTR(period, 1, 4) AS year, unit_code,
           100.0 * SUM(leavers) / AVG(average_headcount) AS leaving_rate, AVG(average_headcount) AS headcount,
           COUNT(*) AS quarters
    FROM hr_leaving_rates
    WHERE breakdown = 'all' AND measure = 'leaving_rate' AND NOT suppressed
      AND (unit_code IS NULL OR unit_level = 'directorate')
    GROUP BY SUBSTR(period, 1, 4), unit_code
),
answered AS (
    SELECT wave, unit_code, respondents FROM hr_survey_results
    WHERE breakdown = 'all' AND measure = 'C01_1' AND NOT suppressed
)
SELECT r.wave, r.unit_code, r.unit_name, r.intend_to_leave_pct, r.organisation_intend_to_leave_pct,
       r.eei, r.organisation_eei, a.respondents, oa.respondents AS organisation_respondents,
       b.leaving_rate, b.headcount, b.quarters, ob.leaving_rate AS organisation_leaving_rate,
       ob.headcount AS organisation_headcount
FROM hr_retention_risk r
LEFT JOIN answered a ON a.wave = r.wave AND a.unit_code = r.unit_code
LEFT JOIN answered oa ON oa.wave = r.wave AND oa.unit_code IS NULL
LEFT JOIN bases b ON b.unit_code = r.unit_code AND b.year = CAST(CAST(r.wave AS INTEGER) + 1 AS TEXT)
LEFT JOIN bases ob ON ob.unit_code IS NULL AND ob.year = CAST(CAST(r.wave AS INTEGER) + 1 AS TEXT)
"""
_REASONS = """
SELECT period, unit_code, unit_name, SUBSTR(measure, 9) AS reason, value, survey_value
FROM hr_leaver_reasons
WHERE breakdown = 'all' AND measure LIKE 'primary:%' AND survey_measure IS NOT NULL AND NOT suppressed
  AND (unit_code IS NULL OR unit_level = 'directorate')
"""


def intention_and_leaving(connection: Connection) -> dict[str, pd.DataFrame]:
    """The three tables the report shows: association (per wave), directorates (tested agreement and
    the retention-risk list, per wave), reasons (per year and unit)."""
    directorates = pd.read_sql(text(_DIRECTORATES), connection)
    directorates = tested_agreement(directorates)
    return {"association": association(directorates), "directorates": directorates,
            "reasons": reasons_agreement(pd.read_sql(text(_REASONS), connection))}
