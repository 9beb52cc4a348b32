"""The tables behind the culture report and its exports, read only from the hr_* views.

Reading the same views HR analysts query means the report can never show a figure an analyst
could not query, and never a suppressed one (the views hold NULL there). The one exception is the
data-quality table: which files were loaded or quarantined and why, from the load log.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipelines import report_priorities
from pipelines.significance import two_proportion_significant
from warehouse.queries import round_half_up

BULLYING_BLOCK = ("E03_yes", "E05_yes", "E06_A_yes", "E06_B_yes", "E06_C_yes", "E06_D_yes", "E01_yes")
WORKLOAD_WELLBEING = ("B33", "B34", "THEME:resources_workload", "W01", "W02", "W03", "W04", "W05", "W09", "W10")
HEADLINE_MEASURES = ("EEI", "B33", "E03_yes", "E01_yes", "E05_yes", "E06_D_yes", "B57", "W10", *(
    f"THEME:{t}" for t in ("my_work", "objectives_purpose", "my_manager", "my_team", "learning_development",
                           "inclusion_fair_treatment", "resources_workload", "pay_benefits", "leadership_change")))
GAP_MEASURES = ("B57", "E03_yes", "E01_yes", "B33", "THEME:inclusion_fair_treatment")
GAP_BREAKDOWNS = {"sex": ("1", "2"), "long_term_health": ("1", "2")}


@dataclass
class ReportData:
    wave: str | None
    headlines: list[str]
    movements: list[str]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _read(engine: Engine, sql: str, **params) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(sa.text(sql), connection, params=params)


def _pick(frame: pd.DataFrame, measures: tuple[str, ...]) -> pd.DataFrame:
    order = {m: i for i, m in enumerate(measures)}
    return frame[frame["measure"].isin(order)].sort_values("measure", key=lambda s: s.map(order)).reset_index(drop=True)


def headline_statement(row) -> str | None:
    """'Acceptable workload: 58% — 8 points below the Civil Service benchmark (66%)', when significant."""
    if not row.significant or pd.isna(row.value) or pd.isna(row.benchmark):
        return None
    value, benchmark, diff = round_half_up(row.value), round_half_up(row.benchmark), round_half_up(row.diff_pp)
    unit = "" if row.measure == "EEI" or row.measure.startswith("THEME:") else "%"
    if diff == 0:
        return None
    side = "above" if diff > 0 else "below"
    points = "point" if abs(diff) == 1 else "points"
    return f"{row.measure_label}: {value}{unit} — {abs(diff)} {points} {side} the Civil Service benchmark ({benchmark}{unit})"


def movement_statement(row, previous_wave: str) -> str | None:
    if not row.change_significant or pd.isna(row.change_pp):
        return None
    change = round_half_up(row.change_pp)
    if change == 0:
        return None
    verb = "rose" if change > 0 else "fell"
    points = "point" if abs(change) == 1 else "points"
    return f"{row.measure_label} {verb} {abs(change)} {points} since {previous_wave} (now {round_half_up(row.value)})"


def demographic_gaps(results: pd.DataFrame) -> pd.DataFrame:
    """Group A vs group B on chosen measures, for the organisation: gap and its significance."""
    rows = []
    for breakdown, (first, second) in GAP_BREAKDOWNS.items():
        groups = results[(results["breakdown"] == breakdown) & results["measure"].isin(GAP_MEASURES)]
        for measure, per_measure in groups.groupby("measure", sort=False):
            by_group = per_measure.set_index("group_value")
            if first not in by_group.index or second not in by_group.index:
                continue
            a, b = by_group.loc[first], by_group.loc[second]
            gap = a["value"] - b["value"] if pd.notna(a["value"]) and pd.notna(b["value"]) else None
            significant = bool(two_proportion_significant(a["value"], a["respondents"], b["value"], b["respondents"])) if gap is not None else None
            rows.append({"breakdown": breakdown, "measure": measure, "measure_label": a["measure_label"],
                         "group_a": a["group_label"], "value_a": a["value"], "group_b": b["group_label"],
                         "value_b": b["value"], "gap_pp": gap, "significant": significant})
    return pd.DataFrame(rows)


def load_report_data(engine: Engine) -> ReportData:
    waves = _read(engine, "SELECT DISTINCT wave FROM hr_survey_results ORDER BY wave")["wave"].tolist()
    wave = waves[-1] if waves else None
    tables: dict[str, pd.DataFrame] = {}
    headlines: list[str] = []
    movements: list[str] = []
    if wave:
        organisation = _read(engine, "SELECT * FROM hr_survey_results WHERE wave = :w AND unit_code IS NULL", w=wave)
        overall = organisation[organisation["breakdown"] == "all"]
        tables["headline_measures"] = _pick(overall, HEADLINE_MEASURES)
        headlines = [s for s in map(headline_statement, tables["headline_measures"].itertuples()) if s]
        if len(waves) > 1:
            movements = [s for s in (movement_statement(r, waves[-2]) for r in tables["headline_measures"].itertuples()) if s]
        tables["themes_vs_benchmark"] = _pick(overall, ("EEI", *sorted(m for m in overall["measure"] if m.startswith("THEME:"))))
        tables["bullying_harassment_discrimination"] = _pick(overall, BULLYING_BLOCK)
        tables["workload_wellbeing"] = _pick(overall, WORKLOAD_WELLBEING)
        tables["unit_theme_heatmap"] = _read(
            engine, "SELECT unit_code, unit_name, unit_level, measure, value, respondents, suppressed FROM hr_survey_results "
                    "WHERE wave = :w AND breakdown = 'all' AND unit_level IN ('directorate', 'command') "
                    "AND (measure LIKE 'THEME:%' OR measure = 'EEI') ORDER BY unit_code, measure", w=wave)
        tables["demographic_gaps"] = demographic_gaps(organisation)
    tables.update(report_priorities.read_tables(engine, wave))  # focus areas, tracker, intention vs leaving
    tables["cultural_shifts"] = _read(
        engine, "SELECT pulse_id, measure, measure_label, value_weighted, value_unweighted, moe_95, respondents, "
                "effective_n, change_pp, change_significant, suppressed FROM hr_pulse_results "
                "WHERE unit_code IS NULL AND breakdown = 'all' AND measure LIKE 'SHIFT:%' ORDER BY measure, pulse_id")
    tables["comment_theme_trends"] = _read(engine, "SELECT * FROM hr_comment_theme_trends ORDER BY source, theme, wave")
    tables["leaver_reasons"] = _read(
        engine, "SELECT * FROM hr_leaver_reasons WHERE unit_code IS NULL AND breakdown = 'all' "
                "AND period = (SELECT MAX(period) FROM hr_leaver_reasons) AND measure LIKE 'any:%' ORDER BY value DESC")
    tables["leaving_rates"] = _read(
        engine, "SELECT * FROM hr_leaving_rates WHERE unit_code IS NULL AND breakdown = 'all' ORDER BY measure, period")
    tables["stay_factors"] = _read(
        engine, "SELECT * FROM hr_stay_factors WHERE unit_code IS NULL AND breakdown = 'all' "
                "AND period = (SELECT MAX(period) FROM hr_stay_factors) AND measure LIKE 'factor:%' ORDER BY value DESC")
    tables["data_quality"] = _read(
        engine, "SELECT source, file_name, wave, rows, outcome, message, report_path, loaded_at FROM load_log "
                "ORDER BY loaded_at DESC")
    return ReportData(wave, headlines, movements, tables)
