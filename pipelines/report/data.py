"""The tables behind the culture report and its exports, read from the hr_* views, for the whole
organisation or one unit (a directorate or a unit below it).

Reading the same views HR analysts query means the report can never show a figure an analyst
could not query, and never a suppressed one (the views hold NULL there). The exceptions: the
data-quality table (the load log), response rates (computed from raw counts through the same
disclosure step, `pipelines.report.response_rates`) and the sample comments (`pipelines.report.comments`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipelines.report import priorities as report_priorities
from pipelines.report.comments import sample_comments
from pipelines.report.format import BREAKDOWN_LABELS
from pipelines.measures.significance import two_proportion_significant

BULLYING_BLOCK = ("E03_yes", "E05_yes", "E06_A_yes", "E06_B_yes", "E06_C_yes", "E06_D_yes", "E01_yes")
WORKLOAD_WELLBEING = ("B33", "B34", "THEME:resources_workload", "W01", "W02", "W03", "W04", "W05", "W09", "W10")
# The heatmaps' key measures: engagement, bullying, discrimination, workload, L&D, wellbeing.
KEY_MEASURES = ("EEI", "E03_yes", "E01_yes", "B33", "THEME:learning_development", "W10", "W09")
GAP_MEASURES = ("B57", "E03_yes", "E01_yes", "B33", "THEME:inclusion_fair_treatment")
GAP_BREAKDOWNS = {"sex": ("1", "2"), "long_term_health": ("1", "2")}


@dataclass
class ReportData:
    wave: str | None
    previous_wave: str | None
    unit_code: str | None = None
    unit_name: str | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _read(engine: Engine, sql: str, **params) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(sa.text(sql), connection, params=params)


def _pick(frame: pd.DataFrame, measures: tuple[str, ...]) -> pd.DataFrame:
    order = {m: i for i, m in enumerate(measures)}
    return frame[frame["measure"].isin(order)].sort_values("measure", key=lambda s: s.map(order)).reset_index(drop=True)


def _unit_filter(unit_code: str | None, column: str = "unit_code") -> str:
    return f"{column} IS NULL" if unit_code is None else f"{column} = :unit"


def demographic_gaps(results: pd.DataFrame) -> pd.DataFrame:
    """Group A vs group B on chosen measures: gap and its significance, naming the breakdown."""
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
            label = BREAKDOWN_LABELS.get(breakdown, breakdown)
            rows.append({"breakdown": breakdown, "breakdown_label": label, "measure": measure,
                         "measure_label": a["measure_label"], "group_a": f"{label}: {a['group_label']}",
                         "value_a": a["value"], "group_b": f"{label}: {b['group_label']}", "value_b": b["value"],
                         "gap_pp": gap, "significant": significant})
    return pd.DataFrame(rows)


def _unit_rows(engine: Engine, wave: str, unit_code: str | None) -> pd.DataFrame:
    """Key measures for every unit below the scope (down to teams), in tree order with indented names."""
    scope = "" if unit_code is None else "AND (u.unit_path LIKE :path_prefix OR r.unit_code = :unit)"
    params = {"w": wave}
    if unit_code is not None:
        path = _read(engine, "SELECT unit_path FROM hr_units WHERE unit_code = :unit AND is_current = 1", unit=unit_code)
        params.update(unit=unit_code, path_prefix=(path["unit_path"].iat[0] if not path.empty else unit_code) + " > %")
    measures = ", ".join(f"'{m}'" for m in KEY_MEASURES)
    frame = _read(engine, f"""
        SELECT r.unit_code, r.unit_name, r.unit_level, u.depth, u.unit_path, r.measure, r.measure_label, r.polarity,
               r.value, r.respondents, r.suppressed
        FROM hr_survey_results r JOIN hr_units u ON u.unit_code = r.unit_code AND u.is_current = 1
        WHERE r.wave = :w AND r.breakdown = 'all' AND r.unit_code IS NOT NULL AND r.measure IN ({measures}) {scope}
        ORDER BY u.unit_path""", **params)
    if frame.empty:
        return frame.assign(row_label=pd.Series(dtype=str))
    order = {m: i for i, m in enumerate(KEY_MEASURES)}
    frame = frame.sort_values(["unit_path", "measure"], key=lambda s: s.map(order) if s.name == "measure" else s)
    indent = frame["depth"] - frame["depth"].min()
    # Plotly trims leading spaces from axis labels: the depth below the scope is shown as "› ".
    frame["row_label"] = ["› " * int(i) + f"{name}" for i, name in zip(indent, frame["unit_name"])]
    return frame.reset_index(drop=True)


def _group_rows(scope_results: pd.DataFrame) -> pd.DataFrame:
    frame = scope_results[(scope_results["breakdown"] != "all") & scope_results["measure"].isin(KEY_MEASURES)].copy()
    if frame.empty:
        return frame.assign(row_label=pd.Series(dtype=str))
    frame["row_label"] = [f"{BREAKDOWN_LABELS.get(b, b)}: {g}" for b, g in zip(frame["breakdown"], frame["group_label"])]
    order = {m: i for i, m in enumerate(KEY_MEASURES)}
    return frame.sort_values(["breakdown", "group_value", "measure"],
                             key=lambda s: s.map(order) if s.name == "measure" else s).reset_index(drop=True)


def load_report_data(engine: Engine, min_group_size: int, unit_code: str | None = None,
                     response_rates: pd.DataFrame | None = None) -> ReportData:
    """Every table of one report: the organisation's (unit_code None) or one unit's."""
    waves = _read(engine, "SELECT DISTINCT wave FROM hr_survey_results ORDER BY wave")["wave"].tolist()
    wave = waves[-1] if waves else None
    previous = waves[-2] if len(waves) > 1 else None
    unit = {} if unit_code is None else {"unit": unit_code}
    names = _read(engine, "SELECT unit_name FROM hr_units WHERE unit_code = :unit AND is_current = 1", **unit) if unit else None
    data = ReportData(wave, previous, unit_code, None if names is None or names.empty else names["unit_name"].iat[0])
    tables = data.tables
    if wave:
        organisation = _read(engine, "SELECT * FROM hr_survey_results WHERE wave = :w AND unit_code IS NULL", w=wave)
        scope = organisation if unit_code is None else _read(
            engine, "SELECT * FROM hr_survey_results WHERE wave = :w AND unit_code = :unit", w=wave, **unit)
        overall = scope[scope["breakdown"] == "all"]
        tables["overall"] = overall.reset_index(drop=True)
        tables["organisation_overall"] = organisation[organisation["breakdown"] == "all"].reset_index(drop=True)
        tables["themes_vs_benchmark"] = _pick(overall, ("EEI", *sorted(m for m in overall["measure"] if m.startswith("THEME:"))))
        tables["bullying_harassment_discrimination"] = _pick(overall, BULLYING_BLOCK)
        tables["workload_wellbeing"] = _pick(overall, WORKLOAD_WELLBEING)
        tables["unit_key_measures"] = _unit_rows(engine, wave, unit_code)
        tables["group_key_measures"] = _group_rows(scope)
        tables["demographic_gaps"] = demographic_gaps(scope)
    if response_rates is not None and not response_rates.empty:
        in_scope = response_rates["unit_code"].isna() if unit_code is None else (response_rates["unit_code"] == unit_code)
        tables["response_rates"] = response_rates[in_scope | (response_rates["breakdown"] == "all")
                                                  & _below(engine, response_rates, unit_code)].reset_index(drop=True)
    if unit_code is None:
        tables.update(report_priorities.read_tables(engine, wave))  # focus areas, tracker, intention vs leaving
        tables["comment_theme_trends"] = _read(engine, "SELECT * FROM hr_comment_theme_trends ORDER BY source, theme, wave")
    tables["cultural_shifts"] = _read(
        engine, "SELECT pulse_id, measure, measure_label, value_weighted, value_unweighted, moe_95, respondents, "
                f"effective_n, change_pp, change_significant, suppressed FROM hr_pulse_results WHERE {_unit_filter(unit_code)} "
                "AND breakdown = 'all' AND measure LIKE 'SHIFT:%' ORDER BY measure, pulse_id", **unit)
    tables["sample_comments"] = sample_comments(engine, min_group_size, unit_code)
    tables["leaver_reasons"] = _read(
        engine, f"SELECT * FROM hr_leaver_reasons WHERE {_unit_filter(unit_code)} AND breakdown = 'all' "
                "AND period = (SELECT MAX(period) FROM hr_leaver_reasons) AND measure LIKE 'any:%' ORDER BY value DESC", **unit)
    tables["leaving_rates"] = _read(
        engine, f"SELECT * FROM hr_leaving_rates WHERE {_unit_filter(unit_code)} AND breakdown = 'all' ORDER BY measure, period", **unit)
    tables["stay_factors"] = _read(
        engine, f"SELECT * FROM hr_stay_factors WHERE {_unit_filter(unit_code)} AND breakdown = 'all' "
                "AND period = (SELECT MAX(period) FROM hr_stay_factors) AND measure LIKE 'factor:%' ORDER BY value DESC", **unit)
    if unit_code is None:
        tables["data_quality"] = _read(
            engine, "SELECT source, file_name, wave, rows, outcome, message, report_path, loaded_at FROM load_log "
                    "ORDER BY loaded_at DESC")
    return data


def _below(engine: Engine, rates: pd.DataFrame, unit_code: str | None) -> pd.Series:
    """Rows for units below `unit_code` (every unit for the organisation)."""
    if unit_code is None:
        return rates["unit_code"].notna()
    units = _read(engine, "SELECT unit_code, unit_path FROM hr_units WHERE is_current = 1")
    path = dict(zip(units["unit_code"], units["unit_path"]))
    prefix = path.get(unit_code, unit_code) + " > "
    return rates["unit_code"].map(lambda code: isinstance(code, str) and str(path.get(code, "")).startswith(prefix))
