"""What exit and stay interviews share: identifiers unique across deliveries, code lists, comments."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines.ingest.sources.common import first_unknown_code, optional, text_columns
from pipelines.shared.free_text import RawComments
from warehouse.db import table

# The Asset updated when the interview figures are rebuilt (after either source's loads).
INTERVIEW_RESULTS = "interview_results"


def interview_comments(source: str, interviews: str, id_column: str) -> RawComments:
    """An interview source's comments, reported by the quarter of the interview."""
    return RawComments("raw_interview_comment", f"""
        SELECT c.source, i.interview_date AS wave, c.interview_id AS respondent_id, c.question, c.text, i.unit_code
        FROM raw_interview_comment c JOIN {interviews} i ON i.{id_column} = c.interview_id
        WHERE c.source = '{source}'""", wave_is_date=True)


def loaded_identifiers(connection: Connection, table_name: str, column: str, frame: pd.DataFrame) -> list[str]:
    """Identifiers of this file that an earlier delivery already brought."""
    if column not in frame:
        return []
    target = table(connection.engine, table_name)
    wanted = [v for v in frame[column].unique() if v]
    found: list[str] = []
    for start in range(0, len(wanted), 5000):  # keep IN lists a reasonable size
        chunk = wanted[start:start + 5000]
        found += [r[0] for r in connection.execute(sa.select(target.c[column]).where(target.c[column].in_(chunk)))]
    return found


def unknown_codes(frame: pd.DataFrame, column: str, allowed: set[str]) -> pd.Series:
    return first_unknown_code(optional(frame, column), allowed)


def insert_comments(connection: Connection, source: str, frame: pd.DataFrame, id_column: str, load_id: int) -> None:
    comments = [
        {"source": source, "interview_id": identifier, "question": column, "load_id": load_id, "text": text}
        for column in text_columns(frame)
        for identifier, text in zip(frame[id_column], frame[column]) if text
    ]
    if comments:
        connection.execute(sa.insert(table(connection.engine, "raw_interview_comment")), comments)
