"""The load log: one row per file we were handed, whatever became of it."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines.shared.faults import PipelineFault
from warehouse.db import table

# A file whose checksum reached one of these outcomes has been taken in already.
TAKEN_IN = ("loaded", "replaced")


def previous_load(connection: Connection, source: str, checksum: str):
    """The most relevant earlier load of this exact file: taken in, else one left half-way ('staged')."""
    log = table(connection.engine, "load_log")
    rows = connection.execute(sa.select(log.c.load_id, log.c.outcome, log.c.wave, log.c.rows).where(
        log.c.source == source, log.c.checksum == checksum, log.c.outcome.in_(TAKEN_IN + ("staged",)))
        .order_by(log.c.load_id.desc())).all()
    taken = [r for r in rows if r.outcome in TAKEN_IN]
    return taken[0] if taken else (rows[0] if rows else None)


class MissingLock(PipelineFault):
    """A writer asked for a lock that no migration created: without its row nothing would be locked."""


def lock_source(connection: Connection, source: str) -> None:
    """Serialise writers of one source until this transaction ends (a row lock on PostgreSQL,
    the database write lock on SQLite). Call it first, before any read the writer relies on."""
    lock = table(connection.engine, "ingest_lock")
    hit = connection.execute(
        sa.update(lock).where(lock.c.source == source).values(locked_at=dt.datetime.now(dt.timezone.utc))).rowcount
    # An UPDATE that matches no row locks nothing on PostgreSQL, so two writers would run at once
    # unnoticed: refuse instead. The cure is a migration that inserts the source's ingest_lock row.
    if hit != 1:
        raise MissingLock(f"no ingest_lock row for {source!r}: the warehouse cannot serialise its writers; "
                          "`culture init` adds the row of every registered source")


def ensure_locks(connection: Connection, sources: list[str]) -> list[str]:
    """Add the ingest_lock row of each source that has none (a source registered after the
    migrations that seeded the first ones). Returns the sources added."""
    lock = table(connection.engine, "ingest_lock")
    present = set(connection.execute(sa.select(lock.c.source)).scalars())
    missing = [source for source in dict.fromkeys(sources) if source not in present]
    if missing:
        connection.execute(sa.insert(lock), [{"source": source} for source in missing])
    return missing


def record(connection: Connection, *, source: str, file_name: str, checksum: str, outcome: str,
           wave: str | None = None, rows: int | None = None, message: str | None = None,
           report_path: str | None = None, delivered_at: str | None = None) -> int:
    log = table(connection.engine, "load_log")
    result = connection.execute(sa.insert(log).values(
        source=source, file_name=file_name, checksum=checksum, wave=wave, rows=rows, outcome=outcome,
        message=message, report_path=report_path, loaded_at=dt.datetime.now(dt.timezone.utc),
        delivered_at=dt.datetime.fromisoformat(delivered_at) if delivered_at else None,
    ))
    return result.inserted_primary_key[0]


class OlderDelivery(Exception):
    """What this file would replace came from a file that landed later: the later delivery wins."""


def _delivery_order(delivered_at, load_id: int) -> tuple:
    """Later delivery sorts higher: by landing time, then (same time, or none recorded) by load id."""
    if delivered_at is not None and delivered_at.tzinfo is None:  # SQLite returns naive UTC
        delivered_at = delivered_at.replace(tzinfo=dt.timezone.utc)
    return delivered_at or dt.datetime.min.replace(tzinfo=dt.timezone.utc), load_id


def refuse_if_delivered_later(connection: Connection, load_id: int, replaced_load_ids) -> None:
    """Raise OlderDelivery if any load this one would replace came from a later delivery."""
    log = table(connection.engine, "load_log")
    ids = {int(i) for i in replaced_load_ids if i is not None} | {load_id}
    rows = connection.execute(sa.select(log.c.load_id, log.c.delivered_at).where(log.c.load_id.in_(ids))).all()
    order = {r.load_id: _delivery_order(r.delivered_at, r.load_id) for r in rows}
    if any(order[i] > order[load_id] for i in ids - {load_id} if i in order):
        raise OlderDelivery()


def set_outcome(connection: Connection, load_id: int, outcome: str) -> None:
    log = table(connection.engine, "load_log")
    connection.execute(sa.update(log).where(log.c.load_id == load_id).values(outcome=outcome))


def mark_interrupted(connection: Connection, source: str, checksum: str, load_id: int) -> None:
    """Earlier attempts at this file still 'loading' died half-way (their writes rolled back).
    Call it holding the source's lock, when no other writer of the source can be mid-load."""
    log = table(connection.engine, "load_log")
    connection.execute(sa.update(log).where(
        log.c.source == source, log.c.checksum == checksum, log.c.outcome == "loading", log.c.load_id != load_id,
    ).values(outcome="interrupted"))


def forget(connection: Connection, load_id: int) -> None:
    """Drop an attempt's row when the attempt ends in a verdict of its own (or found nothing to do)."""
    log = table(connection.engine, "load_log")
    connection.execute(sa.delete(log).where(log.c.load_id == load_id))
