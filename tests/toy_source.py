"""A toy landing source written the way a new one is added: this module plus its contract.

Onboarding feedback: one row per new starter, a score on the agree5 scale. Its rows go to a table
the test creates (a real source would add it in a migration).
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines.ingest.sources.common import canonical_lower, records
from pipelines.ingest.sources.record import Source
from pipelines.ingest.validation import expect
from pipelines.shared import contract
from warehouse.db import table

NAME = "onboarding_feedback"
TABLE = "raw_onboarding_feedback"
COLUMNS = ("starter_id", "cohort", "score")


def create_table(connection: Connection) -> None:
    sa.Table(TABLE, sa.MetaData(), sa.Column("starter_id", sa.String(64), primary_key=True),
             sa.Column("cohort", sa.String(7), nullable=False), sa.Column("score", sa.SmallInteger, nullable=False),
             sa.Column("load_id", sa.Integer, nullable=False)).create(connection)


def expectations() -> list[dict]:
    return [*expect.identifier("starter_id"), *expect.required("cohort"), *expect.required("score"),
            expect.one_value("cohort"), expect.codes("score", contract.SCALE_CODES["agree5"])]


def wave_of(frame: pd.DataFrame) -> str:
    return frame["cohort"].iloc[0]


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> None:
    rows = pd.DataFrame({"starter_id": frame["starter_id"], "cohort": frame["cohort"],
                         "score": frame["score"].astype(int), "load_id": load_id})
    connection.execute(sa.insert(table(connection.engine, TABLE)), records(rows))
    return None


SOURCE = Source(NAME, canonical_lower(COLUMNS), expectations, wave_of, load, identifier="starter_id")
