"""Exit and stay interview measures (methodology.md), rebuilt whole after every relevant load.

- Leaving rates per quarter: interviewed leavers ÷ average headcount (the workforce snapshots in
  force at the quarter's start and end), all leavers, voluntary (resignation or transfer to
  another department) and other.
- Leaver reasons per year of leaving: primary-reason and any-reason shares (base: interviews with
  a primary reason), voluntary share, would-return shares, the recommend score distribution and
  net score, tenure at leaving — set beside the people survey's C02 reasons and C01 intentions to
  leave for the same unit.
- Stay interviews per year: stay-factor and leave-risk shares, considering-leaving and 12-month
  intention shares, split by hard-to-recruit roles and by considering_leaving.

Every figure is protected like the survey's: groups of fewer than the minimum group size are
suppressed, with complementary suppression against differencing.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipelines.disclosure import suppression as disclosure
from pipelines.measures import measure_catalogue
from pipelines.measures.interview_groups import OrgHistory, memberships
from pipelines.shared.reference import leaving_reason_codes, stay_factor_codes
from pipelines.shared.periods import quarter_labels
from warehouse.db import table
from warehouse.load_log import lock_source

VOLUNTARY_LEAVING_TYPES = (1, 4)
PROMOTER, DETRACTOR = 9, 6  # recommend 9-10 promotes, 0-6 detracts (NPS convention)
FACT_COLUMNS = ("topic", "period", "unit_code", "unit_level", "breakdown", "group_value", "measure", "value",
                "respondents", "population", "survey_measure", "suppressed")


def _year(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.year.astype(str)


def _codes(column: pd.Series) -> pd.Series:
    """'a;b' lists as sets (blank = none)."""
    return column.fillna("").map(lambda text: {c.strip() for c in text.split(";") if c.strip()})


def _aggregate(records: pd.DataFrame, members: pd.DataFrame, measures: dict[str, tuple[pd.Series, pd.Series]]) -> pd.DataFrame:
    """Per (period, group, measure): base count and mean of the numerator over the base."""
    bases = pd.DataFrame({name: base.astype(float).to_numpy() for name, (base, _) in measures.items()}, index=records.index)
    sums = pd.DataFrame({name: np.where(base, numerator, 0.0) for name, (base, numerator) in measures.items()}, index=records.index)
    joined = members[["record", "group_key"]].join(records["period"], on="record")
    keys = ["period", "group_key"]
    counts = joined.join(bases, on="record").drop(columns="record").groupby(keys).sum()
    totals = joined.join(sums, on="record").drop(columns="record").groupby(keys).sum()
    long = counts.stack().rename("respondents").to_frame().join(totals.stack().rename("total"))
    long = long[long["respondents"] > 0].reset_index().rename(columns={"level_2": "measure"})
    long["value"] = long["total"] / long["respondents"]
    return long.drop(columns="total")


def _protect(cells: pd.DataFrame, families: pd.DataFrame, min_group_size: int) -> pd.Series:
    """Disclosure control per period: cells and families are keyed by period and group."""
    cells = cells.assign(group_id=cells["period"] + "#" + cells["group_key"])
    periods = cells[["period"]].drop_duplicates()
    families = periods.merge(families, how="cross")
    families = families.assign(group_id=families["period"] + "#" + families["group_key"],
                               family_id=families["period"] + "#" + families["family_key"])
    # Values here are rates against headcount, net scores and years, not shares of the counted
    # people, so the attacker's relations are on the counts: check that none is fixed.
    return disclosure.suppress(cells.drop(columns="value"), families[["family_id", "group_id", "role"]], min_group_size)


def _labelled(cells: pd.DataFrame, members: pd.DataFrame, topic: str) -> pd.DataFrame:
    groups = members.drop(columns="record").drop_duplicates("group_key")
    return cells.merge(groups, on="group_key").assign(topic=topic)


def leaving_rates(exits: pd.DataFrame, workforce: pd.DataFrame, history: OrgHistory, k: int) -> pd.DataFrame:
    if exits.empty or workforce.empty:
        return pd.DataFrame(columns=FACT_COLUMNS)
    exits = exits.assign(period=quarter_labels(exits["leaving_date"]), voluntary=exits["leaving_type"].isin(VOLUNTARY_LEAVING_TYPES))
    leaver_members, leaver_families = memberships(exits, history, "leaving_date", ("grade",))
    counted = leaver_members.join(exits[["period", "voluntary"]], on="record").groupby(["period", "group_key"]).agg(
        leavers=("record", "size"), voluntary=("voluntary", "sum")).reset_index()

    staff_members, staff_families = memberships(workforce, history, "snapshot_date", ("grade",))
    staffed = staff_members.join(workforce[["snapshot_date", "headcount"]], on="record").groupby(
        ["snapshot_date", "group_key"])["headcount"].sum()
    snapshots = sorted(workforce["snapshot_date"].unique())
    rows = []
    for period in sorted(exits["period"].unique()):
        start = pd.Period(period, freq="Q").start_time.date()
        end = pd.Period(period, freq="Q").end_time.date()
        in_force = {max((s for s in snapshots if s <= day), default=None) for day in (start, end)} - {None}
        if not in_force:
            continue  # no workforce snapshot yet: no denominator
        average = pd.concat([staffed.loc[s] for s in in_force], axis=1).mean(axis=1)
        frame = average.rename("population").reset_index().assign(period=period)
        rows.append(frame)
    if not rows:
        return pd.DataFrame(columns=FACT_COLUMNS)
    groups = pd.concat(rows).merge(counted, on=["period", "group_key"], how="left").fillna({"leavers": 0, "voluntary": 0})
    groups = groups[groups["population"] > 0]
    cells = pd.concat([
        groups.assign(measure="leaving_rate", value=100 * groups["leavers"] / groups["population"]),
        groups.assign(measure="voluntary_leaving_rate", value=100 * groups["voluntary"] / groups["population"]),
        groups.assign(measure="other_leaving_rate", value=100 * (groups["leavers"] - groups["voluntary"]) / groups["population"]),
    ], ignore_index=True).rename(columns={"leavers": "respondents"})
    families = pd.concat([leaver_families, staff_families]).drop_duplicates()
    cells["suppressed"] = _protect(cells, families, k)
    labels = pd.concat([leaver_members, staff_members])
    return _labelled(cells.drop(columns=["voluntary"]), labels, "leaving")


def leaver_reasons(exits: pd.DataFrame, history: OrgHistory, k: int) -> pd.DataFrame:
    if exits.empty:
        return pd.DataFrame(columns=FACT_COLUMNS)
    exits = exits.assign(period=_year(exits["leaving_date"]))
    everyone = pd.Series(True, index=exits.index)
    with_primary = exits["primary_reason"].notna() & (exits["primary_reason"] != "")
    other = _codes(exits["other_reasons"])
    measures: dict[str, tuple[pd.Series, pd.Series]] = {
        "voluntary_share": (everyone, 100.0 * exits["leaving_type"].isin(VOLUNTARY_LEAVING_TYPES)),
    }
    for code in sorted(leaving_reason_codes()):
        primary = exits["primary_reason"] == code
        measures[f"primary:{code}"] = (with_primary, 100.0 * primary)
        measures[f"any:{code}"] = (with_primary, 100.0 * (primary | other.map(lambda codes: code in codes)))
    answered = exits["would_return"].notna()
    for code, name in ((1, "yes"), (2, "no"), (3, "maybe")):
        measures[f"would_return_{name}"] = (answered, 100.0 * (exits["would_return"] == code))
    score = exits["recommend_0_10"]
    scored = score.notna()
    for value in range(11):
        measures[f"recommend_{value}"] = (scored, 100.0 * (score == value))
    measures["recommend_promoters"] = (scored, 100.0 * (score >= PROMOTER))
    measures["recommend_detractors"] = (scored, 100.0 * (score <= DETRACTOR))
    measures["recommend_net_score"] = (scored, 100.0 * ((score >= PROMOTER).astype(float) - (score <= DETRACTOR).astype(float)))
    tenure = exits["tenure_years"]
    measures["tenure_mean_years"] = (tenure.notna(), tenure.fillna(0.0))
    measures["tenure_under_2_years"] = (tenure.notna(), 100.0 * (tenure < 2))
    members, families = memberships(exits, history, "leaving_date", ("grade",))
    cells = _aggregate(exits, members, measures)
    cells["suppressed"] = _protect(cells, families, k)
    # Exit reasons sit beside the survey's reasons for wanting to leave (C02, same codes). Every
    # reason the survey asks links, including those without a CSPS benchmark (bullying, IT ...).
    cells["survey_measure"] = cells["measure"].map(
        lambda m: measure_catalogue.survey_reason_for(m.split(":", 1)[1]) if m.startswith(("primary:", "any:")) else None)
    return _labelled(cells, members, "leaver_reason")


def stay_factors(stays: pd.DataFrame, history: OrgHistory, k: int) -> pd.DataFrame:
    if stays.empty:
        return pd.DataFrame(columns=FACT_COLUMNS)
    stays = stays.assign(period=_year(stays["interview_date"]),
                         hard_to_recruit_role=stays["hard_to_recruit_role"].astype(str),
                         considering=stays["considering_leaving"].astype(str))
    everyone = pd.Series(True, index=stays.index)
    measures: dict[str, tuple[pd.Series, pd.Series]] = {}
    for column, prefix, codes in (("stay_factors", "factor", stay_factor_codes()), ("leave_risks", "risk", leaving_reason_codes())):
        listed = _codes(stays[column])
        named_any = listed.map(bool)
        for code in sorted(codes):
            measures[f"{prefix}:{code}"] = (named_any, 100.0 * listed.map(lambda chosen: code in chosen))
    for code, name in ((1, "yes"), (2, "no"), (3, "unsure")):
        measures[f"considering_leaving_{name}"] = (everyone, 100.0 * (stays["considering_leaving"] == code))
    intent = stays["intent_12m"]
    for code, name in ((1, "stay"), (2, "leave"), (3, "unsure")):
        measures[f"intent_12m_{name}"] = (intent.notna(), 100.0 * (intent == code))
    members, families = memberships(stays.rename(columns={"considering": "considering_leaving_group"}), history,
                                    "interview_date", ("hard_to_recruit_role", "considering_leaving_group"))
    members["breakdown"] = members["breakdown"].replace({"considering_leaving_group": "considering_leaving"})
    cells = _aggregate(stays, members, measures)
    cells["suppressed"] = _protect(cells, families, k)
    return _labelled(cells, members, "stay")


def _read(connection: Connection, name: str) -> pd.DataFrame:
    return pd.read_sql(sa.select(table(connection.engine, name)), connection)


def compute_interview_results(engine: Engine, min_group_size: int) -> dict[str, int]:
    """Rebuild every interview figure from the restricted raw tables in one transaction."""
    with engine.begin() as connection:
        lock_source(connection, "interview_results")
        history = OrgHistory(_read(connection, "dim_org_unit"))
        exits = _read(connection, "raw_exit_interview")
        stays = _read(connection, "raw_stay_interview")
        workforce = _read(connection, "fact_workforce")
        for frame, column in ((exits, "leaving_date"), (stays, "interview_date"), (workforce, "snapshot_date")):
            if not frame.empty:
                frame[column] = pd.to_datetime(frame[column]).dt.date
        parts = {
            "leaving": leaving_rates(exits, workforce, history, min_group_size),
            "leaver_reason": leaver_reasons(exits, history, min_group_size),
            "stay": stay_factors(stays, history, min_group_size),
        }
        facts = table(engine, "fact_interview_measure")
        connection.execute(sa.delete(facts))
        for part in parts.values():
            if part.empty:
                continue
            frame = part.reindex(columns=list(FACT_COLUMNS)).astype(object)
            connection.execute(sa.insert(facts), frame.where(frame.notna(), None).to_dict("records"))
        return {topic: len(part) for topic, part in parts.items()}
