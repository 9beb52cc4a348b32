"""The hr_* views, each kept as a readable SQL file with a contract beside it (warehouse/views/).

`<view>.sql` says how the rows are made; `<view>.yml` documents the grain and the columns and
holds the view's data tests (run by tests/test_view_contracts.py). Every column the contract marks
`figure` is hidden on a suppressed row: the rule is applied here, once, for every view, by wrapping
the file's SELECT, so no view can forget a column (counts included).

A change to a view file ships with a new migration that calls `recreate_views()`; a view holds no
data, so recreating every view from the files is always safe.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VIEWS_DIR = Path(__file__).resolve().parent / "views"
# Creation order: a view comes after the views it reads (dimensions first).
VIEW_ORDER = (
    "hr_units", "hr_measures", "hr_grades", "hr_periods",
    "hr_survey_results", "hr_pulse_results",
    "hr_comment_themes", "hr_comment_theme_trends", "hr_comments",
    "hr_leaving_rates", "hr_leaver_reasons", "hr_stay_factors",
    "hr_key_drivers", "hr_focus_areas", "hr_improvement_tracker", "hr_retention_risk",
)
SUPPRESSION_FLAG = "suppressed"


@dataclass(frozen=True)
class ViewContract:
    name: str
    select_sql: str
    spec: dict

    @property
    def columns(self) -> list[str]:
        return [c["name"] for c in self.spec["columns"]]

    @property
    def figures(self) -> list[str]:
        """Columns that are the group's published figures: NULL whenever the row is suppressed."""
        return [c["name"] for c in self.spec["columns"] if c.get("role") == "figure"]

    @property
    def grain(self) -> list[str]:
        return list(self.spec["grain"])

    def create_sql(self) -> str:
        if not self.figures:
            listed = ",\n       ".join(self.columns)
        else:
            if SUPPRESSION_FLAG not in self.columns:
                raise ValueError(f"{self.name}: figure columns need a `{SUPPRESSION_FLAG}` column to hide them by")
            listed = ",\n       ".join(
                f"CASE WHEN {SUPPRESSION_FLAG} THEN NULL ELSE {c} END AS {c}" if c in self.figures else c
                for c in self.columns)
        body = self.select_sql.strip().rstrip(";")
        return f"CREATE VIEW {self.name} AS\nSELECT {listed}\nFROM (\n{body}\n) AS unprotected"


@lru_cache(maxsize=None)
def contract(name: str) -> ViewContract:
    sql = (VIEWS_DIR / f"{name}.sql").read_text(encoding="utf-8")
    spec = yaml.safe_load((VIEWS_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    if spec.get("view") != name:
        raise ValueError(f"{name}.yml describes view {spec.get('view')!r}")
    return ViewContract(name, sql, spec)


def contracts() -> list[ViewContract]:
    return [contract(name) for name in VIEW_ORDER]


# Views whose file now reads columns a later migration added: the definition before it, by that
# migration's revision. A migration older than the revision passes `as_of` (its own revision) and
# gets the earlier text, since PostgreSQL will not create a view over a column not there yet.
EARLIER_VIEWS: dict[str, dict[str, str]] = {
    "0025": {"hr_comments": "CREATE VIEW hr_comments AS\nSELECT source, wave, question, reportable_unit_code AS unit_code, "
                            "theme, themes, theme_similarity, topic, redacted_text\nFROM comment\nWHERE NOT flagged"},
    "0024": {"hr_comments": "CREATE VIEW hr_comments AS\nSELECT source, wave, question, reportable_unit_code AS unit_code, "
                            "theme, theme_similarity, topic, redacted_text\nFROM comment\nWHERE NOT flagged"},
}


def create_views(execute, names=None, as_of: str | None = None) -> None:
    """Create the views `names` (default: every view) from the files, in creation order; `execute`
    runs one SQL statement (op.execute in a migration). A migration older than a view names the
    views of its time, since PostgreSQL will not create a view over a table that does not exist yet,
    and passes its revision as `as_of` (see EARLIER_VIEWS)."""
    earlier = {}
    for revision, views in sorted(EARLIER_VIEWS.items(), reverse=True):
        if as_of is not None and as_of < revision:
            earlier.update(views)  # the oldest definition still later than as_of wins
    for view in contracts():
        if names is None or view.name in names:
            execute(earlier.get(view.name) or view.create_sql())


def drop_views(execute, names=None) -> None:
    for name in reversed(names or VIEW_ORDER):
        execute(f"DROP VIEW IF EXISTS {name}")


def recreate_views(execute, as_of: str | None = None) -> None:
    drop_views(execute)
    create_views(execute, as_of=as_of)
