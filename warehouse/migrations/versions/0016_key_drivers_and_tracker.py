"""Key drivers and focus areas per unit (fact_key_driver, hr_key_drivers, hr_focus_areas) and the
inspection's areas for improvement tracked wave by wave (fact_improvement_tracker,
hr_improvement_tracker).

Revision ID: 0016
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

from warehouse import view_files

revision = "0016"
down_revision = "0020"
branch_labels = None
depends_on = None

NEW_VIEWS = ("hr_key_drivers", "hr_focus_areas", "hr_improvement_tracker", "hr_retention_risk")


def upgrade() -> None:
    op.create_table(
        "fact_key_driver",
        sa.Column("wave_id", sa.Integer, sa.ForeignKey("survey_wave.wave_id"), nullable=False),
        sa.Column("unit_code", sa.String(64)),
        sa.Column("unit_name", sa.String(200)),
        sa.Column("unit_level", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(64), nullable=False),
        sa.Column("driver", sa.String(64), nullable=False),
        sa.Column("importance", sa.Float, nullable=False),
        sa.Column("importance_share", sa.Float, nullable=False),
        sa.Column("share_low", sa.Float, nullable=False),
        sa.Column("share_high", sa.Float, nullable=False),
        sa.Column("importance_rank", sa.Integer, nullable=False),
        sa.Column("r_squared", sa.Float, nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("benchmark", sa.Float),
        sa.Column("diff_pp", sa.Float),
        sa.Column("organisation_score", sa.Float),
        sa.Column("below_benchmark", sa.Boolean),
        sa.Column("below_organisation", sa.Boolean),
        sa.Column("focus", sa.String(16)),
        sa.Column("focus_rank", sa.Integer),
        sa.Column("suppressed", sa.Boolean, nullable=False),
    )
    op.create_index("ix_fact_key_driver_wave", "fact_key_driver", ["wave_id"])
    op.create_table(
        "fact_improvement_tracker",
        sa.Column("area_id", sa.String(64), nullable=False),
        sa.Column("area", sa.String(200), nullable=False),
        sa.Column("measure", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("wave_id", sa.Integer, sa.ForeignKey("survey_wave.wave_id"), nullable=False),
        sa.Column("wave", sa.String(32), nullable=False),
        sa.Column("direction", sa.String(16), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("previous_value", sa.Float),
        sa.Column("change_pp", sa.Float),
        sa.Column("change_significant", sa.Boolean),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("target_value", sa.Float),
        sa.Column("target_year", sa.Integer),
        sa.Column("gap_to_target", sa.Float),
        sa.Column("target_met", sa.Boolean),
        sa.Column("suppressed", sa.Boolean, nullable=False),
    )
    # The views over these tables are created by 0023: their files read columns it adds.


def downgrade() -> None:
    view_files.drop_views(op.execute, NEW_VIEWS)
    op.drop_table("fact_improvement_tracker")
    op.drop_index("ix_fact_key_driver_wave", "fact_key_driver")
    op.drop_table("fact_key_driver")
