"""A toy landing source written the way a new one is added: this module plus its contract.

Onboarding feedback: one row per new starter of a monthly cohort, a score on the agree5 scale and
optional free text. Each cohort is a survey wave: a corrected delivery replaces the earlier one.
Its record declares everything the rest of the pipeline needs: the tables a wave version fills,
its comments (so the NLP step redacts and themes them, and `culture purge-raw-text` purges them),
its results step and its Asset. Its tables are created by the test (a real source would add them
in a migration).
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pipelines.ingest.sources.common import canonical_lower, records, text_columns
from pipelines.ingest.sources.record import Source
from pipelines.ingest.validation import expect
from pipelines.shared import contract
from pipelines.shared.free_text import RawComments
from warehouse import load_log, waves
from warehouse.db import table

NAME = "onboarding_feedback"
TABLE = "raw_onboarding_feedback"
COMMENT_TABLE = "raw_onboarding_comment"
COLUMNS = ("starter_id", "cohort", "score")
ASSET = "onboarding_feedback_results"
ORGANISATION = "all"  # the feed covers one organisation


def create_tables(connection: Connection) -> None:
    metadata = sa.MetaData()
    sa.Table("survey_wave", metadata, autoload_with=connection)

    def version_of_wave() -> sa.Column:
        return sa.Column("wave_id", sa.Integer, sa.ForeignKey("survey_wave.wave_id"), primary_key=True)

    feedback = sa.Table(TABLE, metadata, version_of_wave(), sa.Column("starter_id", sa.String(64), primary_key=True),
                        sa.Column("cohort", sa.String(7), nullable=False),
                        sa.Column("score", sa.SmallInteger, nullable=False))
    comments = sa.Table(COMMENT_TABLE, metadata, version_of_wave(), sa.Column("starter_id", sa.String(64), primary_key=True),
                        sa.Column("question", sa.String(64), primary_key=True), sa.Column("text", sa.Text, nullable=False))
    metadata.create_all(connection, tables=[feedback, comments])


def expectations() -> list[dict]:
    return [*expect.identifier("starter_id"), *expect.required("cohort"), *expect.required("score"),
            expect.one_value("cohort"), expect.codes("score", contract.SCALE_CODES["agree5"])]


def wave_of(frame: pd.DataFrame) -> str:
    return frame["cohort"].iloc[0]


def load(connection: Connection, frame: pd.DataFrame, load_id: int) -> int:
    """Stage the cohort as a new version of its wave; the results step publishes it."""
    wave_id = waves.stage_wave(connection, source=NAME, org_code=ORGANISATION, wave=wave_of(frame), survey_year=None,
                               load_id=load_id, respondents=len(frame))
    rows = pd.DataFrame({"wave_id": wave_id, "starter_id": frame["starter_id"], "cohort": frame["cohort"],
                         "score": frame["score"].astype(int)})
    connection.execute(sa.insert(table(connection.engine, TABLE)), records(rows))
    comments = [{"wave_id": wave_id, "starter_id": starter, "question": column, "text": text}
                for column in text_columns(frame) for starter, text in zip(frame["starter_id"], frame[column]) if text]
    if comments:
        connection.execute(sa.insert(table(connection.engine, COMMENT_TABLE)), comments)
    return wave_id


class Results:
    """The toy's results step: no figures to compute; publishing makes the cohort's latest delivery current."""

    def compute(self, engine: Engine, wave_id: int, min_group_size: int) -> int:
        return 0

    def publish(self, engine: Engine, wave_id: int, min_group_size: int, wave_tables) -> list[int]:
        with engine.begin() as connection:
            load_log.lock_source(connection, NAME)
            return waves.publish_wave(connection, wave_id, wave_tables)


RESULTS = Results()

COMMENTS = RawComments(COMMENT_TABLE, f"""
    SELECT w.source, w.wave, c.starter_id AS respondent_id, c.question, c.text, NULL AS unit_code
    FROM {COMMENT_TABLE} c JOIN survey_wave w ON w.wave_id = c.wave_id AND w.status = 'current'""")

SOURCE = Source(NAME, canonical_lower(COLUMNS), expectations, wave_of, load, identifier="starter_id", stored_in=(TABLE,),
                comments=COMMENTS, results=f"{__name__}:RESULTS", wave_tables=(TABLE, COMMENT_TABLE), asset=ASSET)
