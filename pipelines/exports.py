"""The report's tables for HR as an .xlsx workbook and CSV files, safe to open in a spreadsheet.

A text cell that starts with = + - @ (or a tab or carriage return) would be run as a formula by
Excel or LibreOffice ("formula injection"); such cells are prefixed with a single quote. Numbers
stay numbers, so negative differences are untouched.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _spreadsheet_value(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return column.dt.tz_convert("UTC").dt.tz_localize(None)  # spreadsheets have no time zones: UTC
    return column.map(neutralise)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(_spreadsheet_value).rename(columns=neutralise)


def write_exports(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """One CSV per table and one workbook with a sheet per table. Returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    workbook = out_dir / "culture_report.xlsx"
    with pd.ExcelWriter(workbook, engine="openpyxl") as excel:
        for name, frame in tables.items():
            safe = safe_frame(frame)
            safe.to_excel(excel, sheet_name=name[:31], index=False)
            csv_path = out_dir / f"{name}.csv"
            safe.to_csv(csv_path, index=False)
            written.append(csv_path)
    return [workbook, *written]
