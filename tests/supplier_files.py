"""Writes the contract's sample CSVs as suppliers send them: Excel workbooks (openpyxl) and SPSS
files (pyreadstat), with the cell types those tools really write."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat

from pipelines.ingest.landing_excel import DATE_COLUMNS, TEXT_CODE_COLUMNS
from pipelines.ingest.landing_spss import contract_labels

WHOLE = re.compile(r"-?\d+")
DECIMAL = re.compile(r"-?\d+\.\d+")


def sample_frame(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def typed_cell(column: str, value: str):
    """What a person typing `value` into Excel ends up with in the cell."""
    if value == "":
        return None
    if column in DATE_COLUMNS and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return dt.date.fromisoformat(value)
    if column in TEXT_CODE_COLUMNS or column.startswith("text_"):
        return value
    if WHOLE.fullmatch(value):
        return int(value)
    if DECIMAL.fullmatch(value):
        return float(value)
    return value


TITLE_ROWS = 2  # a title and a blank row above the header, as report-style exports have


def write_workbook(frame: pd.DataFrame, target: Path, sheet: str = "Data") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append([f"{sheet} export"])
    worksheet.append([])
    worksheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        worksheet.append([typed_cell(column, value) for column, value in zip(frame.columns, row)])
    workbook.save(target)
    return target


def excel_row(data_position: int) -> int:
    """The Excel row of the data row at 0-based `data_position` in a write_workbook sheet."""
    return TITLE_ROWS + 2 + data_position


def set_cell(path: Path, reference: str, value) -> Path:
    workbook = openpyxl.load_workbook(path)
    workbook.active[reference] = value
    workbook.save(path)
    return path


SPSS_TEXT_COLUMNS = ("respondent_id", "org_code", "unit_code", "grade", "work_location")


def write_spss(frame: pd.DataFrame, target: Path, renamed: dict[str, str] | None = None,
               labels_override: dict[str, dict] | None = None) -> Path:
    """The survey as an SPSS file: codes numeric with the contract's value labels, text as strings.
    `renamed` maps contract columns to the supplier's variable names."""
    renamed = renamed or {}
    data, labels = {}, {}
    for column in frame.columns:
        variable = renamed.get(column, column)
        if column in SPSS_TEXT_COLUMNS or column.startswith("text_"):
            data[variable] = frame[column]
        else:
            data[variable] = pd.to_numeric(frame[column].replace("", None), errors="raise").astype(float)
            if contract_labels(column):
                labels[variable] = {float(code): label for code, label in contract_labels(column).items()}
    labels.update(labels_override or {})
    pyreadstat.write_sav(pd.DataFrame(data), str(target), variable_value_labels=labels)
    return target
