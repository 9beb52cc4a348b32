"""The inspection's areas for improvement, tracked wave by wave against their evidencing measures.

The mapping (area -> measures, sources, direction, target) is the culture team's file
pipelines/shared/reference_data/improvement_areas.yml, checked on every read: a mistake is reported with
the file, the entry and the field, never half-applied. Every current annual wave, pulse and
exit/stay interview period gives each mapped measure a status from its organisation-level change
since the previous one (for the surveys, the change and its two-proportion test already published
in hr_survey_results / hr_pulse_results), its distance to the target, the pace achieved since the
first tracked figure beside the pace still needed to meet the target in time, and, for an annual
figure, what the pulses fielded since suggest before the next annual survey.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection, Engine

from pipelines.shared.reference import REFERENCE_DIR
from pipelines.measures.significance import two_proportion_significant
from warehouse.bulk import bulk_insert
from warehouse.db import table

log = logging.getLogger(__name__)

AREAS_FILE = REFERENCE_DIR / "improvement_areas.yml"
IMPROVED, NO_CHANGE, WORSENED, BASELINE = "improved_significantly", "no_significant_change", "worsened_significantly", "baseline"
IMPROVING, NO_CLEAR_CHANGE, WORSENING = "improving", "no_clear_change", "worsening"
CS_MEDIAN = "cs_median"
PEOPLE_SURVEY, PULSE, EXIT_STAY = "people_survey", "pulse", "exit_stay"
SOURCES = (PEOPLE_SURVEY, PULSE, EXIT_STAY)
# The measure catalogue's sources that each tracker source reads.
CATALOGUE_SOURCES = {PEOPLE_SURVEY: {"people_survey"}, PULSE: {"pulse"}, EXIT_STAY: {"exit_interviews", "stay_interviews"}}
# An annual wave's fieldwork is in the autumn (CSPS: September to October): the wave labelled 2024
# stands at 2024 + 10/12 on the tracker's time line, so a pulse of November 2024 comes after it.
ANNUAL_FIELDWORK_MONTH = 10
AREA_FIELDS = {"id", "area", "found", "measures"}
MEASURE_FIELDS = {"measure", "sources", "direction", "target", "by"}
COLUMNS = ("area_id", "area", "measure", "source", "wave_id", "wave", "direction", "value", "previous_value",
           "change_pp", "change_significant", "status", "target_value", "target_year", "gap_to_target",
           "target_met", "baseline_wave", "baseline_value", "pace_achieved", "pace_needed", "on_track",
           "pulse_wave", "pulse_change_pp", "pulse_suggests", "suppressed")


class AreasFileError(ValueError):
    """The culture team's file cannot be used; the message names the file, the entry and the field."""


@dataclass(frozen=True)
class TrackedMeasure:
    area_id: str
    area: str
    measure: str
    source: str
    direction: str  # "up" or "down": which way is better
    target: float | str | None
    by: int | None


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validate_areas(spec, file_name: str, known_measures: dict | None = None) -> list[TrackedMeasure]:
    """Every (area, measure, source) of the parsed file, or AreasFileError at the first mistake."""
    def fail(where: str, field: str | None, message: str):
        at = f"{where}, field '{field}'" if field else where
        raise AreasFileError(f"{file_name}: {at}: {message}")

    if not isinstance(spec, dict) or not isinstance(spec.get("areas"), list) or not spec["areas"]:
        fail("top level", "areas", "must be a list of areas (see the comments at the top of the file)")
    found, seen = [], set()
    for number, area in enumerate(spec["areas"], start=1):
        where = f"area {number}"
        if not isinstance(area, dict):
            fail(where, None, "must be a mapping with id, area and measures")
        for field in sorted(AREA_FIELDS - {"found"} - set(area)):
            fail(where, field, "is missing")
        for field in sorted(set(area) - AREA_FIELDS):
            fail(where, field, f"is not a field of an area (expected one of {', '.join(sorted(AREA_FIELDS))})")
        if not isinstance(area["id"], str) or not re.fullmatch(r"[a-z0-9_]+", area["id"]):
            fail(where, "id", f"must be lower-case letters, digits and _, not {_shown(area['id'])}")
        if area["id"] in seen:
            fail(where, "id", f"{area['id']} is used by an earlier area")
        seen.add(area["id"])
        where = f"area {number} ({area['id']})"
        if not isinstance(area["area"], str) or not area["area"].strip():
            fail(where, "area", "must be the area's name")
        if not isinstance(area["measures"], list) or not area["measures"]:
            fail(where, "measures", "must be a list of measures")
        for index, entry in enumerate(area["measures"], start=1):
            found += _validated_entry(entry, area, f"{where}, measure {index}", fail, known_measures)
    return found


