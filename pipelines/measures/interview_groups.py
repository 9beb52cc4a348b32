"""Reporting groups for interview records (leavers, stay interviews, workforce rows).

Every record carries its own chain of units (top unit first) from the org-unit tree in force on
the record's date, so a leaver whose team has since moved still counts against the command and
directorate it left from. Groups: the whole organisation, every unit on the record's chain, and
each breakdown's groups for the organisation and for directorates (the top unit's children).
Families (for disclosure control) come from pipelines.measures.group_families, as for every published table.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd

from pipelines.measures import group_families
from warehouse.org_tree import ancestor_paths

ORGANISATION = "organisation"


class OrgHistory:
    """The whole org-unit history, answering "which chain of units was X in on date D"."""

    def __init__(self, history: pd.DataFrame):
        self.history = history.sort_values("valid_from")
        self.versions = sorted(pd.to_datetime(self.history["valid_from"]).dt.date.unique())

    @lru_cache(maxsize=64)
    def _paths_of_version(self, version: dt.date | None) -> dict[str, list[str]]:
        if version is None:
            return {}
        in_force = self.history[pd.to_datetime(self.history["valid_from"]).dt.date <= version]
        return ancestor_paths(in_force.drop_duplicates("unit_code", keep="last"))

    def paths_on(self, date: dt.date) -> dict[str, list[str]]:
        earlier = [v for v in self.versions if v <= date]
        return self._paths_of_version(earlier[-1] if earlier else None)

    def level_of(self) -> dict[str, str]:
        latest = self.history.drop_duplicates("unit_code", keep="last")
        return dict(zip(latest["unit_code"], latest["level"]))


def _key(unit: str | None, breakdown: str, value: str | None) -> str:
    return f"{unit or '*'}|{breakdown}|{'' if value is None else value}"


def memberships(records: pd.DataFrame, history: OrgHistory, date_column: str,
                breakdowns: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(record, group) pairs and the groups' families (pipelines.measures.group_families).

    records: a `unit_code` column, `date_column`, and one column per breakdown (blank = unknown).
    Returns `members` (record, group_key, unit_code, unit_level, breakdown, group_value) and
    `families` (family_key, group_key, role).
    """
    level_of = history.level_of()
    member_rows: list[tuple] = []
    links: set[tuple] = set()
    for record, unit, date, *values in records[["unit_code", date_column, *breakdowns]].itertuples(name=None):
        path = history.paths_on(pd.Timestamp(date).date()).get(unit, [unit])
        chain = [None] + path[1:]  # the top unit is reported as the whole organisation
        for depth, code in enumerate(chain):
            member_rows.append((record, _key(code, "all", None), code, level_of.get(code, ORGANISATION) if code else ORGANISATION, "all", None))
            if depth:
                links.add((code, chain[depth - 1]))
        for breakdown, value in zip(breakdowns, values):
            if value is None or pd.isna(value) or str(value) == "":
                continue
            value = str(value)
            for code in chain[:2]:
                member_rows.append((record, _key(code, breakdown, value), code,
                                    level_of.get(code, ORGANISATION) if code else ORGANISATION, breakdown, value))
    members = pd.DataFrame(member_rows, columns=["record", "group_key", "unit_code", "unit_level", "breakdown", "group_value"])
    groups = members.drop_duplicates("group_key").rename(columns={"group_key": "group_id"})
    families = group_families.families(groups, sorted(links, key=str), top_units=set())
    return members, families.rename(columns={"family_id": "family_key", "group_id": "group_key"})
