"""The report's priorities sections: what to work on (key drivers and focus areas), the inspection's
areas for improvement, and whether intention predicts leaving. Each section is a ready HTML table
with labels, not codes, read from published views only (hr_focus_areas, hr_improvement_tracker and
the figures pipelines/measures/intention_leaving.py tests), so every figure has been through disclosure.
"""
from __future__ import annotations

import pandas as pd
from sqlalchemy import text
from sqlalchemy.engine import Engine

from pipelines.measures import drivers, intention_leaving
from pipelines.publish import focus_areas
from pipelines.shared import reference
from pipelines.report.format import table_html
from pipelines.report.sections import Section

OUTCOME_LABELS = {o.name: o.label for o in drivers.OUTCOMES}
FOCUS_LABELS = {"work_on": "Work on", "strength": "Keep (strength)"}
KIND_LABELS = {drivers.THEME: "Theme", drivers.QUESTION: "Question"}
SOURCE_LABELS = {"people_survey": "Annual people survey", "pulse": "Pulse", "exit_stay": "Exit and stay interviews"}
STATUS_LABELS = {"improved_significantly": "Improved significantly", "no_significant_change": "No significant change",
                 "worsened_significantly": "Worsened significantly", "baseline": "First figure (baseline)"}
PULSE_LABELS = {"improving": "Improving", "no_clear_change": "No clear change", "worsening": "Worsening"}
VERDICT_LABELS = {"predicts": "Yes: higher intention went with higher leaving",
                  "no_evidence": "No significant association", "too_few_units": "Too few directorates to test"}
AGREEMENT_LABELS = {"both_above": "Agree: both above the organisation", "neither_above": "Agree: neither above",
                    "intention_only": "Disagree: intention above, leaving not",
                    "leaving_only": "Disagree: leaving above, intention not"}
ORGANISATION = "Whole organisation"


def _read(engine: Engine, sql: str, **parameters) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(text(sql), connection, params=parameters)


# Statistics that whole numbers would flatten; flags that SQLite returns as 0/1.
PRECISE = {"rho": "{:.2f}", "p_value": "{:.3f}"}
FLAGS = {"on_track", "same_top_reason", "intention_above", "leaving_above", "retention_risk", "importance_own"}


def _html(frame: pd.DataFrame, headings: dict[str, str]) -> str | None:
    if frame.empty:
        return None
    shown = frame.copy()
    for column, pattern in PRECISE.items():
        if column in shown:
            shown[column] = shown[column].map(lambda v, p=pattern: "" if pd.isna(v) else p.format(v))
    for column in FLAGS & set(shown.columns):
        shown[column] = shown[column].map(lambda v: "" if v is None or pd.isna(v) else ("yes" if bool(v) else "no"))
    numeric = {c for c in headings if c in shown and pd.api.types.is_numeric_dtype(shown[c])
               and not pd.api.types.is_bool_dtype(shown[c])}
    return table_html(shown, headings, numeric)


def _unit(frame: pd.DataFrame) -> pd.Series:
    return frame["unit_name"].where(frame["unit_code"].notna(), ORGANISATION).fillna(ORGANISATION)


def read_tables(engine: Engine, wave: str | None) -> dict[str, pd.DataFrame]:
    """Everything the sections show, already labelled."""
    tables: dict[str, pd.DataFrame] = {}
    focus = _read(engine, "SELECT * FROM hr_focus_areas WHERE wave = :w AND NOT suppressed "
                          "ORDER BY unit_level DESC, unit_name, breakdown, group_value, outcome, driver_kind, "
                          "focus DESC, focus_rank", w=wave) if wave else pd.DataFrame()
    if not focus.empty:
        focus["unit"] = _unit(focus)
        focus["group"] = focus["group_label"].where(focus["breakdown"] != "all", "Everyone").fillna(focus["group_value"])
        focus["outcome_label"] = focus["outcome"].map(OUTCOME_LABELS)
        focus["kind"] = focus["driver_kind"].map(KIND_LABELS)
        focus["focus_label"] = focus["focus"].map(FOCUS_LABELS)
        focus["importance_of"] = focus["importance_own"].map(lambda own: "own" if own else "unit above")
    tables["focus_areas"] = focus
    tracker = _read(engine, "SELECT * FROM hr_improvement_tracker ORDER BY area_id, measure, source, wave")
    if not tracker.empty:
        tracker["source_label"] = tracker["source"].map(SOURCE_LABELS)
        tracker["status_label"] = tracker["status"].map(STATUS_LABELS)
        tracker["pulse_label"] = tracker["pulse_suggests"].map(PULSE_LABELS)
    tables["improvement_tracker"] = tracker
    with engine.connect() as connection:
        found = intention_leaving.intention_and_leaving(connection)
    found["association"]["verdict_label"] = found["association"]["verdict"].map(VERDICT_LABELS)
    directorates = found["directorates"]
    directorates["agreement_label"] = directorates["agreement"].map(AGREEMENT_LABELS)
    reasons = found["reasons"]
    names = {r["code"]: r["label"] for r in reference.leaving_reasons()}
    reasons["unit"] = _unit(reasons)
    reasons["top_survey_label"] = reasons["top_survey_reason"].map(names)
    reasons["top_exit_label"] = reasons["top_exit_reason"].map(names)
    tables.update({"intention_association": found["association"], "intention_directorates": directorates,
                   "intention_reasons": reasons})
    return tables


