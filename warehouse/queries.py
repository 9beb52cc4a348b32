"""Read-side queries over the HR-facing views (the same views analysts query)."""
from __future__ import annotations

import math

import sqlalchemy as sa
from sqlalchemy.engine import Engine

HEADLINE_MEASURES = (
    "EEI", "B33", "B34", "E03_yes", "E05_yes", "E01_yes", "B57", "W10",
    "THEME:resources_workload", "THEME:inclusion_fair_treatment", "THEME:leadership_change",
)


def round_half_up(value: float) -> int:
    """Whole-number display rounding (methodology: round only at the last step)."""
    return int(math.floor(value + 0.5))


def latest_wave(engine: Engine) -> tuple[str, str] | None:
    with engine.connect() as connection:
        row = connection.execute(sa.text(
            "SELECT org_code, wave FROM hr_survey_results GROUP BY org_code, wave ORDER BY wave DESC LIMIT 1")).first()
    return (row.org_code, row.wave) if row else None


def headline_rows(engine: Engine, org_code: str, wave: str) -> list[dict]:
    query = sa.text(
        "SELECT measure, measure_label, value, respondents, benchmark, benchmark_year, diff_pp, significant, "
        "change_pp, change_significant FROM hr_survey_results "
        "WHERE org_code = :org AND wave = :wave AND unit_code IS NULL AND breakdown = 'all'"
    )
    with engine.connect() as connection:
        rows = {r.measure: r._asdict() for r in connection.execute(query, {"org": org_code, "wave": wave})}
    return [rows[m] for m in HEADLINE_MEASURES if m in rows]


def format_headlines(rows: list[dict], org_code: str, wave: str) -> str:
    """A fixed-width table: value vs Civil Service benchmark, difference, change since last wave."""
    lines = [f"Headline measures for {org_code}, people survey {wave} (whole organisation)",
             f"{'measure':<44}{'value':>6}{'CS bmk':>8}{'diff':>7}{'vs last':>9}{'n':>7}"]
    for row in rows:
        def whole(x):
            return "-" if x is None else f"{round_half_up(x)}"

        def signed(x, significant):
            if x is None:
                return "-"
            mark = "*" if significant else " "
            return f"{round_half_up(x):+d}{mark}"

        label = f"{row['measure']} {row['measure_label'] or ''}"[:43]
        lines.append(f"{label:<44}{whole(row['value']):>6}{whole(row['benchmark']):>8}"
                     f"{signed(row['diff_pp'], row['significant']):>7}{signed(row['change_pp'], row['change_significant']):>9}"
                     f"{whole(row['respondents']):>7}")
    lines.append("Values are % positive (EEI and themes: 0-100 scores); diff = value - Civil Service benchmark "
                 "(median of organisations) in points; * = statistically significant at 95%.")
    return "\n".join(lines)
