"""The culture report: one self-contained HTML file (charts inline, no external scripts or fonts)
plus the same tables as an .xlsx workbook and CSV files. `culture report` and the culture_report
DAG both call `build_report`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines import report_charts as charts
from pipelines import report_priorities
from pipelines.config import Settings
from pipelines.exports import write_exports
from pipelines.report_data import load_report_data
from warehouse.db import get_engine

TEMPLATE = Path(__file__).resolve().parent / "templates" / "report.html"
REPORT_NAME = "culture_report.html"


@dataclass
class Section:
    id: str
    title: str
    chart: str | None
    table: str | None
    note: str = ""


def _chart_html(figure, div_id: str) -> str:
    import plotly.io as pio

    return pio.to_html(figure, full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True})


def _table_html(frame: pd.DataFrame, columns: list[str]) -> str | None:
    if frame.empty:
        return None
    shown = frame[[c for c in columns if c in frame.columns]].copy()
    for column in shown.columns:
        if column.endswith("significant"):
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else ("yes" if bool(v) else "no"))
        elif pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    if "suppressed" in shown:
        shown["suppressed"] = shown["suppressed"].map(lambda v: "suppressed" if bool(v) else "")
    return shown.to_html(index=False, border=0, na_rep="", escape=True, classes="figures")


def _heatmap_table(frame: pd.DataFrame) -> str | None:
    """Units × themes, as in the chart, with suppressed cells spelled out."""
    if frame.empty:
        return None
    cells = frame.assign(cell=[("suppressed" if hidden else f"{value:.0f}") for value, hidden in zip(frame["value"], frame["suppressed"])],
                         theme=frame["measure"].str.replace("THEME:", "").str.replace("_", " "))
    grid = cells.pivot_table(index=["unit_code", "unit_name"], columns="theme", values="cell", aggfunc="first")
    grid.columns.name = None
    return grid.reset_index().to_html(index=False, border=0, na_rep="", escape=True, classes="figures")


def _sections(tables: dict[str, pd.DataFrame]) -> list[Section]:
    survey_columns = ["measure", "measure_label", "value", "benchmark", "diff_pp", "significant", "change_pp",
                      "respondents", "suppressed"]
    specs = [
        ("themes", "The nine themes and the Engagement Index", "themes_vs_benchmark", survey_columns,
         lambda t: charts.versus_benchmark(t, "Theme scores and the Employee Engagement Index vs the Civil Service benchmark"), ""),
        ("bullying", "Bullying, harassment and discrimination", "bullying_harassment_discrimination", survey_columns,
         lambda t: charts.versus_benchmark(t, "Experienced, reported, action taken, felt punished (% of those asked)"),
         "E05 is asked of those bullied or harassed; E06 of those who reported it. Higher is worse except for action taken and stopped."),
        ("workload", "Workload and wellbeing", "workload_wellbeing", survey_columns,
         lambda t: charts.versus_benchmark(t, "Workload and wellbeing vs the Civil Service benchmark"), ""),
        ("heatmap", "Where: theme scores by unit", "unit_theme_heatmap", _heatmap_table, charts.unit_heatmap,
         "Suppressed cells are groups of fewer than 10 respondents, or hidden so that one cannot be worked out from the others."),
        ("gaps", "Demographic gaps", "demographic_gaps",
         ["measure_label", "group_a", "value_a", "group_b", "value_b", "gap_pp", "significant"], None,
         "Gap = first group minus second, in points; significance by a two-proportion test at 95%."),
        ("shifts", "The six cultural shifts, pulse by pulse", "cultural_shifts",
         ["pulse_id", "measure", "value_weighted", "moe_95", "value_unweighted", "respondents", "effective_n", "change_pp",
          "change_significant", "suppressed"], charts.shifts_over_pulses,
         "Weighted to the workforce snapshot in force for each pulse; ± is the 95% margin of error."),
        ("comments", "What people write about: comment themes", "comment_theme_trends",
         ["source", "wave", "theme", "comments", "value", "change_pp", "suppressed"], charts.comment_theme_trends,
         "Share of redacted comments on each theme; groups of fewer than 10 comments are not shown."),
        ("leavers", "Why people leave", "leaver_reasons",
         ["period", "measure", "value", "interviews", "survey_measure", "survey_value", "survey_intend_to_leave", "suppressed"],
         charts.reasons_beside_survey, "Any reason given in exit interviews, beside the survey's reasons for wanting to leave."),
        ("leaving-rates", "Leaving rates", "leaving_rates",
         ["period", "measure", "value", "leavers", "average_headcount", "suppressed"], None, "Interviewed leavers per quarter, % of average headcount."),
        ("stayers", "Why people stay", "stay_factors", ["period", "measure", "value", "interviews", "suppressed"],
         lambda t: charts.simple_bars(t, "measure", "value", "What keeps people (% of stay interviews naming a factor)"), ""),
    ]
    sections = []
    for section_id, title, name, columns, chart, note in specs:
        frame = tables.get(name, pd.DataFrame())
        shown = frame[frame["value"].notna()] if "value" in frame else frame
        figure_html = _chart_html(chart(frame), f"chart-{section_id}") if chart and not shown.empty else None
        table = columns(frame) if callable(columns) else _table_html(frame, columns)
        sections.append(Section(section_id, title, figure_html, table, note))
    return sections


def _data_quality_rows(frame: pd.DataFrame) -> list[dict]:
    rows = []
    for row in frame.to_dict("records"):
        report = row.get("report_path")
        row["report_url"] = Path(report).resolve().as_uri() if report else None
        message = row.get("message")  # NULL for loaded files: read back as NaN, not None
        row["message"] = message.splitlines()[0][:400] if isinstance(message, str) and message else ""
        rows.append(row)
    return rows


def render_html(data, organisation: str, min_group_size: int) -> str:
    import jinja2
    from plotly.offline import get_plotlyjs

    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        organisation=organisation, wave=data.wave, min_group_size=min_group_size,
        generated_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        headlines=data.headlines, movements=data.movements,
        sections=_sections(data.tables) + report_priorities.sections(data.tables),
        data_quality=_data_quality_rows(data.tables["data_quality"]), plotly_js=get_plotlyjs(),
    )


def build_report(settings: Settings, out_dir: Path | None = None, progress=lambda _m: None) -> list[Path]:
    """Write the HTML report and the exports; returns their paths (the HTML first)."""
    from warehouse.org_tree import top_unit_code

    out_dir = Path(out_dir or settings.var_dir / "report")
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = get_engine(settings.warehouse_url)
    data = load_report_data(engine)
    with engine.connect() as connection:
        organisation = top_unit_code(connection) or "the organisation"
    html_path = out_dir / REPORT_NAME
    # Written beside and renamed, so a reader never opens half a report.
    partial = html_path.with_suffix(".html.partial")
    partial.write_text(render_html(data, organisation, settings.min_group_size), encoding="utf-8")
    partial.replace(html_path)
    exports = write_exports({name: frame for name, frame in data.tables.items()}, out_dir / "exports")
    progress(f"report: {html_path} ({len(data.headlines)} headline statements); exports: {out_dir / 'exports'}")
    return [html_path, *exports]
