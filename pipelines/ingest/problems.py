"""What is wrong with a delivered file, in terms a person can act on."""
from __future__ import annotations

from dataclasses import dataclass, field

MAX_ROWS_LISTED = 10


@dataclass
class Problem:
    rule: str
    message: str
    column: str | None = None
    rows: list[int] = field(default_factory=list)  # spreadsheet rows: the header is row 1
    count: int = 0
    # Where the supplier's own file shows it, for workbooks and SPSS files: Excel cell references
    # (`Workforce!C17`, listed instead of rows) and the supplier's column or variable.
    cells: list[str] = field(default_factory=list)
    origin: str | None = None

    def describe(self) -> str:
        where = f"column {self.column}" if self.column else ""
        if self.origin:
            where += f" ({self.origin})" if where else self.origin
        if self.cells:
            listed = ", ".join(self.cells)
            more = f" and {self.count - len(self.cells)} more" if self.count > len(self.cells) else ""
            where += f"{', ' if where else ''}cell{'s' if self.count > 1 else ''} {listed}{more}"
        elif self.rows:
            listed = ", ".join(str(r) for r in self.rows)
            more = f" and {self.count - len(self.rows)} more" if self.count > len(self.rows) else ""
            where += f"{', ' if where else ''}row{'s' if self.count > 1 else ''} {listed}{more}"
        return f"[{self.rule}] {where + ': ' if where else ''}{self.message}"

    @classmethod
    def from_dict(cls, described: dict) -> "Problem":
        return cls(rule=described["rule"], message=described["message"], column=described.get("column"),
                   rows=list(described.get("rows") or []), count=described.get("row_count") or 0,
                   cells=list(described.get("cells") or []), origin=described.get("origin"))

    def as_dict(self) -> dict:
        described = {"rule": self.rule, "column": self.column, "rows": self.rows, "row_count": self.count,
                     "message": self.message}
        if self.cells or self.origin:
            described.update(cells=self.cells, origin=self.origin)
        return described


def problem_at_rows(rule: str, message: str, column: str | None, row_positions) -> Problem:
    """A problem at the given 0-based data-row positions, listing the first few as spreadsheet rows."""
    positions = list(row_positions)
    return Problem(rule=rule, message=message, column=column,
                   rows=[int(p) + 2 for p in positions[:MAX_ROWS_LISTED]], count=len(positions))


class FileRejected(Exception):
    """A delivered file breaks its contract; nothing from it may be loaded."""

    def __init__(self, file_name: str, problems: list[Problem]):
        self.file_name = file_name
        self.problems = problems
        super().__init__(self.summary())

    def summary(self) -> str:
        return f"{self.file_name}: {summarise(self.problems)}"


def summarise(problems: list[Problem]) -> str:
    """The first problem in full, and how many more there are."""
    first = problems[0].describe() if problems else "unknown problem"
    more = len(problems) - 1
    return first + (f" (+{more} more problem{'s' if more > 1 else ''})" if more else "")
