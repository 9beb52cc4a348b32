"""The report's tables for HR as an .xlsx workbook and CSV files that people can filter and read.

Each table becomes a sheet (and a CSV) with plain-English column headers and labels in place of
codes (codes move to the right-hand columns, for joining back to the hr_* views), figures rounded
as the Civil Service People Survey publishes them, flags written Yes/No everywhere, a frozen
header row, filters and sensible column widths. A Notes sheet (and notes.csv) says what the
columns mean, the suppression rule and where the benchmark comes from.

A text cell that starts with = + - @ (or a tab or carriage return) would be run as a formula by
Excel or LibreOffice ("formula injection"); such cells are prefixed with a single quote. Numbers
stay numbers, so negative differences are untouched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.config import MIN_GROUP_SIZE_FLOOR
from pipelines.measures.significance import MIN_N_FOR_SIGNIFICANCE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NOTES_SHEET = "Notes"
SHEET_NAME_LIMIT = 31  # Excel refuses longer sheet names
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    header: str
    meaning: str
    # text | percent (whole number) | points (signed whole number) | count | integer | flag | time |
    # decimal (one place) | fraction (0 to 1, two places)
    kind: str = "text"


# One entry per column the report's tables carry; a column not listed still exports, its kind
# inferred from its values and its header made from its name.
COLUMNS: dict[str, Column] = {
    "source": Column("Source", "People survey, pulse survey, exit interviews or stay interviews"),
    "wave": Column("Wave", "Survey year, pulse (YYYY-MM) or, for interviews, quarter (YYYY-Qn)"),
    "period": Column("Period", "Calendar year, or quarter (YYYY-Qn) of the leaving date"),
    "pulse_id": Column("Pulse", "The pulse survey (YYYY-MM of its start)"),
    "org_code": Column("Organisation code", "The organisation's code in the survey file"),
    "unit_name": Column("Unit", "Organisation unit, or the whole organisation"),
    "unit_code": Column("Unit code", "The unit's code in the org-unit file"),
    "unit_path": Column("Unit path", "The unit's place in the organisation, from the top down"),
    "unit_level": Column("Unit level", "Directorate, command, team ..."),
    "breakdown": Column("Breakdown", "Everyone, or the characteristic the groups are split by"),
    "group_label": Column("Group", "The group within the breakdown (blank = everyone)"),
    "group_value": Column("Group code", "The group's code in the survey file"),
    "measure_label": Column("Measure", "The question, index, theme score or share reported"),
    "measure": Column("Measure code", "The measure's name in the hr_* views and the CSPS benchmark file"),
    "polarity": Column("Direction", "Whether a higher figure is better news, worse news, or neither"),
    "value_unit": Column("Unit of measure", "Percent, score from 0 to 100, years or net score"),
    "value": Column("Value", "Percent positive or share in percent; a score from 0 to 100 for engagement and "
                             "theme scores", "percent"),
    "respondents": Column("Respondents", "People who answered (the base of the figure)", "count"),
    "benchmark": Column("Civil Service benchmark", "Median of Civil Service organisations", "percent"),
    "benchmark_year": Column("Benchmark year", "Survey year of the benchmark", "integer"),
    "diff_pp": Column("Difference from benchmark (points)", "Value minus benchmark, percentage points", "points"),
    "significant": Column("Significant difference", "Yes when the difference is statistically significant at "
                                                    "95% (never below 30 respondents)", "flag"),
    "change_pp": Column("Change (points)", "Change since the previous wave or pulse, percentage points", "points"),
    "change_significant": Column("Significant change", "Yes when the change is statistically significant at 95% "
                                                       "(never below 30 respondents in either period)", "flag"),
    "suppressed": Column("Suppressed", "Yes when the group's figures are hidden (see the suppression rule)", "flag"),
    "value_weighted": Column("Value (weighted)", "Pulse figure weighted to the workforce", "percent"),
    "value_unweighted": Column("Value (unweighted)", "Pulse figure before weighting", "percent"),
    "moe_95": Column("Margin of error (± points)", "95% margin of error of the weighted value", "decimal"),
    "effective_n": Column("Effective sample size", "Respondents the weighted figure is worth", "count"),
    "theme": Column("Theme", "Comment theme (see the theme taxonomy)"),
    "comments": Column("Comments", "Comments written", "count"),
    "theme_comments": Column("Comments on the theme", "Comments about this theme", "count"),
    "leavers": Column("Leavers", "People who left (interviewed)", "count"),
    "average_headcount": Column("Average headcount", "Mean headcount over the period", "count"),
    "interviews": Column("Interviews", "Interviews held", "count"),
    "outcome": Column("Outcome", "The outcome a driver explains, or what happened to a file"),
    "focus": Column("Focus", "A driver to work on, or a strength to keep"),
    "focus_rank": Column("Rank", "Order of importance within the unit and outcome", "integer"),
    "driver_label": Column("Driver", "The theme whose score goes with the outcome"),
    "driver": Column("Driver code", "The driver's measure name"),
    "importance_share": Column("Importance (%)", "The driver's share of what the themes explain together", "decimal"),
    "importance_rank": Column("Importance rank", "1 = the driver that explains most", "integer"),
    "share_low": Column("Importance, low (%)", "95% interval of the importance share: lower end", "decimal"),
    "share_high": Column("Importance, high (%)", "95% interval of the importance share: upper end", "decimal"),
    "r_squared": Column("Variance explained (R²)", "Share of the outcome's variance the themes explain (0 to 1)",
                        "fraction"),
    "score": Column("Score", "The driver's theme score, 0 to 100", "percent"),
    "organisation_score": Column("Organisation score", "The same theme score for the whole organisation", "percent"),
    "benchmark_significant": Column("Significant difference from benchmark", "Yes when the difference from the "
                                                                          "benchmark is significant at 95%", "flag"),
    "previous_value": Column("Previous value", "The figure in the previous wave or pulse", "percent"),
    "target_met": Column("Target met", "Yes when the latest figure meets the target", "flag"),
    "below_benchmark": Column("Below benchmark", "Yes when significantly below the Civil Service benchmark", "flag"),
    "below_organisation": Column("Below organisation", "Yes when significantly below the whole organisation", "flag"),
    "area": Column("Area for improvement", "An area the 2025 inspection asked the organisation to improve"),
    "status": Column("Status", "Improved or worsened significantly, no significant change, or baseline"),
    "target_value": Column("Target", "The figure the organisation aims for", "percent"),
    "target_year": Column("Target year", "When the target should be met", "integer"),
    "gap_to_target": Column("Points to target", "Points still to go; zero or less once met", "points"),
    "group_a": Column("Group A", "The first group compared"),
    "value_a": Column("Group A value", "Group A's figure", "percent"),
    "group_b": Column("Group B", "The group compared with"),
    "value_b": Column("Group B value", "Group B's figure", "percent"),
    "gap_pp": Column("Gap (A minus B, points)", "Group A's figure minus group B's, percentage points", "points"),
    "survey_wave": Column("Survey year", "The people survey the reason is compared with"),
    "survey_measure": Column("Survey measure code", "The people-survey measure asking about the same reason"),
    "survey_value": Column("Survey figure (%)", "Share of those intending to leave who gave the reason in the "
                                                "survey", "percent"),
    "survey_intend_to_leave": Column("Intending to leave (survey, %)", "Share of survey respondents intending to "
                                                                      "leave", "percent"),
    "file_name": Column("File", "The delivered file's name"),
    "rows": Column("Rows", "Data rows in the file", "count"),
    "message": Column("Message", "Why a file was rejected (rule, column and spreadsheet row)"),
    "report_path": Column("Validation report", "The file's validation report"),
    "loaded_at": Column("Loaded at (UTC)", "When the file was processed, UTC", "time"),
}
# A code column and the column the view carries its label in: the label takes the code's place.
LABEL_OF = {"measure": "measure_label", "unit_code": "unit_name", "group_value": "group_label", "driver": "driver_label"}
# Small vocabularies of codes with no label column: written as words.
VALUE_LABELS: dict[str, dict[str, str]] = {
    "source": {"people_survey": "People survey", "pulse": "Pulse survey", "exit_interviews": "Exit interviews",
               "stay_interviews": "Stay interviews"},
    "breakdown": {"all": "Everyone", "long_term_health": "Long-term health condition", "age_band": "Age band",
                  "sexual_orientation": "Sexual orientation", "employment_type": "Employment type"},
    "theme": {"it_tools": "IT and tools", "leadership_change": "Leadership and change",
              "learning_development": "Learning and development", "line_management": "Line management"},
    "value_unit": {"percent": "Percent", "score_0_100": "Score (0 to 100)", "net_score": "Net score (-100 to 100)"},
    "polarity": {}, "status": {}, "unit_level": {}, "outcome": {}, "focus": {},
}
SHEETS: dict[str, tuple[str, str]] = {
    "themes_vs_benchmark": ("Themes vs benchmark", "Engagement index and theme scores against the benchmark"),
    "bullying_harassment_discrimination": ("Bullying and discrimination", "Bullying, harassment and discrimination: "
                                           "experienced, reported, what followed"),
    "workload_wellbeing": ("Workload and wellbeing", "Workload, resources and wellbeing measures"),
    "unit_key_measures": ("Key measures by unit", "Engagement, bullying, discrimination, workload, learning and "
                          "wellbeing by unit, down to teams"),
    "group_key_measures": ("Key measures by group", "The same key measures by grade and demographic group"),
    "response_rates": ("Response rates", "Respondents as a share of headcount, by unit, grade and sex"),
    "demographic_gaps": ("Demographic gaps", "Gaps between groups on key measures, with significance"),
    "focus_areas": ("Focus areas", "Per unit and outcome, the drivers to work on and the strengths to keep"),
    "improvement_tracker": ("Improvement tracker", "The inspection's areas for improvement, measure by measure"),
    "intention_association": ("Intention vs leaving", "Does units' intention to leave predict their leaving rate next year"),
    "intention_directorates": ("Intention and leaving by unit", "Where intention to leave and actual leaving agree"),
    "intention_reasons": ("Reasons: survey vs exit", "Top reason for wanting to leave beside the top reason at exit"),
    "cultural_shifts": ("Cultural shifts (pulses)", "Cultural-shift measures from the pulse surveys"),
    "comment_theme_trends": ("Comment themes", "Share of comments about each theme, by source and period"),
    "leaver_reasons": ("Why people leave", "Reasons leavers give (exit interviews, latest period)"),
    "leaving_rates": ("Leaving rates", "Leavers as a share of average headcount, by quarter"),
    "stay_factors": ("What keeps people", "What keeps people and what might make them go (stay interviews)"),
    "data_quality": ("Data quality", "Files received, whether they loaded, and why any were rejected"),
}
# Small rates and the precision figures are worth one decimal place (as the data dictionary's examples).
ONE_DECIMAL_TABLES = {"leaving_rates"}
NUMBER_FORMATS = {"percent": "0", "points": "+0;-0;0", "count": "#,##0", "integer": "0", "decimal": "0.0",
                  "fraction": "0.00", "time": "yyyy-mm-dd hh:mm"}
PLACES = {"percent": 0, "points": 0, "count": 0, "integer": 0, "decimal": 1, "fraction": 2}
FLAG_WORDS = {True: "Yes", False: "No"}
WHOLE_ORGANISATION = "Whole organisation"
OGL = ("Contains public sector information licensed under the Open Government Licence v3.0 "
       "(https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/).")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def humanise(code: str) -> str:
    return code.replace("_", " ").strip().capitalize()


def _word(column: str, code: str) -> str:
    """A code as words: the column's vocabulary, else the measure's label (an outcome is a measure), else humanised."""
    if code in VALUE_LABELS[column]:
        return VALUE_LABELS[column][code]
    if column == "outcome":
        from pipelines.measures.measure_catalogue import by_name

        measure = by_name().get(code)
        if measure is not None:
            return measure.label
    return humanise(code)


def _round_half_up(values: pd.Series, places: int) -> pd.Series:
    """The project's display rounding (warehouse.queries.round_half_up), vectorised: 2.5 -> 3, -2.5 -> -2."""
    scale = 10 ** places
    rounded = np.floor(pd.to_numeric(values, errors="coerce").astype(float) * scale + 0.5) / scale
    return rounded.astype("Int64") if places == 0 else rounded


