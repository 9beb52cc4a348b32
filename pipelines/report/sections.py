"""The report's sections: for each, a title, a short note, an optional chart (with a text summary
for screen readers) and the figures as a readable table (labels, whole numbers, right-aligned).
The order is the reader's: who answered, where the problems are, what people write, then detail.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pipelines.report import charts
from pipelines.report.format import BREAKDOWN_LABELS, SOURCE_LABELS, code_label, measure_label, table_html, whole

SURVEY_COLUMNS = {"label": "Measure", "value": "Score", "benchmark": "Civil Service benchmark", "diff_pp": "Difference (points)",
                  "significant": "Significant", "change_pp": "Change since last year (points)", "respondents": "Respondents"}
SURVEY_NUMBERS = {"value", "benchmark", "diff_pp", "change_pp", "respondents"}


@dataclass
class Section:
    id: str
    title: str
    note: str = ""
    chart: str | None = None
    chart_summary: str = ""
    table: str | None = None
    comments: list[dict] = field(default_factory=list)


def chart_html(figure, div_id: str) -> str:
    import plotly.io as pio

    # No toolbar (it prints and distracts); static size so print and screen agree.
    return pio.to_html(figure, full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displayModeBar": False, "responsive": True})


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(label=[measure_label(m, l).removesuffix(": Yes") for m, l in zip(frame["measure"], frame["measure_label"])])


def _survey_section(section_id, title, frame, chart_title, note="") -> Section:
    shown = frame[frame["value"].notna()] if "value" in frame else frame
    chart = chart_html(charts.versus_benchmark(frame, chart_title), f"chart-{section_id}") if not shown.empty else None
    return Section(section_id, title, note, chart, f"{chart_title}. The table below gives every figure.",
                   table_html(_labelled(frame), SURVEY_COLUMNS, SURVEY_NUMBERS) if not frame.empty else None)


def _heatmap_section(section_id, title, frame, reference, note) -> Section:
    if frame.empty or reference.empty:
        return Section(section_id, title, note)
    chart = chart_html(charts.difference_heatmap(frame, reference), f"chart-{section_id}")
    grid = frame.assign(label=[measure_label(m, l).removesuffix(": Yes") for m, l in zip(frame["measure"], frame["measure_label"])])
    cells = grid.copy()
    cells["cell"] = ["suppressed" if pd.isna(v) else f"{whole(v)} (n={whole(n)})" for v, n in zip(grid["value"], grid["respondents"])]
    pivot = cells.pivot_table(index="row_label", columns="label", values="cell", aggfunc="first", sort=False)
    pivot = pivot.reindex(index=list(dict.fromkeys(frame["row_label"])), columns=list(dict.fromkeys(grid["label"])))
    table = table_html(pivot.reset_index().rename(columns={"row_label": "Group"}).fillna(""),
                       {c: c for c in ["Group", *pivot.columns]}, set())
    return Section(section_id, title, note, chart, f"{title}: each cell is the group's figure and number of respondents, "
                   "coloured by how far it is better or worse than the organisation. The table below gives every cell.", table)


def _response_section(rates: pd.DataFrame) -> Section:
    note = ("People who answered the people survey as a share of headcount in the workforce snapshot. Rates are hidden "
            "where fewer than the minimum answered or the headcount is below it, or where a hidden one could be worked out. "
            "By sex and grade, only the values the workforce snapshot records are rated: people who preferred not to say "
            "count in their unit's rate but in no sex or grade group's, so those groups' rates can all be below the unit's.")
    if rates.empty:
        return Section("response-rates", "Who answered: response rates", note)
    frame = rates.assign(
        group=[("Whole organisation" if pd.isna(u) else n) if b == "all" else f"{BREAKDOWN_LABELS.get(b, b)}: {g}"
               for u, n, b, g in zip(rates["unit_code"], rates["unit_name"], rates["breakdown"], rates["group_label"])],
        level=[code_label(level) for level in rates["unit_level"]])
    table = table_html(frame, {"group": "Group", "level": "Level", "respondents": "Respondents", "headcount": "Headcount",
                               "value": "Response rate (%)"}, {"respondents", "headcount", "value"})
    return Section("response-rates", "Who answered: response rates", note, table=table)


def _comments_section(samples: pd.DataFrame, trends: pd.DataFrame | None, min_group_size: int) -> Section:
    note = (f"A few redacted comments on each theme, only where at least {min_group_size} comments were on that theme; "
            "comments flagged for safeguarding are never shown. Names, contact details and identifiers are removed.")
    chart = summary = None
    if trends is not None and not trends.empty and trends["value"].notna().any():
        chart = chart_html(charts.comment_theme_trends(trends), "chart-comments")
        summary = "The most common comment themes in each source over time."
    groups = []
    for (source, theme), rows in samples.groupby(["source", "theme"], sort=True):
        groups.append({"heading": f"{SOURCE_LABELS.get(source, code_label(source))}: {code_label(theme)}",
                       "count": int(rows["theme_comments"].max()), "wave": rows["wave"].iat[0], "texts": rows["text"].tolist()})
    section = Section("comments", "What people write: sample comments by theme", note, chart, summary or "")
    section.comments = groups
    return section


def build_sections(tables: dict[str, pd.DataFrame], min_group_size: int, is_unit: bool) -> list[Section]:
    get = lambda name: tables.get(name, pd.DataFrame())  # noqa: E731
    reference = get("organisation_overall")
    sections = [
        _response_section(get("response_rates")),
        _heatmap_section("units", "Where: bullying, workload and other key measures by unit, down to teams",
                         get("unit_key_measures"), reference,
                         "Colour shows how far each unit is better (blue) or worse (orange) than the whole organisation; "
                         "n is the number who answered. Grey cells are suppressed: fewer than the minimum answered, or "
                         "the figure would let a hidden one be worked out."),
        _heatmap_section("groups", "Who: key measures by grade and demographic group", get("group_key_measures"), reference,
                         "Colour as above, against the whole organisation. Grey cells are suppressed."),
        _comments_section(get("sample_comments"), None if is_unit else get("comment_theme_trends"), min_group_size),
        _survey_section("bullying", "Bullying, harassment and discrimination", get("bullying_harassment_discrimination"),
                        "Experienced, reported, what followed (% of those asked)",
                        "Reporting is asked of those bullied or harassed; what followed, of those who reported it. "
                        "Higher is worse except for reporting, action taken and stopped."),
        _survey_section("workload", "Workload and wellbeing", get("workload_wellbeing"), "Workload and wellbeing against the benchmark"),
        _survey_section("themes", "The nine themes and the Engagement Index", get("themes_vs_benchmark"),
                        "Theme scores and the Employee Engagement Index against the Civil Service benchmark"),
    ]
    gaps = get("demographic_gaps")
    if not gaps.empty:
        gaps = gaps.assign(label=[measure_label(m, l).removesuffix(": Yes") for m, l in zip(gaps["measure"], gaps["measure_label"])])
    sections.append(Section("gaps", "Differences between groups", "Gap = first group minus second, in points; "
                            "significance by a two-proportion test at 95%.", table=table_html(
                                gaps, {"label": "Measure", "group_a": "First group", "value_a": "First group (%)",
                                       "group_b": "Second group", "value_b": "Second group (%)", "gap_pp": "Gap (points)",
                                       "significant": "Significant"}, {"value_a", "value_b", "gap_pp"})))
    shifts = get("cultural_shifts")
    if not shifts.empty:
        shifts = shifts.assign(label=[code_label(m) for m in shifts["measure"]])
    sections.append(Section(
        "pulses", "The six cultural shifts, pulse by pulse", "Weighted to the workforce snapshot in force for each pulse; "
        "± is the 95% margin of error.",
        chart_html(charts.shifts_over_pulses(shifts), "chart-shifts") if not shifts.empty and shifts["value_weighted"].notna().any() else None,
        "Each panel shows one cultural shift across the pulses; the table below gives every figure.",
        table_html(shifts, {"label": "Shift", "pulse_id": "Pulse", "value_weighted": "Weighted %", "moe_95": "± margin",
                            "respondents": "Respondents", "change_pp": "Change (points)", "change_significant": "Significant"},
                   {"value_weighted", "moe_95", "respondents", "change_pp"})))
    leavers = get("leaver_reasons")
    sections.append(Section(
        "leavers", "Why people leave", "Any reason given in exit interviews, beside the survey's reasons for wanting to leave.",
        chart_html(charts.reasons_beside_survey(leavers), "chart-leavers") if not leavers.empty and leavers["value"].notna().any() else None,
        "Reasons for leaving from exit interviews beside the people survey; the table below gives every figure.",
        table_html(leavers.assign(label=[code_label(m) for m in leavers.get("measure", [])]) if not leavers.empty else leavers,
                   {"label": "Reason", "period": "Year", "value": "Leavers (%)", "interviews": "Interviews",
                    "survey_value": "Wanting to leave (%)"}, {"value", "interviews", "survey_value"})))
    stayers = get("stay_factors")
    sections.append(Section(
        "stayers", "Why people stay", "",
        chart_html(charts.simple_bars(stayers, "measure", "value", "What keeps people (% of stay interviews naming a factor)"),
                   "chart-stayers") if not stayers.empty and stayers["value"].notna().any() else None,
        "What keeps people, from stay interviews; the table below gives every figure.",
        table_html(stayers.assign(label=[code_label(m) for m in stayers.get("measure", [])]) if not stayers.empty else stayers,
                   {"label": "Factor", "period": "Year", "value": "Stay interviews (%)", "interviews": "Interviews"},
                   {"value", "interviews"})))
    rates = get("leaving_rates")
    sections.append(Section("leaving-rates", "Leaving rates", "Interviewed leavers per quarter, % of average headcount.",
                            table=table_html(rates.assign(label=[code_label(m) for m in rates.get("measure", [])]) if not rates.empty else rates,
                                             {"label": "Measure", "period": "Period", "value": "Rate (%)", "leavers": "Leavers",
                                              "average_headcount": "Average headcount"}, {"value", "leavers", "average_headcount"})))
    return sections
