"""Computed figures of a survey wave (annual or pulse): stored per wave version, and the change
since the organisation's previous current wave, refreshed when a wave is published."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipelines.measures import significance
from pipelines.disclosure.audit import AuditedView, DisclosureAuditFailed, audit_wave
from warehouse import load_log, waves
from warehouse.bulk import bulk_insert
from warehouse.db import table

CELL_KEY = ["unit_code", "breakdown", "group_value", "measure"]
CHANGE_COLUMNS = ["previous_value", "change_pp", "change_significant"]


@dataclass(frozen=True)
class FactTable:
    name: str
    columns: tuple[str, ...]
    value: str  # the figure whose change is reported
    size: str  # the sample size its significance test uses

    def replace(self, connection: Connection, wave_id: int, cells: pd.DataFrame) -> None:
        facts = table(connection.engine, self.name)
        connection.execute(sa.delete(facts).where(facts.c.wave_id == wave_id))
        bulk_insert(connection, self.name, cells[list(self.columns)])

    def read(self, connection: Connection, wave_id: int) -> pd.DataFrame:
        facts = table(connection.engine, self.name)
        return pd.read_sql(sa.select(facts).where(facts.c.wave_id == wave_id), connection)

    def with_changes(self, current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
        current = current.drop(columns=CHANGE_COLUMNS)
        if previous is None or previous.empty:
            return current.assign(previous_value=None, change_pp=None, change_significant=None)
        earlier = previous[CELL_KEY + [self.value, self.size, "suppressed"]].rename(columns={
            self.value: "previous_value", self.size: "previous_size", "suppressed": "previous_suppressed"})
        # NULL keys (the whole organisation, 'all' breakdown) must match each other in the merge.
        merged = current.fillna({"unit_code": "", "group_value": ""}).merge(
            earlier.fillna({"unit_code": "", "group_value": ""}), on=CELL_KEY, how="left")
        merged[["unit_code", "group_value"]] = merged[["unit_code", "group_value"]].replace("", None)
        # A change against a suppressed earlier figure would reveal it.
        hidden = merged["previous_suppressed"].fillna(True).astype(bool)
        merged.loc[hidden, "previous_value"] = np.nan
        merged["change_pp"] = merged[self.value] - merged["previous_value"]
        merged["change_significant"] = significance.two_proportion_significant(
            merged[self.value], merged[self.size], merged["previous_value"], merged["previous_size"])
        merged["change_significant"] = merged["change_significant"].where(merged["previous_value"].notna(), None)
        return merged.drop(columns=["previous_size", "previous_suppressed"])

    def publish(self, engine: Engine, wave_id: int, source: str, min_group_size: int,
                wave_tables: Sequence[str], audited: AuditedView) -> list[int]:
        """Make a computed wave current, then refresh its change and the next wave's (which now
        compares against it). Returns the load ids of the deliveries it replaced; their rows in
        `wave_tables` are dropped.

        Before committing, the disclosure audit attacks the wave as the analysts' view (`audited`) now shows it;
        if it finds a hidden cell that could be worked out, nothing is committed (the previous
        version stays current), the wave is withheld and DisclosureAuditFailed is raised."""
        try:
            with engine.begin() as connection:
                load_log.lock_source(connection, source)
                replaced = waves.publish_wave(connection, wave_id, wave_tables)
                wave = waves.wave_row(connection, wave_id)
                if wave.status != "current":
                    return replaced
                ids = [w.wave_id for w in waves.current_waves(connection, wave.source, wave.org_code)]
                position = ids.index(wave_id)
                for index in range(position, min(position + 2, len(ids))):
                    previous = self.read(connection, ids[index - 1]) if index > 0 else None
                    self.replace(connection, ids[index], self.with_changes(self.read(connection, ids[index]), previous))
                findings = audit_wave(connection, wave_id, min_group_size, audited)
                if not findings.empty:
                    raise DisclosureAuditFailed(findings)
                return replaced
        except DisclosureAuditFailed as failure:
            with engine.begin() as connection:
                waves.withhold_wave(connection, wave_id, str(failure))
            raise
