"""Response rates: people who answered the survey / headcount in the workforce snapshot, for the
organisation, every unit, and grade and sex (the breakdowns the workforce snapshot holds) for the
organisation and each directorate.

Respondent counts and headcounts are published figures, so the rates go through the project's one
disclosure step (`disclosure.suppress` over the same group families as survey results, with the
headcount as each cell's base): a rate is hidden where fewer than the minimum responded, where the
headcount is below the minimum, or where it would let a hidden one be worked out. Hidden rates
carry no respondents or headcount either.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipelines.disclosure import suppression as disclosure
from pipelines.shared.periods import org_tree_date
from pipelines.measures.survey_measures import reporting_groups
from warehouse.db import table
from warehouse.org_tree import ancestor_paths, directorate_of, units_in_force

BREAKDOWNS = ("grade", "sex")
COLUMNS = ["wave", "unit_code", "unit_name", "unit_level", "breakdown", "group_value", "group_label",
           "respondents", "headcount", "value", "suppressed"]
CELL_COLUMNS = ["group_id", "measure", "respondents", "value", "primary"]


def _headcounts(workforce: pd.DataFrame, groups: pd.DataFrame, paths: dict[str, list[str]]) -> np.ndarray:
    """Headcount of each reported group, from the snapshot's (unit, grade, sex) rows."""
    index = {(None if pd.isna(u) else u, b, None if pd.isna(v) else str(v)): i for i, (u, b, v) in
             enumerate(zip(groups["unit_code"], groups["breakdown"], groups["group_value"]))}
    counts = np.zeros(len(groups))
    for row in workforce.itertuples():
        path = paths.get(row.unit_code, [row.unit_code])
        keys = [(None, "all", None)] + [(unit, "all", None) for unit in path[1:]]
        directorate = directorate_of(paths, row.unit_code)
        for breakdown in BREAKDOWNS:
            value = getattr(row, breakdown)
            if value is None or pd.isna(value) or str(value) == "":
                continue
            keys += [(None, breakdown, str(value)), (directorate, breakdown, str(value))]
        for key in keys:
            if key in index:
                counts[index[key]] += row.headcount
    return counts


def response_rates(engine: Engine, min_group_size: int) -> pd.DataFrame:
    """The latest current people-survey wave's response rates, suppressed cells as NULL (empty when none)."""
    with engine.connect() as connection:
        waves = table(engine, "survey_wave")
        wave = connection.execute(sa.select(waves.c.wave_id, waves.c.wave, waves.c.survey_year).where(
            waves.c.status == "current", waves.c.source == "people_survey").order_by(waves.c.wave.desc()).limit(1)).first()
        if wave is None:
            return pd.DataFrame(columns=COLUMNS)
        raw = table(engine, "raw_survey_response")
        columns = [raw.c.unit_code, *(raw.c[b] for b in BREAKDOWNS if b in raw.c)]
        responses = pd.read_sql(sa.select(*columns).where(raw.c.wave_id == wave.wave_id), connection)
        on_date = org_tree_date(wave.survey_year)
        units = units_in_force(connection, on_date)
        staff = table(engine, "fact_workforce")
        snapshot = connection.execute(sa.select(sa.func.max(staff.c.snapshot_date))
                                      .where(staff.c.snapshot_date <= on_date)).scalar()
        if responses.empty or snapshot is None:
            return pd.DataFrame(columns=COLUMNS)
        workforce = pd.read_sql(sa.select(staff.c.unit_code, staff.c.grade, staff.c.sex, staff.c.headcount)
                                .where(staff.c.snapshot_date == snapshot), connection)
    groups, cells, families, hidden = rate_cells(responses, units, workforce, min_group_size)
    rates = pd.DataFrame({
        "wave": wave.wave, "unit_code": groups["unit_code"], "unit_name": groups["unit_name"],
        "unit_level": groups["unit_level"], "breakdown": groups["breakdown"], "group_value": groups["group_value"],
        "group_label": groups["group_label"],
        "respondents": np.where(hidden, np.nan, cells["answered"]), "headcount": np.where(hidden, np.nan, cells["headcount"]),
        "value": np.where(hidden, np.nan, cells["rate"]), "suppressed": hidden,
    }, columns=COLUMNS)
    # Answers the snapshot has no headcount for (prefer not to say) have no rate at all: listed,
    # they would read as a rate hidden by disclosure control.
    rated = (groups["breakdown"] == "all").to_numpy() | (cells["headcount"] > 0).to_numpy()
    return rates[rated].reset_index(drop=True)


