"""Annual people survey (contract §1): one row per respondent, one column per question asked."""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.engine import Connection

from pipelines.shared import contract, reference
from pipelines.shared.free_text import RawComments
from pipelines.ingest.sources.record import Source
from pipelines.shared.periods import org_tree_date
from pipelines.ingest.sources.common import as_small_ints, text_columns
from pipelines.ingest.validation import expect
from warehouse import waves
from warehouse.bulk import bulk_insert
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


def expectations() -> list[dict]:
    rules = expect.identifier("respondent_id")
    for column in REQUIRED[1:]:
        rules += expect.required(column)
    rules += [expect.one_value("survey_year"), expect.one_value("org_code"),
              expect.known("survey_year", "valid_survey_years", "survey_year_in_range",
                           f"a survey year outside {contract.FIRST_SURVEY_YEAR}..the current year"),
              expect.known("unit_code", "known_units", "known_unit", "a unit not in the org units in force at the end of the survey year"),
              expect.codes("grade", reference.grade_codes(), "a grade code from grades.csv:")]
    rules += [expect.codes(column, codes) for column, codes in contract.DEMOGRAPHIC_CODES.items()]
    for question in reference.question_bank():
        rules.append(expect.codes(question.code, contract.SCALE_CODES[question.scale]))
        if question.asked_if:
            condition_code, condition_value = question.asked_if
            rules.append(expect.blank_unless(question.code, condition_code, str(condition_value)))
    rules += [expect.codes(f"C02_{reason}", (0, 1)) for reason in _reason_codes()]
    return rules


def parameters(frame: pd.DataFrame, connection: Connection) -> dict:
    years = pd.to_numeric(frame["survey_year"], errors="coerce").dropna() if "survey_year" in frame else pd.Series([])
    this_year = dt.date.today().year
    year = int(years.max()) if len(years) and contract.FIRST_SURVEY_YEAR <= years.max() <= this_year else this_year
    return {
        "valid_survey_years": [str(y) for y in range(contract.FIRST_SURVEY_YEAR, this_year + 1)],
        "known_units": list(units_in_force(connection, org_tree_date(year))["unit_code"]),
    }


def wave_of(frame: pd.DataFrame) -> str:
    return frame["survey_year"].iloc[0]


def response_records(frame: pd.DataFrame, wave_id: int) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {
        "wave_id": pd.Series(wave_id, index=frame.index),
        "respondent_id": frame["respondent_id"],
        "unit_code": frame["unit_code"],
        "grade": frame["grade"].replace("", None) if "grade" in frame else None,
        "work_location": frame["work_location"].replace("", None) if "work_location" in frame else None,
    }
    for column in contract.DEMOGRAPHIC_CODES:
        columns[column] = as_small_ints(frame[column]) if column in frame else None
    for question in reference.question_bank():
        columns[question.column] = as_small_ints(frame[question.code]) if question.code in frame else None
    for reason in _reason_codes():
        name = f"C02_{reason}"
        columns[name.lower()] = as_small_ints(frame[name]) if name in frame else None
    return pd.DataFrame({k: (v if v is not None else pd.Series(None, index=frame.index, dtype=object))
                         for k, v in columns.items()})


def comment_records(frame: pd.DataFrame, wave_id: int) -> pd.DataFrame:
    answers = [pd.DataFrame({"wave_id": wave_id, "respondent_id": frame.loc[frame[c] != "", "respondent_id"],
                             "question": c, "text": frame.loc[frame[c] != "", c]}) for c in text_columns(frame)]
    return pd.concat(answers, ignore_index=True) if answers else pd.DataFrame()


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> int:
    wave_id = waves.stage_wave(
        connection, source="people_survey", org_code=frame["org_code"].iloc[0], wave=wave_of(frame),
        survey_year=int(frame["survey_year"].iloc[0]), load_id=load_id, respondents=len(frame),
    )
    bulk_insert(connection, "raw_survey_response", response_records(frame, wave_id))
    bulk_insert(connection, "raw_survey_comment", comment_records(frame, wave_id))
    return wave_id


COMMENTS = RawComments("raw_survey_comment", """
    SELECT w.source, w.wave, c.respondent_id, c.question, c.text, r.unit_code
    FROM raw_survey_comment c
    JOIN survey_wave w ON w.wave_id = c.wave_id AND w.status = 'current' AND w.source = 'people_survey'
    JOIN raw_survey_response r ON r.wave_id = c.wave_id AND r.respondent_id = c.respondent_id""")

SOURCE = Source("people_survey", canonical_name, expectations, wave_of, load, identifier="respondent_id",
                parameters=parameters, stored_in=("raw_survey_response", "survey_wave"), comments=COMMENTS,
                results="pipelines.publish.survey_results:SURVEY_RESULTS",
                wave_tables=("raw_survey_response", "raw_survey_comment", "fact_survey_measure"),
                asset="people_survey_results")
