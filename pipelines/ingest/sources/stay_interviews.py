"""Stay interviews (contract §4): staff considering leaving, or in hard-to-recruit roles."""
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
from pipelines.shared.reference import leaving_reason_codes, stay_factor_codes
from pipelines.ingest.validation import expect
from warehouse.db import table

REQUIRED = ("interview_id", "interview_date", "unit_code", "hard_to_recruit_role", "considering_leaving")
OPTIONAL = ("grade", "stay_factors", "leave_risks", "intent_12m")


def expectations() -> list[dict]:
    rules = expect.identifier("interview_id", across_deliveries=True)
    for column in REQUIRED[1:]:
        rules += expect.required(column)
    rules += [
        *expect.iso_date("interview_date"),
        expect.known("unit_code", "known_units", "known_unit", "a unit not in the org units by the interview date"),
        expect.codes("grade", reference.grade_codes(), "a grade code from grades.csv:"),
        expect.codes("hard_to_recruit_role", (0, 1)),
        expect.codes("considering_leaving", {1: "Yes", 2: "No", 3: "Unsure"}),
        expect.derived_is_blank("_unknown_stay_factor", "stay_factors", "valid_code",
                                "stay_factors must be ';'-separated codes from stay_factors.csv"),
        expect.derived_is_blank("_unknown_leave_risk", "leave_risks", "valid_code",
                                "leave_risks must be ';'-separated codes from leaving_reasons.csv"),
        expect.codes("intent_12m", {1: "Expect to stay", 2: "Expect to leave", 3: "Unsure"}),
    ]
    return rules


def derived_columns(frame: pd.DataFrame) -> dict[str, pd.Series]:
    return {"_unknown_stay_factor": unknown_codes(frame, "stay_factors", stay_factor_codes()),
            "_unknown_leave_risk": unknown_codes(frame, "leave_risks", leaving_reason_codes())}


def parameters(frame: pd.DataFrame, connection: Connection) -> dict:
    return {"known_units": unit_codes_known_by(connection, latest_date(optional(frame, "interview_date"))),
            "already_delivered_ids": loaded_identifiers(connection, "raw_stay_interview", "interview_id", frame)}


def wave_of(frame: pd.DataFrame) -> str:
    return f"{frame['interview_date'].min()}..{frame['interview_date'].max()}"


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> None:
    rows = pd.DataFrame({
        "interview_id": frame["interview_id"], "load_id": load_id,
        "interview_date": dates(frame["interview_date"]).dt.date, "unit_code": frame["unit_code"],
        "grade": optional(frame, "grade").replace("", None),
        **{c: as_small_ints(optional(frame, c)) for c in ("hard_to_recruit_role", "considering_leaving", "intent_12m")},
        "stay_factors": optional(frame, "stay_factors").replace("", None),
        "leave_risks": optional(frame, "leave_risks").replace("", None),
    })
    connection.execute(sa.insert(table(connection.engine, "raw_stay_interview")), records(rows))
    insert_comments(connection, "stay_interviews", frame, "interview_id", load_id)
    return None


SOURCE = Source("stay_interviews", canonical_lower(REQUIRED + OPTIONAL), expectations, wave_of, load,
                identifier="interview_id", parameters=parameters, derived_columns=derived_columns,
                stored_in=("raw_stay_interview",),
                comments=interview_comments("stay_interviews", "raw_stay_interview", "interview_id"),
                asset=INTERVIEW_RESULTS, changes_interview_results=True, watched=True)
