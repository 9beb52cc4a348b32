"""A few redacted comments per theme, for the organisation or one directorate, where the disclosure
rules allow: only from theme cells that `hr_comment_themes` publishes (not suppressed, at least the
minimum number of comments on the theme), only from `hr_comments` (redacted, never flagged), and
only the latest wave of each source. The choice is stable from run to run (ordered by a hash of the
text), so a re-run does not show a different handful.
"""
from __future__ import annotations

import hashlib

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

PER_THEME = 3
MAX_CHARACTERS = 600


def _stable_order(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sample_comments(engine: Engine, min_group_size: int, unit_code: str | None = None,
                    per_theme: int = PER_THEME) -> pd.DataFrame:
    """source, wave, theme, theme_comments, text: up to `per_theme` comments per published theme cell."""
    unit_filter = "t.unit_code IS NULL" if unit_code is None else "t.unit_code = :unit"
    comment_unit = "" if unit_code is None else "AND c.unit_code = :unit"
    sql = f"""
        SELECT t.source, t.wave, t.question, t.theme, t.theme_comments, c.redacted_text AS text
        FROM hr_comment_themes t
        JOIN (SELECT source, MAX(wave) AS wave FROM hr_comment_themes GROUP BY source) latest
          ON latest.source = t.source AND latest.wave = t.wave
        JOIN hr_comments c ON c.source = t.source AND c.wave = t.wave AND c.question = t.question
                          AND c.theme = t.theme {comment_unit}
        WHERE {unit_filter} AND NOT t.suppressed AND t.theme_comments >= :k"""
    params = {"k": min_group_size, **({} if unit_code is None else {"unit": unit_code})}
    with engine.connect() as connection:
        rows = pd.read_sql(sa.text(sql), connection, params=params)
    if rows.empty:
        return pd.DataFrame(columns=["source", "wave", "theme", "theme_comments", "text"])
    rows = rows.assign(text=rows["text"].astype(str).str.strip()).drop_duplicates(["source", "theme", "text"])
    rows = rows[rows["text"] != ""]
    rows["order"] = rows["text"].map(_stable_order)
    counts = rows.groupby(["source", "theme"])["theme_comments"].transform("max")
    picked = rows.assign(theme_comments=counts).sort_values(["source", "theme", "order"]).groupby(["source", "theme"]).head(per_theme)
    picked["text"] = [t if len(t) <= MAX_CHARACTERS else t[:MAX_CHARACTERS].rsplit(" ", 1)[0] + " …" for t in picked["text"]]
    return picked[["source", "wave", "theme", "theme_comments", "text"]].reset_index(drop=True)
