"""Weighted pulse results and the HR view hr_pulse_results (v1).

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HR_PULSE_RESULTS_V1 = """
CREATE VIEW hr_pulse_results AS
SELECT w.wave AS pulse_id, f.unit_code, f.unit_name, f.unit_level, f.breakdown, f.group_value, f.group_label,
       f.measure, m.label AS measure_label,
       CASE WHEN f.suppressed THEN NULL ELSE f.value_weighted END AS value_weighted,
       CASE WHEN f.suppressed THEN NULL ELSE f.value_unweighted END AS value_unweighted,
       f.respondents,
       CASE WHEN f.suppressed THEN NULL ELSE f.effective_n END AS effective_n,
       CASE WHEN f.suppressed THEN NULL ELSE f.moe_95 END AS moe_95,
       CASE WHEN f.suppressed THEN NULL ELSE f.change_pp END AS change_pp,
       CASE WHEN f.suppressed THEN NULL ELSE f.change_significant END AS change_significant,
       f.benchmark,
       CASE WHEN f.suppressed THEN NULL ELSE f.diff_pp END AS diff_pp,
       CASE WHEN f.suppressed THEN NULL ELSE f.benchmark_significant END AS benchmark_significant,
       f.weighting,
       f.suppressed
FROM fact_pulse_measure f
JOIN survey_wave w ON w.wave_id = f.wave_id AND w.status = 'current'
LEFT JOIN ref_measure m ON m.measure = f.measure
"""


def upgrade() -> None:
    op.create_table(
        "fact_pulse_measure",
        sa.Column("wave_id", sa.Integer, sa.ForeignKey("survey_wave.wave_id"), nullable=False),
        sa.Column("unit_code", sa.String(64)),
        sa.Column("unit_name", sa.String(200)),
        sa.Column("unit_level", sa.String(64), nullable=False),
        sa.Column("breakdown", sa.String(32), nullable=False),
        sa.Column("group_value", sa.String(32)),
        sa.Column("group_label", sa.String(64)),
        sa.Column("measure", sa.String(64), nullable=False),
        sa.Column("value_weighted", sa.Float),
        sa.Column("value_unweighted", sa.Float),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.Column("effective_n", sa.Float),
        sa.Column("moe_95", sa.Float),
        sa.Column("benchmark", sa.Float),
        sa.Column("diff_pp", sa.Float),
        sa.Column("benchmark_significant", sa.Boolean),
        sa.Column("previous_value", sa.Float),
        sa.Column("change_pp", sa.Float),
        sa.Column("change_significant", sa.Boolean),
        sa.Column("weighting", sa.String(32), nullable=False),
        sa.Column("suppressed", sa.Boolean, nullable=False),
    )
    op.create_index("ix_fact_pulse_measure_wave", "fact_pulse_measure", ["wave_id"])
    op.execute(HR_PULSE_RESULTS_V1)


def downgrade() -> None:
    op.execute("DROP VIEW hr_pulse_results")
    op.drop_table("fact_pulse_measure")
