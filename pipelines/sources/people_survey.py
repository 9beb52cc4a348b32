"""Annual people survey (contract §1): one row per respondent, one column per question asked."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines import checks, contract, reference
from pipelines.problems import Problem, problem_at_rows
from pipelines.sources import Source
from warehouse import waves
from warehouse.db import table
from warehouse.org_tree import units_in_force

REQUIRED = ("respondent_id", "survey_year", "org_code", "unit_code")
DESCRIPTIVE = ("grade", "work_location", *contract.DEMOGRAPHIC_CODES)


def _reason_codes() -> tuple[str, ...]:
    return tuple(r["code"] for r in reference.leaving_reasons())


def canonical_name(header: str) -> str | None:
    text = header.strip()
    lower = text.lower()
    if lower in REQUIRED or lower in DESCRIPTIVE:
        return lower
    if text.upper() in reference.question_codes():
        return text.upper()
    if lower.startswith("c02_") and lower[4:] in _reason_codes():
        return f"C02_{lower[4:]}"
    if lower.startswith("text_") and len(lower) > 5:
        return lower
    return None


def org_tree_date(survey_year: int) -> dt.date:
    """Units 'in force' for a survey year: the tree as it stood at the end of that year."""
    return dt.date(survey_year, 12, 31)


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("text_")]


def _reason_columns(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.startswith("C02_")]


def validate(frame: pd.DataFrame, connection: Connection) -> list[Problem]:
    problems = checks.required_columns(frame, REQUIRED)
    if problems:
        return problems
    for column in REQUIRED:
        problems += checks.not_blank(frame, column)
    problems += checks.unique(frame, "respondent_id")
    looks_personal = frame["respondent_id"].str.contains("@", regex=False)
    if looks_personal.any():
        problems.append(problem_at_rows(
            "pseudonymous_identifier", "respondent_id looks like an e-mail address; identifiers must be pseudonymous",
            "respondent_id", np.flatnonzero(looks_personal.to_numpy())))
    problems += checks.single_value(frame, "survey_year")
    problems += checks.single_value(frame, "org_code")
    problems += checks.integer_range(frame, "survey_year", contract.FIRST_SURVEY_YEAR, dt.date.today().year)
    for column, codes in contract.DEMOGRAPHIC_CODES.items():
        if column in frame:
            problems += checks.codes(frame, column, codes)
    if "grade" in frame:
        problems += checks.known(frame, "grade", reference.grade_codes(), "known_grade", "grades")
    for question in reference.question_bank():
        if question.code in frame:
            problems += checks.codes(frame, question.code, contract.SCALE_CODES[question.scale])
            problems += _routing(frame, question)
    for column in _reason_columns(frame):
        problems += checks.codes(frame, column, (0, 1))
    for column in _text_columns(frame):
        problems += checks.max_length(frame, column, contract.MAX_TEXT_LENGTH)
    if problems:
        return problems
    year = int(frame["survey_year"].iloc[0])
    units = units_in_force(connection, org_tree_date(year))
    problems += checks.known(frame, "unit_code", units["unit_code"], "known_unit",
                             f"units (org units in force at the end of {year})")
    return problems


def _routing(frame: pd.DataFrame, question: reference.Question) -> list[Problem]:
    if question.asked_if is None:
        return []
    condition_code, condition_value = question.asked_if
    answered = frame[question.code] != ""
    condition_holds = frame[condition_code] == str(condition_value) if condition_code in frame else False
    violates = answered & ~condition_holds
    if violates.any():
        return [problem_at_rows(
            "routing", f"{question.code} is only asked when {condition_code} = {condition_value}, but is answered here",
            question.code, np.flatnonzero(violates.to_numpy()))]
    return []


def wave_of(frame: pd.DataFrame) -> str:
    return frame["survey_year"].iloc[0]


def _as_small_ints(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.replace("", None)).astype("Int16")


def response_records(frame: pd.DataFrame, wave_id: int) -> list[dict]:
    columns: dict[str, pd.Series] = {
        "wave_id": pd.Series(wave_id, index=frame.index),
        "respondent_id": frame["respondent_id"],
        "unit_code": frame["unit_code"],
        "grade": frame["grade"].replace("", None) if "grade" in frame else None,
        "work_location": frame["work_location"].replace("", None) if "work_location" in frame else None,
    }
    for column in contract.DEMOGRAPHIC_CODES:
        columns[column] = _as_small_ints(frame[column]) if column in frame else None
    for question in reference.question_bank():
        columns[question.column] = _as_small_ints(frame[question.code]) if question.code in frame else None
    for reason in _reason_codes():
        name = f"C02_{reason}"
        columns[name.lower()] = _as_small_ints(frame[name]) if name in frame else None
    typed = pd.DataFrame({k: (v if v is not None else pd.Series(None, index=frame.index, dtype=object)) for k, v in columns.items()})
    typed = typed.astype(object).where(typed.notna(), None)
    return typed.to_dict("records")


def comment_records(frame: pd.DataFrame, wave_id: int) -> list[dict]:
    records = []
    for column in _text_columns(frame):
        answered = frame[frame[column] != ""]
        records += [
            {"wave_id": wave_id, "respondent_id": rid, "question": column, "text": text}
            for rid, text in zip(answered["respondent_id"], answered[column])
        ]
    return records


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> int:
    wave_id = waves.stage_wave(
        connection, source="people_survey", org_code=frame["org_code"].iloc[0], wave=wave_of(frame),
        survey_year=int(frame["survey_year"].iloc[0]), load_id=load_id, respondents=len(frame),
    )
    connection.execute(sa.insert(table(connection.engine, "raw_survey_response")), response_records(frame, wave_id))
    comments = comment_records(frame, wave_id)
    if comments:
        connection.execute(sa.insert(table(connection.engine, "raw_survey_comment")), comments)
    return wave_id


SOURCE = Source("people_survey", canonical_name, validate, wave_of, load)
