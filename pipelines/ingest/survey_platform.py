"""Recognises the extra header rows survey platforms put under the column names of a CSV export.

A Qualtrics export has three header rows: the column names, each question's text, and a row of
import ids (`{"ImportId":"QID12"}`). The import-id row is unmistakable, and everything between it
and the column names is the platform's description of the columns, not answers.
"""
from __future__ import annotations

import re

IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')
# The import-id row comes this soon after the column names, or the file is not such an export.
MAX_EXTRA_ROWS = 3


def extra_header_rows(rows: list[list[str]]) -> int:
    """How many rows after the column names (rows[0]) are platform headers; 0 for a plain CSV."""
    for offset, row in enumerate(rows[1:MAX_EXTRA_ROWS + 1], start=1):
        filled = [cell.strip() for cell in row if cell.strip()]
        if filled and sum(bool(IMPORT_ID.match(cell)) for cell in filled) * 2 >= len(filled):
            return offset
    return 0