def _validated_entry(entry, area: dict, where: str, fail, known_measures: dict | None) -> list[TrackedMeasure]:
    if not isinstance(entry, dict):
        fail(where, None, "must be a mapping like {measure: B32, sources: [people_survey], direction: up}")
    for field in ("measure", "sources", "direction"):
        if field not in entry:
            fail(where, field, "is missing")
    for field in sorted(set(entry) - MEASURE_FIELDS):
        fail(where, field, f"is not a field of a measure (expected one of {', '.join(sorted(MEASURE_FIELDS))})")
    measure = entry["measure"]
    where = f"{where} ({measure})"
    if known_measures is not None and measure not in known_measures:
        fail(where, "measure", "is not a measure of hr_measures")
    sources = entry["sources"]
    if not isinstance(sources, list) or not sources:
        fail(where, "sources", f"must be a list drawn from {', '.join(SOURCES)}")
    for source in sources:
        if source not in SOURCES:
            fail(where, "sources", f"{_shown(source)} is not one of {', '.join(SOURCES)}")
        if known_measures is not None and not CATALOGUE_SOURCES[source] & set(known_measures[measure].sources):
            fail(where, "sources", f"the measure is not collected by {source}")
    if entry["direction"] not in ("up", "down"):
        fail(where, "direction", f"must be up or down, not {_shown(entry['direction'])}")
    target = entry.get("target")
    if target is not None and target != CS_MEDIAN and (isinstance(target, bool) or not isinstance(target, (int, float))):
        fail(where, "target", f"must be a number or {CS_MEDIAN}, not {_shown(target)}")
    by = entry.get("by")
    if by is not None and (isinstance(by, bool) or not isinstance(by, int) or not 2000 <= by <= 2100):
        fail(where, "by", f"must be a year such as 2027, not {_shown(by)}")
    if (target is None) != (by is None):
        fail(where, "by" if by is None else "target", "a target needs a year to reach it by, and a year a target")
    return [TrackedMeasure(area["id"], area["area"], measure, source, entry["direction"], target, by)
            for source in sources]


