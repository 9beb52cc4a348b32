"""Reads a landed Excel workbook (.xlsx) into the same frame of trimmed strings as a CSV.

Workbooks mangle data in ways a CSV does not: a code typed as 007 becomes the number 7, an entry
like 1/2 becomes a date, every number is a float. Cells are therefore read with their types
(python-calamine, fast enough for a 350,000-row sheet) and each is turned into the contract's
text by what its column is: dates in date columns become ISO dates, whole numbers lose their
`.0`; a date or a number where a code belongs is rejected with its sheet and cell, never guessed.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from pipelines.ingest.cell_locator import WorkbookLocator, column_letter, sheet_reference
from pipelines.ingest.column_mapping import ColumnMapping
from pipelines.ingest.landing_csv import open_regular
from pipelines.ingest.problems import MAX_ROWS_LISTED, FileRejected, Problem

# Title rows a report-style export puts above the header are skipped; the header is looked for
# this far down.
HEADER_SEARCH_ROWS = 30

DATE_COLUMNS = frozenset({"valid_from", "snapshot_date", "response_date", "interview_date", "leaving_date"})
# Codes and identifiers that are text even when they look like numbers: as a number cell they
# may have lost leading zeros (007 -> 7), so a number there is rejected rather than trusted.
TEXT_CODE_COLUMNS = frozenset({
    "unit_code", "parent_code", "org_code", "respondent_id", "leaver_id", "interview_id", "grade",
    "primary_reason", "other_reasons", "stay_factors", "leave_risks", "pulse_id",
})

NUMBER_IN_CODE = ("code_is_text", "a number where a code belongs: Excel drops leading zeros (007 becomes 7); "
                  "format the column as Text and enter the codes again")
DATE_IN_CODE = ("date_where_code_expected", "a date where a code or number belongs: Excel turned an entry "
                "such as 1/2 into a date; format the column as Text and enter the values again")
BOOLEAN_CELL = ("no_boolean_cells", "a TRUE/FALSE cell where a code or number belongs")


def _workbook(path: Path) -> CalamineWorkbook:
    with open_regular(path) as handle:
        data = handle.read()
    if not data.strip():
        raise FileRejected(path.name, [Problem("file_not_empty", "the file is empty")])
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError):
        raise FileRejected(path.name, [Problem(
            "file_is_workbook", "the file is not a readable .xlsx workbook (save it again as Excel Workbook)")]) from None


def _chosen_sheet(path: Path, workbook: CalamineWorkbook, wanted: str | None) -> tuple[str, int]:
    worksheets = [s.name for s in workbook.sheets_metadata if "WorkSheet" in str(s.typ)]
    if wanted is not None:
        if wanted not in worksheets:
            raise FileRejected(path.name, [Problem(
                "sheet_present", "the workbook has no sheet of the name given in the column mapping")])
        return wanted, workbook.sheet_names.index(wanted)
    if len(worksheets) != 1:
        raise FileRejected(path.name, [Problem(
            "one_sheet", f"the workbook has {len(worksheets)} sheets; name the one to read (`sheet:` in a column "
            "mapping file) or deliver a workbook with one sheet")])
    return worksheets[0], workbook.sheet_names.index(worksheets[0])


def _header_row(rows: list[list], canonical) -> int:
    """The first row (of the first few) naming at least two contract columns, or one if the sheet
    has a single column: rows above it are titles."""
    for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = [canonical(c) for c in row if isinstance(c, str) and c.strip()]
        known = [n for n in names if n is not None]
        if len(known) >= 2 or (known and len(names) == 1):
            return number
    return -1


def _as_text(value, column: str):
    """The cell as contract text, or the (rule, message) of why it cannot be taken."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return BOOLEAN_CELL
    if isinstance(value, (dt.date, dt.datetime)):
        if column in DATE_COLUMNS:
            return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
        return DATE_IN_CODE
    if isinstance(value, (dt.time, dt.timedelta)):
        return DATE_IN_CODE
    if isinstance(value, (int, float)):
        if column in TEXT_CODE_COLUMNS:
            return NUMBER_IN_CODE
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value).strip()


def read_landed_workbook(path: Path, canonical_name, mapping: ColumnMapping) -> tuple[pd.DataFrame, list[str], WorkbookLocator]:
    """The chosen sheet as a frame of trimmed strings, like read_landed_csv; the frame's index is
    the Excel row number less 2, so that the row numbers in problems are the rows Excel shows."""
    workbook = _workbook(path)
    sheet_name, position = _chosen_sheet(path, workbook, mapping.sheet)
    rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    canonical = lambda header: canonical_name(mapping.header(header))  # noqa: E731
    header_at = _header_row(rows, canonical)
    if header_at < 0:
        raise FileRejected(path.name, [Problem(
            "header_present", f"no header row naming the contract's columns in the first {HEADER_SEARCH_ROWS} rows of the sheet")])
    locator = WorkbookLocator(sheet_reference(sheet_name, position))
    header = [c.strip() if isinstance(c, str) else "" for c in rows[header_at]]
    names, extras = {}, []
    for index, raw in enumerate(header):
        if not raw:
            continue
        name = canonical(raw)
        if name is None:
            extras.append(raw)
        elif name in locator.letters:
            raise FileRejected(path.name, [Problem("unique_columns", f"column {name} appears twice in the header", name)])
        else:
            names[index] = name
            locator.letters[name] = column_letter(index)
    first_row = header_at + 1  # 0-based list position of the first data row
    body = [(number, row) for number, row in enumerate(rows[first_row:], start=first_row)
            if any(not (isinstance(c, str) and not c.strip()) for c in row)]
    if not body:
        raise FileRejected(path.name, [Problem("has_data_rows", "the sheet has a header but no data rows")])
    columns: dict[str, list] = {name: [] for name in names.values()}
    refused: dict[tuple[str, str, str], list[int]] = {}
    for number, row in body:
        for index, name in names.items():
            text = _as_text(row[index] if index < len(row) else "", name)
            if isinstance(text, tuple):
                refused.setdefault((*text, name), []).append(number + 1)
                text = ""
            columns[name].append(text)
    if refused:
        raise FileRejected(path.name, [
            Problem(rule, message, name, rows=excel_rows[:MAX_ROWS_LISTED], count=len(excel_rows),
                    cells=[locator.cell(name, r) for r in excel_rows[:MAX_ROWS_LISTED]])
            for (rule, message, name), excel_rows in refused.items()])
    frame = pd.DataFrame(columns, index=pd.Index([number - 1 for number, _ in body]), dtype=object)
    return mapping.recode(frame), extras, locator
