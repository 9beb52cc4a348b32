"""Exit interviews (contract §3): one row per leaver interviewed."""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines.shared import contract, reference
from pipelines.ingest.sources.record import Source
from pipelines.ingest.sources.common import (
    as_small_ints, canonical_lower, dates, latest_date, optional, records, unit_codes_known_by,
)
from pipelines.ingest.sources.interviews import (
    INTERVIEW_RESULTS, insert_comments, interview_comments, loaded_identifiers, unknown_codes,
)
from pipelines.shared.reference import leaving_reason_codes
from pipelines.ingest.validation import expect
from warehouse.db import table

REQUIRED = ("leaver_id", "interview_date", "leaving_date", "unit_code", "leaving_type")
OPTIONAL = ("grade", "sex", "ethnicity", "long_term_health", "tenure_years", "employment_type", "primary_reason",
            "other_reasons", "would_return", "recommend_0_10")
LEAVING_TYPES = {1: "Resignation", 2: "Retirement", 3: "End of fixed term or secondment",
                 4: "Transfer to another government department", 5: "Dismissal", 6: "Other"}
MAX_DAYS_FROM_LEAVING = 90


def expectations() -> list[dict]:
    rules = expect.identifier("leaver_id", across_deliveries=True)
    for column in REQUIRED[1:]:
        rules += expect.required(column)
    rules += [
        *expect.iso_date("interview_date"), *expect.iso_date("leaving_date"),
        expect.derived_between("_days_from_leaving", "interview_date", "interview_near_leaving",
                               f"interview_date must be within {MAX_DAYS_FROM_LEAVING} days of leaving_date",
                               -MAX_DAYS_FROM_LEAVING, MAX_DAYS_FROM_LEAVING),
        expect.known("unit_code", "known_units", "known_unit", "a unit not in the org units by the leaving date"),
        expect.codes("grade", reference.grade_codes(), "a grade code from grades.csv:"),
        *[expect.codes(c, contract.DEMOGRAPHIC_CODES[c]) for c in ("sex", "ethnicity", "long_term_health", "employment_type")],
        expect.pattern("tenure_years", r"^(?:60(?:\.0+)?|[1-5]?\d(?:\.\d+)?)$", "number_in_range", "tenure_years must be a number from 0 to 60"),
        expect.codes("leaving_type", LEAVING_TYPES),
        expect.required_when("primary_reason", "leaving_type", ["1", "4"]),
        expect.codes("primary_reason", leaving_reason_codes(), "a reason code from leaving_reasons.csv:"),
        expect.derived_is_blank("_unknown_other_reason", "other_reasons", "valid_code",
                                "other_reasons must be ';'-separated codes from leaving_reasons.csv"),
        expect.codes("would_return", {1: "Yes", 2: "No", 3: "Maybe"}),
        expect.codes("recommend_0_10", range(11)),
    ]
    return rules


def derived_columns(frame: pd.DataFrame) -> dict[str, pd.Series]:
    days = (dates(optional(frame, "interview_date")) - dates(optional(frame, "leaving_date"))).dt.days
    return {"_days_from_leaving": days.astype(float),
            "_unknown_other_reason": unknown_codes(frame, "other_reasons", leaving_reason_codes())}


def parameters(frame: pd.DataFrame, connection: Connection) -> dict:
    latest = latest_date(optional(frame, "leaving_date"))
    return {"known_units": unit_codes_known_by(connection, latest),
            "already_delivered_ids": loaded_identifiers(connection, "raw_exit_interview", "leaver_id", frame)}


def wave_of(frame: pd.DataFrame) -> str:
    return f"{frame['leaving_date'].min()}..{frame['leaving_date'].max()}"


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> None:
    rows = pd.DataFrame({
        "leaver_id": frame["leaver_id"], "load_id": load_id,
        "interview_date": dates(frame["interview_date"]).dt.date, "leaving_date": dates(frame["leaving_date"]).dt.date,
        "unit_code": frame["unit_code"], "grade": optional(frame, "grade").replace("", None),
        **{c: as_small_ints(optional(frame, c)) for c in ("sex", "ethnicity", "long_term_health", "employment_type",
                                                          "leaving_type", "would_return", "recommend_0_10")},
        "tenure_years": pd.to_numeric(optional(frame, "tenure_years").replace("", None)),
        "primary_reason": optional(frame, "primary_reason").replace("", None),
        "other_reasons": optional(frame, "other_reasons").replace("", None),
    })
    connection.execute(sa.insert(table(connection.engine, "raw_exit_interview")), records(rows))
    insert_comments(connection, "exit_interviews", frame, "leaver_id", load_id)
    return None


SOURCE = Source("exit_interviews", canonical_lower(REQUIRED + OPTIONAL), expectations, wave_of, load,
                identifier="leaver_id", parameters=parameters, derived_columns=derived_columns,
                stored_in=("raw_exit_interview",),
                comments=interview_comments("exit_interviews", "raw_exit_interview", "leaver_id"),
                asset=INTERVIEW_RESULTS, changes_interview_results=True, watched=True)
