"""Survey waves as versions: a load stages a new version, publishing makes it current in one step.

The HR views read only the current version of each wave, so a corrected delivery never shows
half-old, half-new results.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from typing import Sequence

from sqlalchemy.engine import Connection

from warehouse.db import table


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def stage_wave(connection: Connection, *, source: str, org_code: str, wave: str, survey_year: int | None,
               load_id: int, respondents: int) -> int:
    waves = table(connection.engine, "survey_wave")
    result = connection.execute(sa.insert(waves).values(
        source=source, org_code=org_code, wave=wave, survey_year=survey_year, load_id=load_id,
        status="staged", respondents=respondents, created_at=_now(),
    ))
    return result.inserted_primary_key[0]


def set_delivered_at(connection: Connection, wave_id: int, delivered_at: str | None) -> None:
    """Record when the staged wave's file landed (ISO 8601), which decides which delivery is later."""
    if delivered_at is None:
        return
    waves = table(connection.engine, "survey_wave")
    connection.execute(sa.update(waves).where(waves.c.wave_id == wave_id).values(
        delivered_at=dt.datetime.fromisoformat(delivered_at)))


def _delivery_order(row) -> tuple:
    """Later delivery sorts higher: by landing time, then (same time, or none recorded) by id."""
    landed = row.delivered_at
    if landed is not None and landed.tzinfo is None:  # SQLite returns naive UTC
        landed = landed.replace(tzinfo=dt.timezone.utc)
    return (landed or dt.datetime.min.replace(tzinfo=dt.timezone.utc), row.wave_id)


def wave_row(connection: Connection, wave_id: int):
    waves = table(connection.engine, "survey_wave")
    row = connection.execute(sa.select(waves).where(waves.c.wave_id == wave_id)).one_or_none()
    if row is None:
        raise LookupError(f"survey wave id {wave_id} does not exist")
    return row


def _delete_wave_data(connection: Connection, wave_ids: list[int], data_tables: Sequence[str]) -> None:
    for name in data_tables:
        data = table(connection.engine, name)
        connection.execute(sa.delete(data).where(data.c.wave_id.in_(wave_ids)))


def publish_wave(connection: Connection, wave_id: int, data_tables: Sequence[str]) -> list[int]:
    """Make `wave_id` the current version of its wave unless a later delivery already is.

    `data_tables`: the tables holding a version's rows (its source's `wave_tables`), from which a
    superseded version is dropped.

    The latest delivery (the file that landed last, see `_delivery_order`) wins, whatever order
    concurrent runs load or publish in; earlier versions are superseded and their data dropped. Returns the load ids of the versions it
    replaced (so the load log can say so).
    """
    waves = table(connection.engine, "survey_wave")
    load_log = table(connection.engine, "load_log")
    row = wave_row(connection, wave_id)
    if row.status != "staged":  # already published, or superseded by a later delivery
        return []
    others = connection.execute(sa.select(waves.c.wave_id, waves.c.status, waves.c.load_id, waves.c.delivered_at).where(
        waves.c.source == row.source, waves.c.org_code == row.org_code, waves.c.wave == row.wave,
        waves.c.wave_id != wave_id, waves.c.status.in_(("current", "staged")),
    )).all()
    this = _delivery_order(row)
    if any(_delivery_order(o) > this and o.status == "current" for o in others):
        _supersede(connection, [wave_id], data_tables)
        connection.execute(sa.update(load_log).where(load_log.c.load_id == row.load_id).values(outcome="replaced"))
        return []
    older = [o for o in others if _delivery_order(o) < this]
    if older:
        _supersede(connection, [o.wave_id for o in older], data_tables)
    replaced = [o.load_id for o in older if o.status == "current"]
    if replaced:
        connection.execute(sa.update(load_log).where(load_log.c.load_id.in_(replaced)).values(outcome="replaced"))
    connection.execute(sa.update(waves).where(waves.c.wave_id == wave_id).values(status="current", published_at=_now()))
    connection.execute(sa.update(load_log).where(load_log.c.load_id == row.load_id).values(outcome="loaded"))
    return replaced


def withhold_wave(connection: Connection, wave_id: int, reason: str) -> None:
    """A computed wave that must not be published: it stays out of every view, and its delivery's
    load-log row says why (no figures or identifiers in the reason)."""
    waves = table(connection.engine, "survey_wave")
    load_log = table(connection.engine, "load_log")
    row = wave_row(connection, wave_id)
    connection.execute(sa.update(waves).where(waves.c.wave_id == wave_id).values(status="withheld"))
    connection.execute(sa.update(load_log).where(load_log.c.load_id == row.load_id).values(
        outcome="withheld", message=reason))


def _supersede(connection: Connection, wave_ids: list[int], data_tables: Sequence[str]) -> None:
    waves = table(connection.engine, "survey_wave")
    _delete_wave_data(connection, wave_ids, data_tables)
    connection.execute(sa.update(waves).where(waves.c.wave_id.in_(wave_ids)).values(status="superseded"))


def staged_wave_of_load(connection: Connection, load_id: int) -> int | None:
    waves = table(connection.engine, "survey_wave")
    row = connection.execute(sa.select(waves.c.wave_id).where(waves.c.load_id == load_id, waves.c.status == "staged")).first()
    return row.wave_id if row else None


def current_waves(connection: Connection, source: str, org_code: str) -> list:
    waves = table(connection.engine, "survey_wave")
    return connection.execute(sa.select(waves).where(
        waves.c.source == source, waves.c.org_code == org_code, waves.c.status == "current",
    ).order_by(waves.c.survey_year, waves.c.wave)).all()  # years for annual waves, pulse ids for pulses