def _infer_kind(column: pd.Series) -> str:
    values = column.dropna()
    if pd.api.types.is_bool_dtype(column) or (len(values) and values.map(lambda v: isinstance(v, bool)).all()):
        return "flag"
    if isinstance(column.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(column):
        return "time"
    if pd.api.types.is_numeric_dtype(column):
        if values.empty or bool((values.astype(float) % 1 == 0).all()):
            return "integer"
        return "fraction" if bool((values.abs() <= 1).all()) else "percent"  # a 0-1 figure would round to 0 or 1
    return "text"


def _as_flag(column: pd.Series) -> pd.Series:
    """True/False, 1/0 (SQLite) or 't'/'f' all read as Yes/No; NULL stays blank."""
    def word(value):
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return None
        if isinstance(value, str):
            return FLAG_WORDS[value.strip().lower() in ("1", "true", "t", "yes")]
        return FLAG_WORDS[bool(value)]
    return column.astype(object).map(word)


def _as_utc(column: pd.Series) -> pd.Series:
    times = pd.to_datetime(column, utc=True, errors="coerce")
    return times.dt.tz_localize(None)  # spreadsheets have no time zones: UTC


def _column_order(frame: pd.DataFrame) -> list[str]:
    """Labels where their codes were; the codes last, for joining back to the views."""
    codes = [c for c in frame.columns if c in LABEL_OF and LABEL_OF[c] in frame]
    moved = {LABEL_OF[code] for code in codes}
    order = [LABEL_OF.get(c, c) if c in codes else c for c in frame.columns if c not in moved]
    return order + codes


def _measure_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """A table that lists measures without their labels gets them from the measure catalogue (hr_measures)."""
    if "measure" not in frame or "measure_label" in frame:
        return frame
    from pipelines.measures.measure_catalogue import by_name

    catalogue = by_name()
    frame = frame.copy()
    labels = frame["measure"].map(lambda m: catalogue[m].label if m in catalogue else m)
    frame.insert(list(frame.columns).index("measure"), "measure_label", labels)
    return frame


@dataclass
class Sheet:
    table: str
    title: str
    description: str
    frame: pd.DataFrame  # spreadsheet-ready: headers, labels, rounded figures, Yes/No, escaped text
    formats: dict[str, str]  # header -> Excel number format
    columns: list[str]  # the view columns behind the headers, in order


def spreadsheet_table(table: str, frame: pd.DataFrame) -> Sheet:
    """One report table as people read it in a spreadsheet (and in its CSV)."""
    frame = _measure_labels(frame)
    out: dict[str, pd.Series] = {}
    formats: dict[str, str] = {}
    columns = _column_order(frame)
    for name in columns:
        spec = COLUMNS.get(name)
        kind = spec.kind if spec else _infer_kind(frame[name])
        if name == "value" and table in ONE_DECIMAL_TABLES:
            kind = "decimal"
        header = spec.header if spec else humanise(name)
        if header in out:
            header = f"{header} ({name})"
        column = frame[name]
        if kind == "flag":
            column = _as_flag(column)
        elif kind == "time":
            column = _as_utc(column)
        elif kind in PLACES:
            column = _round_half_up(column, PLACES[kind])
        elif name in VALUE_LABELS:
            column = column.map(lambda v: _word(name, v) if isinstance(v, str) else v)
        elif name == "unit_name" and "unit_level" in frame:
            column = column.where(column.notna() | (frame["unit_level"] != "organisation"), WHOLE_ORGANISATION)
        elif name == "unit_name" and "unit_code" not in frame:
            column = column.fillna(WHOLE_ORGANISATION)  # tables that name units only: NULL is the organisation
        if kind in NUMBER_FORMATS:
            formats[header] = NUMBER_FORMATS[kind]
        out[header] = column.map(neutralise) if kind in ("text", "flag") else column
    title, description = SHEETS.get(table, (humanise(table), ""))
    ready = pd.DataFrame(out, index=frame.index).reset_index(drop=True)
    ready.columns = [neutralise(c) for c in ready.columns]
    return Sheet(table, title, description, ready, formats, columns)


def sheet_names(titles: list[str]) -> list[str]:
    """Excel-safe, unique sheet names (31 characters, none of []:*?/\\, not 'Notes'), case-insensitively."""
    used = {NOTES_SHEET.lower()}
    names = []
    for title in titles:
        base = SHEET_NAME_FORBIDDEN.sub(" ", neutralise(title).lstrip("'")).strip(" '") or "Table"
        name, number = base[:SHEET_NAME_LIMIT].rstrip(), 1
        while name.lower() in used:
            number += 1
            suffix = f" ({number})"
            name = base[:SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
        used.add(name.lower())
        names.append(name)
    return names


def notes(sheets: list[Sheet], names: list[str], min_group_size: int) -> pd.DataFrame:
    rows = [
        ("About", "Tables behind the culture report, read from the hr_* views of the culture warehouse. "
                  "Each sheet is also written as a CSV file of the same table."),
        ("Rounding", "Figures are whole numbers, rounded half up, as the Civil Service People Survey publishes "
                     "them (leaving rates, margins of error and importance shares to one decimal place). A difference "
                     "is rounded on its own, so 75 against 75 can show a difference of +1. The warehouse views "
                     "hold the unrounded figures."),
        ("Suppression rule", f"No figure is shown for a group of fewer than {min_group_size} people (respondents, "
                             "commenters, leavers or interviews). Some larger groups are hidden too, so that a small "
                             "group cannot be worked out by subtraction from its parent. A hidden row keeps its "
                             "labels, with Suppressed = Yes and every figure, count included, left blank."),
        ("Yes / No", "Flags read Yes or No. Blank means the row is suppressed, or there is nothing to compare "
                     "with (no benchmark, no earlier wave)."),
        ("Significance", "Significant difference: the Civil Service benchmark lies outside the 95% confidence "
                         "interval of the figure. Significant change and gaps between groups: two-proportion test "
                         f"at 95%. Neither is ever claimed for a group under {MIN_N_FOR_SIGNIFICANCE}."),
        ("Benchmark source", "Civil Service benchmark: the median of organisations in the Civil Service People "
                             "Survey results published by the Cabinet Office. " + OGL),
        ("Codes", "Labels stand where codes were; the codes are in the last columns, to join back to the hr_* "
                  "views (see the warehouse data dictionary)."),
    ]
    rows += [(f"Sheet: {name}", f"{sheet.description} (file {sheet.table}.csv)".lstrip())
             for sheet, name in zip(sheets, names)]
    seen: set[str] = set()
    for sheet in sheets:
        for name in sheet.columns:
            spec = COLUMNS.get(name)
            if spec and spec.header not in seen:
                seen.add(spec.header)
                rows.append((f"Column: {spec.header}", spec.meaning))
    return pd.DataFrame(rows, columns=["Topic", "Note"]).map(neutralise)


def _width(column: pd.Series, header: str) -> float:
    longest = max([len(str(header))] + [len(str(v)) for v in column.dropna().head(2000)])
    return min(max(longest + 2, 8), MAX_WIDTH)


def _lay_out(worksheet, frame: pd.DataFrame, formats: dict[str, str]) -> None:
    """Frozen bold header row, filters over the whole table, column widths and number formats."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    worksheet.freeze_panes = "A2"
    worksheet.auto_filter.ref = f"A1:{get_column_letter(max(len(frame.columns), 1))}{len(frame) + 1}"
    for index, header in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        cell = worksheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.column_dimensions[letter].width = _width(frame[header], header)
        number_format = formats.get(header)
        wrap = worksheet.column_dimensions[letter].width >= MAX_WIDTH
        for (row,) in worksheet.iter_rows(min_row=2, max_row=len(frame) + 1, min_col=index, max_col=index):
            if number_format:
                row.number_format = number_format
            if wrap:
                row.alignment = Alignment(wrap_text=True, vertical="top")


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Times as ISO text in the CSV; whole numbers are already Int64, so never '2024.0'."""
    return frame.apply(lambda c: c.dt.strftime("%Y-%m-%d %H:%M:%S") if pd.api.types.is_datetime64_any_dtype(c) else c)


def write_exports(tables: dict[str, pd.DataFrame], out_dir: Path, min_group_size: int = MIN_GROUP_SIZE_FLOOR
                  ) -> list[Path]:
    """One CSV per table, notes.csv, and one workbook: a Notes sheet then a sheet per table. Returns the files."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sheets = [spreadsheet_table(name, frame) for name, frame in tables.items()]
    names = sheet_names([sheet.title for sheet in sheets])
    notes_frame = notes(sheets, names, min_group_size)
    workbook = out_dir / "culture_report.xlsx"
    written = []
    with pd.ExcelWriter(workbook, engine="openpyxl") as excel:
        notes_frame.to_excel(excel, sheet_name=NOTES_SHEET, index=False)
        _lay_out(excel.sheets[NOTES_SHEET], notes_frame, {})
        for sheet, name in zip(sheets, names):
            sheet.frame.to_excel(excel, sheet_name=name, index=False)
            _lay_out(excel.sheets[name], sheet.frame, sheet.formats)
            csv_path = out_dir / f"{sheet.table}.csv"
            # utf-8-sig: Excel reads a CSV without the byte-order mark as the local code page.
            _csv_frame(sheet.frame).to_csv(csv_path, index=False, encoding="utf-8-sig")
            written.append(csv_path)
    notes_path = out_dir / "notes.csv"
    notes_frame.to_csv(notes_path, index=False, encoding="utf-8-sig")
    return [workbook, *written, notes_path]
