"""The report's spreadsheets, opened with openpyxl as a spreadsheet user would meet them: a notes
sheet, frozen headers, filters, widths, number formats, labels not codes, Yes/No flags, whole
numbers, clean CSV integers and formula text neutralised."""
from __future__ import annotations

import csv

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipelines.config import Settings
from pipelines.report.exports import COLUMNS, NOTES_SHEET, SHEET_NAME_LIMIT, sheet_names, write_exports
from pipelines.report.data import load_report_data
from tests.helpers import build_sample_warehouse
from warehouse.db import get_engine
from warehouse.view_files import contracts


def survey_rows(significant) -> pd.DataFrame:
    """Rows shaped as hr_survey_results gives them; `significant` as SQLite (1/0) or PostgreSQL (bool) returns it."""
    return pd.DataFrame({
        "wave": ["2024", "2024", "2024"],
        "unit_code": ["OPS", "=cmd|' /C calc'!A0", None],
        "unit_name": ["Operations", "+Intelligence", None],
        "measure": ["B33", "E03_yes", "EEI"],
        "measure_label": ["Acceptable workload", "Bullied or harassed", "Engagement index"],
        "value": [56.97205882352941, 12.5, np.nan],
        "respondents": [1234.0, 80.0, np.nan],
        "benchmark": [66.0, 8.0, 63.0],
        "benchmark_year": [2024.0, 2024.0, np.nan],
        "diff_pp": [-9.02794117647059, 4.5, np.nan],
        "significant": significant,
        "suppressed": [0, 0, 1] if not isinstance(significant[0], bool) else [False, False, True],
    })


@pytest.fixture()
def written(tmp_path):
    tables = {
        "headline_measures": survey_rows([1, 0, None]),
        "themes_vs_benchmark": survey_rows([True, False, None]),
        "a_table_whose_name_runs_well_past_excel_limit_one": survey_rows([1, 1, None]),
        "a_table_whose_name_runs_well_past_excel_limit_two": survey_rows([0, 0, None]),
    }
    paths = write_exports(tables, tmp_path / "exports", min_group_size=12)
    return tmp_path / "exports", paths


def headers(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def column(sheet, header: str) -> list:
    index = headers(sheet).index(header)
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_every_sheet_has_a_frozen_filtered_sized_header(written):
    out, paths = written
    workbook = openpyxl.load_workbook(paths[0])
    assert workbook.sheetnames[0] == NOTES_SHEET
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}", sheet.title
        assert all(cell.font.bold for cell in sheet[1])
        widths = [sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]]
        assert all(8 <= w <= 60 for w in widths), (sheet.title, widths)
    survey = workbook["Headline measures"]
    unit = headers(survey).index("Unit code") + 1
    assert survey.column_dimensions[survey.cell(1, unit).column_letter].width >= len("'=cmd|' /C calc'!A0")


def test_labels_stand_where_codes_were_and_codes_go_last(written):
    _, paths = written
    sheet = openpyxl.load_workbook(paths[0])["Headline measures"]
    assert headers(sheet) == ["Wave", "Unit", "Measure", "Value", "Respondents", "Civil Service benchmark",
                              "Benchmark year", "Difference from benchmark (points)", "Significant difference",
                              "Suppressed", "Unit code", "Measure code"]
    assert column(sheet, "Measure") == ["Acceptable workload", "Bullied or harassed", "Engagement index"]


def test_figures_are_whole_numbers_with_formats_and_the_hidden_stay_blank(written):
    _, paths = written
    sheet = openpyxl.load_workbook(paths[0])["Headline measures"]
    assert column(sheet, "Value") == [57, 13, None]  # 12.5 rounds half up, as CSPS publishes
    assert column(sheet, "Difference from benchmark (points)") == [-9, 5, None]
    assert column(sheet, "Respondents") == [1234, 80, None]
    assert column(sheet, "Benchmark year") == [2024, 2024, None]
    formats = {header: sheet.cell(2, index + 1).number_format for index, header in enumerate(headers(sheet))}
    assert formats["Value"] == "0" and formats["Respondents"] == "#,##0"
    assert formats["Difference from benchmark (points)"] == "+0;-0;0"


def test_flags_read_yes_or_no_whatever_the_database_returned(written):
    _, paths = written
    workbook = openpyxl.load_workbook(paths[0])
    sqlite_style, postgres_style = workbook["Headline measures"], workbook["Themes vs benchmark"]
    for sheet in (sqlite_style, postgres_style):
        assert column(sheet, "Significant difference") == ["Yes", "No", None]
        assert column(sheet, "Suppressed") == ["No", "No", "Yes"]


def test_sheet_names_fit_excel_and_are_unique(written):
    _, paths = written
    names = openpyxl.load_workbook(paths[0]).sheetnames
    assert len(names) == len(set(n.lower() for n in names)) == 5
    assert all(len(n) <= SHEET_NAME_LIMIT for n in names)
    assert names[3:] == ["A table whose name runs well pa", "A table whose name runs wel (2)"]
    assert sheet_names(["Notes", "a/b:c?", "x" * 40, "x" * 40]) == [
        "Notes (2)", "a b c", "x" * 31, "x" * 27 + " (2)"]


def test_formula_text_is_neutralised_in_sheets_and_csv(written):
    out, paths = written
    sheet = openpyxl.load_workbook(paths[0])["Headline measures"]
    assert column(sheet, "Unit")[1] == "'+Intelligence"
    assert column(sheet, "Unit code")[1] == "'=cmd|' /C calc'!A0"
    text = (out / "headline_measures.csv").read_text(encoding="utf-8-sig")
    assert "'+Intelligence" in text and "'=cmd" in text
    assert "-9" in text  # numbers are not escaped