def _specs() -> list[tuple[str, str, str, dict[str, str], str]]:
    """(section id, title, table, column headings, note), in the order the report shows them."""
    return [
        ("focus", "What to work on: key drivers below the benchmark or the organisation", "focus_areas",
         {"unit": "Unit", "group": "Group", "outcome_label": "Outcome", "kind": "Driver", "focus_label": "Focus",
          "focus_rank": "Rank", "driver_label": "Theme or question", "importance_share": "Importance (% of explained)",
          "importance_of": "Importance from", "score": "Score", "benchmark": "Civil Service",
          "organisation_score": "Organisation"},
         "Drivers are ranked by relative importance (Johnson's relative weights) for each outcome, by theme and by "
         f"question, for the organisation and directorates of at least {drivers.MIN_RESPONDENTS_FOR_DRIVERS} "
         "respondents; teams, smaller directorates and demographic groups use the importance of the unit above them "
         f"with their own score, shown only with {focus_areas.MIN_RESPONDENTS_FOR_FOCUS} or more respondents. Work "
         "on: important and significantly below the Civil Service benchmark or the organisation; keep: important and "
         "at least the benchmark. Associations in one survey, not causes."),
        ("tracker", "The inspection's areas for improvement, wave by wave", "improvement_tracker",
         {"area": "Area", "measure_label": "Measure", "source_label": "Source", "wave": "Wave", "value": "Figure",
          "change_pp": "Change (points)", "status_label": "Status", "target_value": "Target", "target_year": "By",
          "pace_achieved": "Pace so far (points a year)", "pace_needed": "Pace needed (points a year)",
          "on_track": "On track", "pulse_wave": "Latest pulse since", "pulse_label": "The pulse suggests"},
         "Status: a significant change (95%) since the previous wave of the same source, in the better or worse "
         "direction. Pace: points a year in the better direction since the first tracked figure, beside the pace "
         "still needed to meet the target by its year. Targets and measures come from improvement_areas.yml, which "
         "the culture team edits."),
        ("intention", "Does intention to leave predict leaving?", "intention_association",
         {"wave": "Survey wave", "directorates": "Directorates", "rho": "Rank correlation", "p_value": "p",
          "verdict_label": "Verdict"},
         "Directorates' share intending to leave within a year (C01) against their leaving rate in the following "
         "calendar year (Spearman's rank correlation, 5% level). An association between units, not a cause."),
        ("intention-directorates", "Where intention and leaving agree and disagree", "intention_directorates",
         {"wave": "Survey wave", "unit_name": "Directorate", "intend_to_leave_pct": "Intend to leave (%)",
          "leaving_rate": "Left next year (%)", "quarters": "Quarters so far",
          "intention_above": "Intention significantly above", "leaving_above": "Leaving significantly above",
          "agreement_label": "Agreement", "retention_risk": "Retention risk"},
         "Above: significantly above the organisation (two-proportion test, 95%)."),
        ("retention-risk", "Retention risks: high intention, high leaving, low engagement", "retention_risk",
         {"wave": "Survey wave", "unit_name": "Directorate", "intend_to_leave_pct": "Intend to leave (%)",
          "leaving_rate": "Left next year (%)", "eei": "Engagement", "organisation_eei": "Organisation"},
         "Directorates significantly above the organisation on intention and on actual leaving, and below it on "
         "the Engagement Index."),
        ("intention-reasons", "Why people say they would leave, and why they did", "intention_reasons",
         {"period": "Year of leaving", "unit": "Unit", "top_survey_label": "Top reason in the survey (C02)",
          "top_exit_label": "Top main reason at exit", "same_top_reason": "Same", "rho": "Rank correlation",
          "p_value": "p"},
         "Survey reasons from the latest wave before the year of leaving; the rank correlation compares the "
         "shares of every reason asked in both."),
    ]


def sections(tables: dict[str, pd.DataFrame]) -> list[Section]:
    directorates = tables.get("intention_directorates", pd.DataFrame())
    risk = directorates[directorates["retention_risk"].fillna(False).astype(bool)] if not directorates.empty else directorates
    shown = {**tables, "retention_risk": risk}
    return [Section(section_id, title, note, table=_html(shown.get(name, pd.DataFrame()), headings))
            for section_id, title, name, headings, note in _specs()]
