"""Purges raw free text after its retention period; redacted comments and themes stay."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from warehouse.db import table


def purge_raw_text(engine: Engine, older_than_days: int) -> dict[str, int]:
    """Delete raw comments (surveys, pulses, interviews, flagged) loaded more than N days ago."""
    if older_than_days < 0:
        raise ValueError("the retention period cannot be negative")
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=older_than_days)
    waves = table(engine, "survey_wave")
    log = table(engine, "load_log")
    survey_comments = table(engine, "raw_survey_comment")
    interview_comments = table(engine, "raw_interview_comment")
    flagged = table(engine, "raw_flagged_comment")
    with engine.begin() as connection:
        old_waves = sa.select(waves.c.wave_id).where(waves.c.created_at < cutoff)
        old_loads = sa.select(log.c.load_id).where(log.c.loaded_at < cutoff)
        return {
            "raw_survey_comment": connection.execute(
                sa.delete(survey_comments).where(survey_comments.c.wave_id.in_(old_waves))).rowcount,
            "raw_interview_comment": connection.execute(
                sa.delete(interview_comments).where(interview_comments.c.load_id.in_(old_loads))).rowcount,
            "raw_flagged_comment": connection.execute(sa.delete(flagged).where(flagged.c.flagged_at < cutoff)).rowcount,
        }
