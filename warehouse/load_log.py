"""The load log: one row per file we were handed, whatever became of it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from warehouse.db import table

# A file whose checksum reached one of these outcomes has been taken in already.
TAKEN_IN = ("loaded", "replaced")


def already_loaded(connection: Connection, source: str, checksum: str) -> bool:
    log = table(connection.engine, "load_log")
    found = connection.execute(sa.select(log.c.load_id).where(
        log.c.source == source, log.c.checksum == checksum, log.c.outcome.in_(TAKEN_IN)).limit(1)).first()
    return found is not None


def record(connection: Connection, *, source: str, file_name: str, checksum: str, outcome: str,
           wave: str | None = None, rows: int | None = None, message: str | None = None,
           report_path: str | None = None) -> int:
    log = table(connection.engine, "load_log")
    result = connection.execute(sa.insert(log).values(
        source=source, file_name=file_name, checksum=checksum, wave=wave, rows=rows, outcome=outcome,
        message=message, report_path=report_path, loaded_at=dt.datetime.now(dt.timezone.utc),
    ))
    return result.inserted_primary_key[0]


def set_outcome(connection: Connection, load_id: int, outcome: str) -> None:
    log = table(connection.engine, "load_log")
    connection.execute(sa.update(log).where(log.c.load_id == load_id).values(outcome=outcome))
