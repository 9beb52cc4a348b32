"""The culture report: the organisation's report, one per directorate and per unit with enough
respondents, and an index page linking them; each one self-contained HTML file (charts inline,
no external scripts or fonts, links relative so the folder can be e-mailed or shared), plus the
organisation's tables as an .xlsx workbook and CSV files. `culture report` and the culture_report
DAG both call `build_report`.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.report import findings
from pipelines.report import priorities as report_priorities
from pipelines.config import Settings
from pipelines.report.exports import write_exports
from pipelines.report.data import ReportData, load_report_data
from pipelines.report.sections import build_sections
from pipelines.report.response_rates import response_rates
from warehouse.db import get_engine

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
REPORT_NAME = "culture_report.html"
INDEX_NAME = "index.html"
# Below directorates, a unit gets its own report from this many respondents (its figures are
# in its directorate's report either way).
UNIT_REPORT_MIN_RESPONDENTS = 50
INTERNAL_TABLES = {"overall", "organisation_overall", "sample_comments"}  # comments stay in the reports


@dataclass
class Summary:
    response: str | None
    ranked: list[findings.Finding]
    concerns: list[findings.Finding]
    year: list[str]
    pulse: list[str]
    people: list[str]
    comments: list[str]


def summarise(data: ReportData, name: str) -> Summary:
    tables = data.tables
    overall = tables.get("overall", pd.DataFrame())
    return Summary(
        response=findings.response_sentence(tables.get("response_rates", pd.DataFrame()), name, data.unit_code),
        ranked=findings.ranked_findings(overall, name) if not overall.empty else [],
        concerns=findings.concern_findings(overall, name) if not overall.empty else [],
        year=findings.year_movements(overall, data.previous_wave),
        pulse=findings.pulse_movements(tables.get("cultural_shifts", pd.DataFrame())),
        people=findings.leaver_stayer_sentences(tables.get("leaver_reasons", pd.DataFrame()),
                                                tables.get("stay_factors", pd.DataFrame()), name),
        comments=findings.comment_sentences(tables.get("comment_theme_trends", pd.DataFrame())),
    )


def _data_quality_rows(frame: pd.DataFrame) -> list[dict]:
    """Load-log rows; a validation report is named, not linked: its server path means nothing to a reader."""
    rows = []
    for row in frame.to_dict("records"):
        message = row.get("message")  # NULL for loaded files: read back as NaN, not None
        row["message"] = message.splitlines()[0][:400] if isinstance(message, str) and message else ""
        report = row.get("report_path")
        row["report_name"] = Path(report).name if isinstance(report, str) and report else ""
        row["rows"] = None if pd.isna(row.get("rows")) else int(row["rows"])
        row["wave"] = "" if row.get("wave") is None or pd.isna(row.get("wave")) else str(row["wave"])
        loaded_at = row.get("loaded_at")  # to the minute, UTC: a reader needs no microseconds
        row["loaded_at"] = "" if loaded_at is None or pd.isna(loaded_at) else pd.Timestamp(loaded_at).strftime("%Y-%m-%d %H:%M")
        rows.append(row)
    return rows


def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                              undefined=jinja2.StrictUndefined)


def render_html(data: ReportData, organisation: str, min_group_size: int, index_link: str | None = INDEX_NAME) -> str:
    from plotly.offline import get_plotlyjs

    name = data.unit_name or organisation
    sections = build_sections(data.tables, min_group_size, is_unit=data.unit_code is not None)
    if data.unit_code is None:  # priorities are the organisation's: drivers, the inspection's areas, retention
        sections += report_priorities.sections(data.tables)
    return _environment().get_template("report.html").render(
        title=name if data.unit_code is None else f"{name} ({organisation})", name=name, organisation=organisation,
        is_unit=data.unit_code is not None, wave=data.wave, previous_wave=data.previous_wave, min_group_size=min_group_size,
        generated_at=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        summary=summarise(data, name), sections=sections, index_link=index_link,
        data_quality=_data_quality_rows(data.tables["data_quality"]) if "data_quality" in data.tables else None,
        plotly_js=get_plotlyjs(),
    )


def unit_file_name(unit_code: str) -> str:
    return "unit-" + re.sub(r"[^A-Za-z0-9_-]+", "-", unit_code) + ".html"


def report_units(engine, wave: str | None) -> pd.DataFrame:
    """Directorates, and units below them with at least UNIT_REPORT_MIN_RESPONDENTS shown respondents, in tree order."""
    import sqlalchemy as sa

    if wave is None:
        return pd.DataFrame(columns=["unit_code", "unit_name", "unit_level", "depth", "respondents"])
    with engine.connect() as connection:
        units = pd.read_sql(sa.text(
            "SELECT u.unit_code, u.unit_name, u.unit_level, u.depth, u.unit_path, r.respondents "
            "FROM hr_units u JOIN hr_survey_results r ON r.unit_code = u.unit_code AND r.breakdown = 'all' "
            "AND r.measure = 'EEI' AND r.wave = :w AND NOT r.suppressed WHERE u.is_current = 1 ORDER BY u.unit_path"),
            connection, params={"w": wave})
    keep = (units["depth"] == 2) | ((units["depth"] > 2) & (units["respondents"] >= UNIT_REPORT_MIN_RESPONDENTS))
    return units[keep].reset_index(drop=True)


def _write(path: Path, text: str) -> None:
    # Written beside and renamed, so a reader never opens half a report.
    partial = path.with_suffix(".html.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def build_report(settings: Settings, out_dir: Path | None = None, progress=lambda _m: None,
                 unit_reports: bool = True) -> list[Path]:
    """Write the reports, the index and the exports; returns their paths (the organisation's HTML first)."""
    from warehouse.org_tree import top_unit_code

    out_dir = Path(out_dir or settings.var_dir / "report")
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = get_engine(settings.warehouse_url)
    with engine.connect() as connection:
        code = top_unit_code(connection)
    rates = response_rates(engine, settings.min_group_size)
    data = load_report_data(engine, settings.min_group_size, None, rates)
    organisation = _organisation_name(engine, code)
    html_path = out_dir / REPORT_NAME
    _write(html_path, render_html(data, organisation, settings.min_group_size))
    written = [html_path]
    units = report_units(engine, data.wave) if unit_reports else report_units(engine, None)
    for unit in units.itertuples():
        unit_data = load_report_data(engine, settings.min_group_size, unit.unit_code, rates)
        path = out_dir / unit_file_name(unit.unit_code)
        _write(path, render_html(unit_data, organisation, settings.min_group_size))
        written.append(path)
    index = out_dir / INDEX_NAME
    _write(index, _environment().get_template("index.html").render(
        organisation=organisation, wave=data.wave, report=REPORT_NAME,
        units=[{"name": u.unit_name, "level": u.unit_level, "depth": int(u.depth), "file": unit_file_name(u.unit_code)}
               for u in units.itertuples()]))
    exports = write_exports({name: frame for name, frame in data.tables.items() if name not in INTERNAL_TABLES},
                            out_dir / "exports", settings.min_group_size)
    progress(f"report: {html_path} and {len(units)} unit reports (index: {index}); exports: {out_dir / 'exports'}")
    return [html_path, index, *written[1:], *exports]


def _organisation_name(engine, code: str) -> str:
    import sqlalchemy as sa

    if not code:
        return "the organisation"
    with engine.connect() as connection:
        name = connection.execute(sa.text("SELECT unit_name FROM hr_units WHERE unit_code = :c AND is_current = 1"),
                                  {"c": code}).scalar()
    return name or code
