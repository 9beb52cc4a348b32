"""Pulse survey (contract §2): a short bi-monthly survey of a sample, one row per respondent."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines.shared import contract, reference
from pipelines.shared.free_text import RawComments
from pipelines.ingest.sources.record import Source
from pipelines.shared.periods import fieldwork_start
from pipelines.ingest.sources.common import as_small_ints, dates, optional, records, text_columns, unit_codes_known_by
from pipelines.ingest.validation import expect
from warehouse import waves
from warehouse.db import table
from warehouse.org_tree import top_unit_code

REQUIRED = ("respondent_id", "pulse_id", "response_date", "unit_code")
# The contract names no window length; pulses run every two months, so a pulse's fieldwork is
# taken to be the two calendar months from the first day of `pulse_id` (docs/methodology-choices.md).
FIELDWORK_DAYS = 61


def answer_scales() -> dict[str, str]:
    """Every answer column of a pulse (its own items, then the repeated annual questions) with its scale."""
    return {**{item.code: item.scale for item in reference.pulse_items()}, **reference.pulse_repeated_scales()}


def canonical_name(header: str) -> str | None:
    text = header.strip()
    lower = text.lower()
    if lower in REQUIRED or lower in ("grade", "sex"):
        return lower
    if text.upper() in answer_scales():
        return text.upper()
    if lower.startswith("text_") and len(lower) > 5:
        return lower
    return None


def expectations() -> list[dict]:
    rules = expect.identifier("respondent_id")
    for column in REQUIRED[1:]:
        rules += expect.required(column)
    rules += [
        expect.pattern("pulse_id", r"^\d{4}-(?:0[1-9]|1[0-2])$", "pulse_id_format", "pulse_id must be YYYY-MM (fieldwork start)"),
        expect.one_value("pulse_id"),
        *expect.iso_date("response_date"),
        expect.derived_between("_days_into_fieldwork", "response_date", "fieldwork_window",
                               f"response_date must fall within the pulse's fieldwork ({FIELDWORK_DAYS} days from the first of pulse_id's month)",
                               0, FIELDWORK_DAYS - 1),
        expect.known("unit_code", "known_units", "known_unit", "a unit not in the org units in force during fieldwork"),
        expect.codes("grade", reference.grade_codes(), "a grade code from grades.csv:"),
        expect.codes("sex", contract.DEMOGRAPHIC_CODES["sex"]),
    ]
    rules += [expect.codes(item, contract.SCALE_CODES[scale]) for item, scale in answer_scales().items()]
    return rules


def derived_columns(frame: pd.DataFrame) -> dict[str, pd.Series]:
    start = fieldwork_start(optional(frame, "pulse_id").iloc[0]) if len(frame) else None
    responded = dates(optional(frame, "response_date"))
    days = (responded - pd.Timestamp(start)).dt.days if start else pd.Series(float("nan"), index=frame.index)
    return {"_days_into_fieldwork": days.astype(float)}


def parameters(frame: pd.DataFrame, connection: Connection) -> dict:
    start = fieldwork_start(optional(frame, "pulse_id").iloc[0]) if len(frame) else None
    window_end = (start or dt.date.today()) + dt.timedelta(days=FIELDWORK_DAYS - 1)
    return {"known_units": unit_codes_known_by(connection, window_end)}


def wave_of(frame: pd.DataFrame) -> str:
    return frame["pulse_id"].iloc[0]


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> int:
    wave_id = waves.stage_wave(connection, source="pulse", org_code=top_unit_code(connection), wave=wave_of(frame), survey_year=None,
                               load_id=load_id, respondents=len(frame))
    columns = {
        "wave_id": pd.Series(wave_id, index=frame.index),
        "respondent_id": frame["respondent_id"],
        "response_date": dates(frame["response_date"]).dt.date,
        "unit_code": frame["unit_code"],
        "grade": optional(frame, "grade").replace("", None),
        "sex": as_small_ints(optional(frame, "sex")),
    }
    for item in answer_scales():
        columns[item.lower()] = as_small_ints(optional(frame, item))
    connection.execute(sa.insert(table(connection.engine, "raw_pulse_response")), records(pd.DataFrame(columns)))
    comments = [
        {"wave_id": wave_id, "respondent_id": rid, "question": column, "text": text}
        for column in text_columns(frame)
        for rid, text in zip(frame["respondent_id"], frame[column]) if text
    ]
    if comments:
        connection.execute(sa.insert(table(connection.engine, "raw_survey_comment")), comments)
    return wave_id


COMMENTS = RawComments("raw_survey_comment", """
    SELECT w.source, w.wave, c.respondent_id, c.question, c.text, r.unit_code
    FROM raw_survey_comment c
    JOIN survey_wave w ON w.wave_id = c.wave_id AND w.status = 'current' AND w.source = 'pulse'
    JOIN raw_pulse_response r ON r.wave_id = c.wave_id AND r.respondent_id = c.respondent_id""")

SOURCE = Source("pulse", canonical_name, expectations, wave_of, load, identifier="respondent_id",
                parameters=parameters, derived_columns=derived_columns, stored_in=("raw_pulse_response",),
                comments=COMMENTS, results="pipelines.publish.pulse_results:PULSE_RESULTS",
                wave_tables=("raw_pulse_response", "raw_survey_comment", "fact_pulse_measure"),
                asset="pulse_results", watched=True)