def rate_cells(responses: pd.DataFrame, units: pd.DataFrame, workforce: pd.DataFrame, min_group_size: int):
    """(groups, cells, families, hidden): every group's respondents, headcount, rate and disclosure verdict."""
    groups, membership, families = reporting_groups(responses, units)
    respondents = np.asarray(membership.sum(axis=1)).ravel()
    headcount = _headcounts(workforce, groups, ancestor_paths(units))
    rate = np.divide(100.0 * respondents, headcount, out=np.full(len(groups), np.nan), where=headcount > 0)
    # The rate is a share of headcount, so headcount is the base the disclosure step adds up across
    # families (respondents are the rate's numerator): a group of fewer than the minimum staff is a
    # primary cell by the step's own rule; one with fewer than the minimum respondents is marked too.
    cells = pd.DataFrame({"group_id": groups["group_id"], "measure": "response_rate", "respondents": headcount,
                          "value": np.clip(np.nan_to_num(rate, nan=0.0), 0.0, 100.0), "answered": respondents,
                          "headcount": headcount, "rate": rate,
                          # A rate over 100% (snapshot and survey disagree) is not published.
                          "primary": (respondents < min_group_size) | np.isnan(rate) | (rate > 100.0)})
    hidden = (groups["breakdown"] != "all").to_numpy().copy()  # a group without a headcount is never rated
    for rows, table, linked in rate_tables(groups, cells, families):
        hidden[rows] = _suppress(table, linked, min_group_size)[: len(rows)]
    return groups, cells, families, hidden


def rate_tables(groups: pd.DataFrame, cells: pd.DataFrame, families: pd.DataFrame):
    """The linked tables the rates are protected in: the unit tree, then each breakdown's groups.
    Each is (positions in `groups`, cells with those groups first, families)."""
    is_all = (groups["breakdown"] == "all").to_numpy()
    yield (np.flatnonzero(is_all), cells[is_all][CELL_COLUMNS].reset_index(drop=True),
           families[families["family_id"].str.startswith("unit:")].reset_index(drop=True))
    for breakdown in BREAKDOWNS:
        rows, table, linked = _breakdown_table(groups, cells, families, breakdown)
        if len(rows):
            yield rows, table, linked


def _suppress(cells: pd.DataFrame, families: pd.DataFrame, k: int) -> np.ndarray:
    return disclosure.suppress(cells[CELL_COLUMNS], families, k).to_numpy()


def _breakdown_table(groups: pd.DataFrame, cells: pd.DataFrame, families: pd.DataFrame, breakdown: str):
    """One breakdown's groups, with their families, as a table that adds up.

    Survey answers the snapshot has no headcount for (prefer not to say, not stated) cannot be rated;
    left in, they would make a remainder of respondents without staff. So each unit's parent cell is
    its *stated* part: the headcount and respondents of the breakdown's rated groups (a figure the
    attacker can work out from respondent counts, so treated as shown). Returns the positions of
    the breakdown's rated groups in `groups`, then the cells (those groups first) and families."""
    rated = (groups["breakdown"] == breakdown).to_numpy() & (cells["headcount"] > 0).to_numpy()
    rows = np.flatnonzero(rated)
    rated_ids = set(groups["group_id"].iloc[rows])
    family_ids = families["family_id"]
    linked = families[(family_ids.str.startswith("bd:") & family_ids.str.endswith(f":{breakdown}"))
                      | family_ids.str.startswith(f"cross:{breakdown}:")]
    # A cross family with a group that cannot be rated (respondents whose grade the snapshot has
    # nowhere in that directorate) does not add up in headcount terms: it is left out.
    unrated = linked[(linked["role"] == "child") & ~linked["group_id"].isin(rated_ids)]["family_id"]
    linked = linked[(linked["role"] == "parent") | linked["group_id"].isin(rated_ids)]
    linked = linked[~(linked["family_id"].isin(set(unrated)) & linked["family_id"].str.startswith("cross:"))]
    children = linked[linked["role"] == "child"]
    parent_of = linked[linked["role"] == "parent"].set_index("family_id")["group_id"]
    by_id = cells.set_index("group_id")
    stated_parents = []
    for family, members in children[children["family_id"].str.startswith("bd:")].groupby("family_id"):
        parent = parent_of[family]
        answered, base = by_id.loc[members["group_id"], "answered"].sum(), by_id.loc[members["group_id"], "headcount"].sum()
        stated_parents.append({"group_id": parent, "measure": "response_rate", "respondents": base,
                               "value": min(100.0, 100.0 * answered / base) if base else 0.0, "primary": False})
    table = pd.concat([cells.iloc[rows][CELL_COLUMNS], pd.DataFrame(stated_parents, columns=CELL_COLUMNS)],
                      ignore_index=True)
    return rows, table, linked.reset_index(drop=True)