def tracked_measures(path: Path = AREAS_FILE) -> list[TrackedMeasure]:
    """Every (area, measure, source) of the file; a measure tracked in two sources appears twice."""
    from pipelines.measures import measure_catalogue

    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise AreasFileError(f"{path.name}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise AreasFileError(f"{path.name}: is not valid YAML{at}") from None
    return validate_areas(spec, path.name, measure_catalogue.by_name())


def status_of(change_pp, change_significant, direction: str) -> str:
    """improved / worsened when the change is significant (in the measure's better direction), else no change."""
    if change_significant is None or pd.isna(change_significant) or pd.isna(change_pp):
        return BASELINE
    if not bool(change_significant):
        return NO_CHANGE
    better = change_pp > 0 if direction == "up" else change_pp < 0
    return IMPROVED if better else WORSENED


def time_of(source: str, wave: str) -> float:
    """A wave or period on a time line in years: 2024 -> 2024.83 (annual, autumn fieldwork);
    2025-03 -> 2025.17; 2025-Q2 -> 2025.25; a bare year of interviews -> its start."""
    year = re.search(r"(\d{4})", str(wave))
    if not year:
        return np.nan
    rest = str(wave)[year.end():]
    if source == PEOPLE_SURVEY:
        return int(year.group(1)) + ANNUAL_FIELDWORK_MONTH / 12
    month, quarter = re.match(r"\D?(\d{1,2})\b", rest), re.match(r"\D?Q([1-4])", rest, re.IGNORECASE)
    if quarter:
        return int(year.group(1)) + (int(quarter.group(1)) - 1) / 4
    if month and 1 <= int(month.group(1)) <= 12:
        return int(year.group(1)) + (int(month.group(1)) - 1) / 12
    return float(year.group(1))


def _survey_figures(connection: Connection, source: str) -> pd.DataFrame:
    value, base = {PEOPLE_SURVEY: ("value", "respondents"), PULSE: ("value_weighted", "effective_n")}[source]
    fact = {PEOPLE_SURVEY: "fact_survey_measure", PULSE: "fact_pulse_measure"}[source]
    facts, wave = table(connection.engine, fact), table(connection.engine, "survey_wave")
    query = (sa.select(facts.c.wave_id, wave.c.wave, facts.c.measure, facts.c[value].label("value"),
                       facts.c[base].label("base"), facts.c.previous_value, facts.c.change_pp,
                       facts.c.change_significant, facts.c.benchmark, facts.c.suppressed)
             .join(wave, wave.c.wave_id == facts.c.wave_id)
             .where(wave.c.status == "current", wave.c.source == source, facts.c.unit_code.is_(None),
                    facts.c.breakdown == "all"))
    return pd.read_sql(query, connection)


def interview_changes(cells: pd.DataFrame) -> pd.DataFrame:
    """Organisation-level interview figures with the change since the measure's previous period and
    its two-proportion test (the base is the population for leaving rates, else the interviews)."""
    cells = cells.copy()
    cells["base"] = cells["population"].fillna(cells["respondents"])
    cells = cells.sort_values(["measure", "period"])
    shown = cells[~cells["suppressed"].astype(bool)]
    before = shown.groupby("measure")[["value", "base"]].shift(1)
    cells["previous_value"], cells["previous_base"] = before["value"], before["base"]
    cells["change_pp"] = cells["value"] - cells["previous_value"]
    tested = cells["previous_value"].notna() & ~cells["suppressed"].astype(bool)
    significant = two_proportion_significant(cells["value"], cells["base"], cells["previous_value"],
                                             cells["previous_base"])
    cells["change_significant"] = np.where(tested, significant, None)
    return cells.rename(columns={"period": "wave"}).assign(wave_id=None, benchmark=np.nan).drop(
        columns=["population", "respondents", "previous_base"])


def _interview_figures(connection: Connection) -> pd.DataFrame:
    facts = table(connection.engine, "fact_interview_measure")
    cells = pd.read_sql(sa.select(facts.c.period, facts.c.measure, facts.c.value, facts.c.respondents,
                                  facts.c.population, facts.c.suppressed)
                        .where(facts.c.unit_code.is_(None), facts.c.breakdown == "all"), connection)
    return interview_changes(cells)


def _with_trajectory(rows: pd.DataFrame) -> pd.DataFrame:
    """Pace achieved since the first tracked figure (per year, in the better direction) and pace
    needed from here to meet the target by its year; on track when met or when achieved >= needed."""
    rows = rows.copy()
    rows["when"] = [time_of(s, w) for s, w in zip(rows["source"], rows["wave"])]
    rows = rows.sort_values("when", kind="stable")
    better = np.where(rows["direction"] == "up", 1.0, -1.0)
    shown = rows["value"].where(~rows["suppressed"].astype(bool))
    keys = [rows["area_id"], rows["measure"], rows["source"]]
    first = shown.notna().groupby(keys).cumsum() == 1
    rows["baseline_value"] = shown.where(first).groupby(keys).transform("first")
    rows["baseline_wave"] = rows["wave"].where(first & shown.notna()).groupby(keys).transform("first")
    baseline_when = rows["when"].where(first & shown.notna()).groupby(keys).transform("first")
    elapsed = rows["when"] - baseline_when
    rows["pace_achieved"] = np.where(elapsed > 0, better * (shown - rows["baseline_value"]) / elapsed.where(elapsed > 0), np.nan)
    left = rows["target_year"].astype(float) + ANNUAL_FIELDWORK_MONTH / 12 - rows["when"]
    rows["pace_needed"] = np.where(left > 0, rows["gap_to_target"] / left.where(left > 0), np.nan)
    met = rows["target_met"].astype(object)
    rows["on_track"] = [True if m is True else (None if pd.isna(a) or pd.isna(n) else bool(a >= n))
                        for m, a, n in zip(met, rows["pace_achieved"], rows["pace_needed"])]
    return rows.drop(columns="when").sort_index()


def _pulse_suggestion(rows: pd.DataFrame, pulses: pd.DataFrame) -> pd.DataFrame:
    """For each annual figure: the latest pulse of the same measure fielded after it (and before the
    next annual wave), its difference from the annual figure, and whether that difference is
    significant in the better or worse direction (a suggestion: pulses are smaller and weighted)."""
    rows = rows.assign(pulse_wave=None, pulse_change_pp=np.nan, pulse_suggests=None)
    if pulses.empty:
        return rows
    pulses = pulses[~pulses["suppressed"].astype(bool)].assign(when=[time_of(PULSE, w) for w in pulses["wave"]])
    annual = rows["source"] == PEOPLE_SURVEY
    annual_when = {w: time_of(PEOPLE_SURVEY, w) for w in rows.loc[annual, "wave"].unique()}
    ordered = sorted(annual_when.values())
    for index in rows.index[annual]:
        row = rows.loc[index]
        start = annual_when[row["wave"]]
        end = next((t for t in ordered if t > start), np.inf)
        after = pulses[(pulses["measure"] == row["measure"]) & (pulses["when"] > start) & (pulses["when"] < end)]
        if after.empty or row["suppressed"] or pd.isna(row["value"]):
            continue
        latest = after.sort_values("when").iloc[-1]
        change = float(latest["value"] - row["value"])
        significant = bool(two_proportion_significant(pd.Series([latest["value"]]), pd.Series([latest["base"]]),
                                                      pd.Series([row["value"]]), pd.Series([row["base"]]))[0])
        better = change > 0 if row["direction"] == "up" else change < 0
        rows.at[index, "pulse_wave"] = latest["wave"]
        rows.at[index, "pulse_change_pp"] = change
        rows.at[index, "pulse_suggests"] = (IMPROVING if better else WORSENING) if significant else NO_CLEAR_CHANGE
    return rows


def tracker_rows(figures: dict[str, pd.DataFrame], measures: list[TrackedMeasure]) -> pd.DataFrame:
    """One row per tracked measure and current wave (or interview period) of its source."""
    mapping = pd.DataFrame([m.__dict__ for m in measures])
    parts = [mapping[mapping["source"] == source].merge(frame, on="measure") for source, frame in figures.items()]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    rows = pd.concat(parts, ignore_index=True)
    if "base" not in rows:
        rows["base"] = np.nan
    rows["status"] = [status_of(c, s, d) for c, s, d in zip(rows["change_pp"], rows["change_significant"], rows["direction"])]
    rows["target_value"] = [b if t == CS_MEDIAN else (np.nan if t is None or pd.isna(t) else float(t))
                            for t, b in zip(rows["target"], rows["benchmark"])]
    rows["target_year"] = rows["by"]
    # Distance still to go in the better direction: zero or less once the target is reached.
    to_go = np.where(rows["direction"] == "up", rows["target_value"] - rows["value"],
                     rows["value"] - rows["target_value"]).astype(float)
    rows["gap_to_target"] = to_go
    rows["target_met"] = np.where(np.isnan(to_go), None, np.nan_to_num(to_go, nan=1.0) <= 0)
    rows = _with_trajectory(rows)
    rows = _pulse_suggestion(rows, figures.get(PULSE, pd.DataFrame()))
    return rows[list(COLUMNS)]


def write_tracker(connection: Connection, path: Path = AREAS_FILE) -> int:
    """Rebuild the tracker from the file and every current wave, in the caller's transaction. Returns rows."""
    measures = tracked_measures(path)
    figures = {PEOPLE_SURVEY: _survey_figures(connection, PEOPLE_SURVEY), PULSE: _survey_figures(connection, PULSE),
               EXIT_STAY: _interview_figures(connection)}
    rows = tracker_rows(figures, measures)
    connection.execute(sa.delete(table(connection.engine, "fact_improvement_tracker")))
    bulk_insert(connection, "fact_improvement_tracker", rows)
    return len(rows)


def refresh_tracker(engine: Engine, path: Path = AREAS_FILE) -> int | None:
    """Rebuild the tracker after a publish (its own transaction). Returns rows, or None when the
    culture team's file has a mistake: the publish stands, the tracker keeps its last rows, and
    the mistake is logged in words that name the file, entry and field."""
    try:
        with engine.begin() as connection:
            return write_tracker(connection, path)
    except AreasFileError as error:
        log.error("Areas-for-improvement tracker not refreshed: %s", error)
        return None
