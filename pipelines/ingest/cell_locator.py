"""Points a problem found in the mapped frame back at the supplier's own file: the sheet and Excel
cell (`Workforce!C17`) of a workbook, or the variable of an SPSS file.

The suite runs on the mapped frame, whose columns carry the contract's names; the person fixing
the file needs to find the cell in what they sent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.ingest.problems import Problem

SAFE_SHEET_NAME = re.compile(r"[A-Za-z0-9_]+")


def column_letter(index: int) -> str:
    """Excel's letters for the 0-based column `index` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def sheet_reference(name: str, position: int) -> str:
    """The sheet as a formula would name it; a name with odd characters is quoted, one with
    control characters (never typed by a person) is replaced by its position."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name) or not name.strip():
        return f"sheet{position + 1}"
    return name if SAFE_SHEET_NAME.fullmatch(name) else "'" + name.replace("'", "''") + "'"


@dataclass
class WorkbookLocator:
    sheet: str  # as sheet_reference writes it
    letters: dict[str, str] = field(default_factory=dict)  # contract column -> Excel column letter

    def cell(self, column: str, row: int) -> str:
        return f"{self.sheet}!{self.letters[column]}{row}"

    def annotate(self, problems: list[Problem]) -> list[Problem]:
        for problem in problems:
            if problem.column not in self.letters:
                problem.origin = problem.origin or f"sheet {self.sheet}"
            elif problem.rows:
                problem.cells = [self.cell(problem.column, row) for row in problem.rows]
            else:
                letter = self.letters[problem.column]
                problem.origin = f"{self.sheet}!{letter}:{letter}"
        return problems


@dataclass
class VariableLocator:
    """SPSS files have no cells: problems name the variable, and rows are case numbers."""
    variables: dict[str, str] = field(default_factory=dict)  # contract column -> SPSS variable

    def annotate(self, problems: list[Problem]) -> list[Problem]:
        for problem in problems:
            if problem.column in self.variables:
                problem.origin = f"SPSS variable {self.variables[problem.column]}" + (
                    "; rows are case numbers" if problem.rows else "")
        return problems


class NoLocator:
    """A CSV file: rows and the contract's column names already say where."""

    def annotate(self, problems: list[Problem]) -> list[Problem]:
        return problems
