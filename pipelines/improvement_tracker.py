"""The inspection's areas for improvement, tracked wave by wave against their evidencing measures.

The mapping (area -> measures, direction, target) is the culture team's file
pipelines/reference_data/improvement_areas.yml. Every current annual wave and pulse gives each
mapped measure a status from its organisation-level change since the previous wave (the change and
its two-proportion test are the ones already published in hr_survey_results / hr_pulse_results),
and its distance to the target.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection, Engine

from pipelines.reference import REFERENCE_DIR
from warehouse.bulk import bulk_insert
from warehouse.db import table

AREAS_FILE = REFERENCE_DIR / "improvement_areas.yml"
IMPROVED, NO_CHANGE, WORSENED, BASELINE = "improved_significantly", "no_significant_change", "worsened_significantly", "baseline"
CS_MEDIAN = "cs_median"
# Where each source keeps its organisation-level figure.
VALUE_COLUMN = {"people_survey": "value", "pulse": "value_weighted"}
FACT_TABLE = {"people_survey": "fact_survey_measure", "pulse": "fact_pulse_measure"}
COLUMNS = ("area_id", "area", "measure", "source", "wave_id", "wave", "direction", "value", "previous_value",
           "change_pp", "change_significant", "status", "target_value", "target_year", "gap_to_target",
           "target_met", "suppressed")


@dataclass(frozen=True)
class TrackedMeasure:
    area_id: str
    area: str
    measure: str
    source: str
    direction: str  # "up" or "down": which way is better
    target: float | str | None
    by: int | None


def tracked_measures(path: Path = AREAS_FILE) -> list[TrackedMeasure]:
    """Every (area, measure, source) of the file; a measure tracked in two sources appears twice."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    found = []
    for area in spec["areas"]:
        for entry in area["measures"]:
            if entry["direction"] not in ("up", "down"):
                raise ValueError(f"{path.name}: {area['id']} {entry['measure']}: direction must be up or down")
            for source in entry["sources"]:
                if source not in VALUE_COLUMN:
                    raise ValueError(f"{path.name}: {area['id']} {entry['measure']}: unknown source {source!r}")
                found.append(TrackedMeasure(area["id"], area["area"], entry["measure"], source, entry["direction"],
                                            entry.get("target"), entry.get("by")))
    return found


def status_of(change_pp, change_significant, direction: str) -> str:
    """improved / worsened when the change is significant (in the measure's better direction), else no change."""
    if change_significant is None or pd.isna(change_significant) or pd.isna(change_pp):
        return BASELINE
    if not bool(change_significant):
        return NO_CHANGE
    better = change_pp > 0 if direction == "up" else change_pp < 0
    return IMPROVED if better else WORSENED


def _organisation_figures(connection: Connection, source: str) -> pd.DataFrame:
    facts, wave = table(connection.engine, FACT_TABLE[source]), table(connection.engine, "survey_wave")
    query = (sa.select(facts.c.wave_id, wave.c.wave, facts.c.measure, facts.c[VALUE_COLUMN[source]].label("value"),
                       facts.c.previous_value, facts.c.change_pp, facts.c.change_significant, facts.c.benchmark,
                       facts.c.suppressed)
             .join(wave, wave.c.wave_id == facts.c.wave_id)
             .where(wave.c.status == "current", wave.c.source == source, facts.c.unit_code.is_(None),
                    facts.c.breakdown == "all"))
    return pd.read_sql(query, connection)


def tracker_rows(figures: dict[str, pd.DataFrame], measures: list[TrackedMeasure]) -> pd.DataFrame:
    """One row per tracked measure and current wave of its source."""
    mapping = pd.DataFrame([m.__dict__ for m in measures])
    parts = [mapping[mapping["source"] == source].merge(frame, on="measure") for source, frame in figures.items()]
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*mapping.columns, "value"])
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows["status"] = [status_of(c, s, d) for c, s, d in zip(rows["change_pp"], rows["change_significant"], rows["direction"])]
    rows["target_value"] = [b if t == CS_MEDIAN else (np.nan if t is None or pd.isna(t) else float(t))
                            for t, b in zip(rows["target"], rows["benchmark"])]
    rows["target_year"] = rows["by"]
    # Distance still to go in the better direction: zero or less once the target is reached.
    to_go = np.where(rows["direction"] == "up", rows["target_value"] - rows["value"],
                     rows["value"] - rows["target_value"]).astype(float)
    rows["gap_to_target"] = to_go
    rows["target_met"] = np.where(np.isnan(to_go), None, np.nan_to_num(to_go, nan=1.0) <= 0)
    return rows[list(COLUMNS)]


def write_tracker(connection: Connection, path: Path = AREAS_FILE) -> int:
    """Rebuild the tracker from the file and every current wave, in the caller's transaction. Returns rows."""
    figures = {source: _organisation_figures(connection, source) for source in VALUE_COLUMN}
    rows = tracker_rows(figures, tracked_measures(path))
    connection.execute(sa.delete(table(connection.engine, "fact_improvement_tracker")))
    bulk_insert(connection, "fact_improvement_tracker", rows)
    return len(rows)


def refresh_tracker(engine: Engine, path: Path = AREAS_FILE) -> int:
    """Rebuild the tracker after a publish (its own transaction). Returns rows."""
    with engine.begin() as connection:
        return write_tracker(connection, path)