def test_csv_integers_are_clean(written):
    out, _ = written
    with open(out / "headline_measures.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["Benchmark year"] for r in rows] == ["2024", "2024", ""]
    assert [r["Respondents"] for r in rows] == ["1234", "80", ""]
    assert [r["Value"] for r in rows] == ["57", "13", ""]
    assert [r["Significant difference"] for r in rows] == ["Yes", "No", ""]
    assert not any(".0" in value for row in rows for value in row.values())


def test_notes_say_what_the_columns_mean_the_rule_and_the_source(written):
    out, paths = written
    notes = dict(openpyxl.load_workbook(paths[0])[NOTES_SHEET].iter_rows(min_row=2, values_only=True))
    assert "fewer than 12 people" in notes["Suppression rule"]  # the organisation's threshold, not a constant
    assert "median of organisations" in notes["Benchmark source"]
    assert "Open Government Licence v3.0" in notes["Benchmark source"]
    assert "Column: Difference from benchmark (points)" in notes
    assert "Sheet: Headline measures" in notes
    assert (out / "notes.csv").read_text(encoding="utf-8-sig").count("Open Government Licence") == 1


def test_a_column_the_exports_do_not_know_is_still_rounded_and_labelled(tmp_path):
    tables = {"new_table": pd.DataFrame({"new_share": [56.97205882352941, 3.5], "new_fit": [0.4321, 0.0768],
                                         "new_year": [2024.0, np.nan], "new_flag": [True, None]})}
    paths = write_exports(tables, tmp_path)
    sheet = openpyxl.load_workbook(paths[0])["New table"]
    assert headers(sheet) == ["New share", "New fit", "New year", "New flag"]
    assert column(sheet, "New share") == [57, 4]
    assert column(sheet, "New fit") == [0.43, 0.08]  # a 0-1 figure keeps two places, not rounded to 0
    assert column(sheet, "New year") == [2024, None]
    assert column(sheet, "New flag") == ["Yes", None]
    assert (tmp_path / "new_table.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == ["57,0.43,2024,Yes", "4,0.08,,"]


def test_empty_tables_still_export_with_their_headers(tmp_path):
    """A first wave with no history, or a source not delivered yet, gives empty tables."""
    tables = {"demographic_gaps": pd.DataFrame(),
              "data_quality": pd.DataFrame(columns=["source", "file_name", "rows", "outcome", "loaded_at"])}
    paths = write_exports(tables, tmp_path)
    workbook = openpyxl.load_workbook(paths[0])
    assert workbook.sheetnames == [NOTES_SHEET, "Demographic gaps", "Data quality"]
    assert headers(workbook["Data quality"]) == ["Source", "File", "Rows", "Outcome", "Loaded at (UTC)"]
    assert workbook["Data quality"].freeze_panes == "A2"
    assert (tmp_path / "data_quality.csv").read_text(encoding="utf-8-sig").strip() == "Source,File,Rows,Outcome,Loaded at (UTC)"


@pytest.fixture(scope="module")
def report_workbook(tmp_path_factory):
    """The exports of a warehouse loaded through the real flow from the synthetic organisation."""
    root = tmp_path_factory.mktemp("exports")
    settings = Settings(root / "var", root / "landing", f"sqlite:///{root / 'warehouse.db'}", 10)
    build_sample_warehouse(settings, settings.landing_dir, respondents=300, with_comments=False)
    tables = load_report_data(get_engine(settings.warehouse_url), settings.min_group_size).tables
    paths = write_exports(tables, root / "exports", settings.min_group_size)
    return tables, root / "exports", openpyxl.load_workbook(paths[0])


def test_report_exports_are_filterable_and_read_as_published(report_workbook):
    tables, out, workbook = report_workbook
    assert len(workbook.sheetnames) == len(tables) + 1
    flags = {"Suppressed", "Significant difference", "Significant change", "Significant gap",
             "Below benchmark", "Below organisation"}
    for sheet in workbook.worksheets[1:]:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref, sheet.title
        for header in headers(sheet):
            assert "_" not in header, (sheet.title, header)  # a label, not a column name
            values = [v for v in column(sheet, header) if v is not None]
            if header in flags or header.startswith("Significant"):
                assert set(values) <= {"Yes", "No"}, (sheet.title, header)
            for value in values:
                if isinstance(value, float):
                    assert round(value, 2) == value, (sheet.title, header, value)  # no 56.97205882352941
        if "Suppressed" in headers(sheet):  # a hidden row keeps its labels, never a figure or a count
            figures = {COLUMNS[c].header for view in contracts() for c in view.figures if c in COLUMNS} - {"Suppressed"}
            numeric = [h for h in headers(sheet) if h in figures]
            assert numeric, sheet.title
            for row in sheet.iter_rows(min_row=2, values_only=True):
                if row[headers(sheet).index("Suppressed")] == "Yes":
                    assert all(row[headers(sheet).index(h)] is None for h in numeric), (sheet.title, row)
    heatmap = workbook["Key measures by unit"]
    labels = set(column(heatmap, "Measure"))
    assert "Employee Engagement Index" in labels and not any(label.startswith("THEME:") for label in labels)
    whole = {"0", "#,##0", "+0;-0;0"}
    for table, sheet in zip(tables, workbook.worksheets[1:]):
        with open(out / f"{table}.csv", encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
        assert reader.fieldnames == headers(sheet), table
        for index, header in enumerate(headers(sheet)):
            values = {row[header] for row in rows}
            if sheet.cell(2, index + 1).number_format in whole:  # whole numbers: never "2024.0"
                assert all(v == "" or v.lstrip("-").isdigit() for v in values), (table, header, values)
            assert not values & {"True", "False"}, (table, header)
