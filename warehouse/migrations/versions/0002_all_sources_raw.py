"""Raw tables for pulse surveys, exit and stay interviews; a per-source ingest lock.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PULSE_ITEMS = ["p_col1", "p_col2", "p_rec1", "p_rec2", "p_inn1", "p_inn2", "p_emp1", "p_emp2",
               "p_div1", "p_div2", "p_idn1", "p_idn2"]
PULSE_REPEATED_ITEMS = ["b33", "b57", "e03", "w10"]
# One lock row per source, and one for reloading the reference tables.
LOCK_NAMES = ["org_units", "workforce", "people_survey", "pulse", "exit_interviews", "stay_interviews", "reference"]


def upgrade() -> None:
    op.create_table(
        "ingest_lock",
        sa.Column("source", sa.String(32), primary_key=True),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(sa.table("ingest_lock", sa.column("source", sa.String)), [{"source": s} for s in LOCK_NAMES])
    op.create_table(
        "raw_pulse_response",
        sa.Column("wave_id", sa.Integer, sa.ForeignKey("survey_wave.wave_id"), primary_key=True),
        sa.Column("respondent_id", sa.String(64), primary_key=True),
        sa.Column("response_date", sa.Date, nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("grade", sa.String(16)),
        sa.Column("sex", sa.SmallInteger),
        *[sa.Column(c, sa.SmallInteger) for c in PULSE_ITEMS + PULSE_REPEATED_ITEMS],
    )
    op.create_table(
        "raw_exit_interview",
        sa.Column("leaver_id", sa.String(64), primary_key=True),
        sa.Column("load_id", sa.Integer, sa.ForeignKey("load_log.load_id"), nullable=False),
        sa.Column("interview_date", sa.Date, nullable=False),
        sa.Column("leaving_date", sa.Date, nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("grade", sa.String(16)),
        sa.Column("sex", sa.SmallInteger),
        sa.Column("ethnicity", sa.SmallInteger),
        sa.Column("long_term_health", sa.SmallInteger),
        sa.Column("tenure_years", sa.Float),
        sa.Column("employment_type", sa.SmallInteger),
        sa.Column("leaving_type", sa.SmallInteger, nullable=False),
        sa.Column("primary_reason", sa.String(64)),
        sa.Column("other_reasons", sa.Text),
        sa.Column("would_return", sa.SmallInteger),
        sa.Column("recommend_0_10", sa.SmallInteger),
    )
    op.create_table(
        "raw_stay_interview",
        sa.Column("interview_id", sa.String(64), primary_key=True),
        sa.Column("load_id", sa.Integer, sa.ForeignKey("load_log.load_id"), nullable=False),
        sa.Column("interview_date", sa.Date, nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("grade", sa.String(16)),
        sa.Column("hard_to_recruit_role", sa.SmallInteger, nullable=False),
        sa.Column("considering_leaving", sa.SmallInteger, nullable=False),
        sa.Column("stay_factors", sa.Text),
        sa.Column("leave_risks", sa.Text),
        sa.Column("intent_12m", sa.SmallInteger),
    )
    op.create_table(
        "raw_interview_comment",
        sa.Column("source", sa.String(32), primary_key=True),
        sa.Column("interview_id", sa.String(64), primary_key=True),
        sa.Column("question", sa.String(64), primary_key=True),
        sa.Column("load_id", sa.Integer, sa.ForeignKey("load_log.load_id"), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for name in ("raw_interview_comment", "raw_stay_interview", "raw_exit_interview", "raw_pulse_response", "ingest_lock"):
        op.drop_table(name)
