"""Purges raw free text after its retention period; redacted comments and themes stay."""
from __future__ import annotations

import datetime as dt
from typing import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipelines.shared.free_text import RawComments
from warehouse.db import table


def purge_raw_text(engine: Engine, older_than_days: int, sources: Sequence[RawComments]) -> dict[str, int]:
    """Delete raw comments loaded more than N days ago from every table of `sources` (where each
    source with free text keeps it, pipelines.ingest.sources.comment_sources()), and flagged ones.

    A comment table's rows belong to a survey wave version (`wave_id`) or to a delivery (`load_id`):
    they are as old as that wave or load."""
    if older_than_days < 0:
        raise ValueError("the retention period cannot be negative")
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=older_than_days)
    waves = table(engine, "survey_wave")
    log = table(engine, "load_log")
    flagged = table(engine, "raw_flagged_comment")
    old_waves = sa.select(waves.c.wave_id).where(waves.c.created_at < cutoff)
    old_loads = sa.select(log.c.load_id).where(log.c.loaded_at < cutoff)
    deleted = {}
    with engine.begin() as connection:
        for name in dict.fromkeys(source.table for source in sources):
            comments = table(engine, name)
            old = comments.c.wave_id.in_(old_waves) if "wave_id" in comments.c else comments.c.load_id.in_(old_loads)
            deleted[name] = connection.execute(sa.delete(comments).where(old)).rowcount
        deleted["raw_flagged_comment"] = connection.execute(sa.delete(flagged).where(flagged.c.flagged_at < cutoff)).rowcount
    return deleted
