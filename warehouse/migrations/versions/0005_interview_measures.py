"""Exit and stay interview measures; views hr_leaving_rates, hr_leaver_reasons, hr_stay_factors (v1).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

HR_LEAVING_RATES_V1 = """
CREATE VIEW hr_leaving_rates AS
SELECT period, unit_code, unit_level, breakdown, group_value, measure,
       CASE WHEN suppressed THEN NULL ELSE value END AS value,
       CASE WHEN suppressed THEN NULL ELSE respondents END AS leavers,
       CASE WHEN suppressed THEN NULL ELSE population END AS average_headcount,
       suppressed
FROM fact_interview_measure
WHERE topic = 'leaving'
"""
# The survey figures come from hr_survey_results, so they carry its suppression; the survey wave
# is the latest current one not after the leaving year.
HR_LEAVER_REASONS_V1 = """
CREATE VIEW hr_leaver_reasons AS
SELECT f.period, f.unit_code, f.unit_level, f.breakdown, f.group_value, f.measure,
       CASE WHEN f.suppressed THEN NULL ELSE f.value END AS value,
       f.respondents AS interviews,
       f.suppressed,
       w.survey_wave,
       f.survey_measure,
       s.value AS survey_value,
       c1.value + c2.value AS survey_intend_to_leave
FROM fact_interview_measure f
LEFT JOIN (
    SELECT period, MAX(sw.wave) AS survey_wave
    FROM (SELECT DISTINCT period FROM fact_interview_measure WHERE topic = 'leaver_reason') p
    JOIN survey_wave sw ON sw.source = 'people_survey' AND sw.status = 'current' AND sw.wave <= p.period
    GROUP BY period
) w ON w.period = f.period
LEFT JOIN hr_survey_results s
       ON s.wave = w.survey_wave AND s.measure = f.survey_measure AND s.breakdown = f.breakdown
      AND COALESCE(s.unit_code, '') = COALESCE(f.unit_code, '') AND COALESCE(s.group_value, '') = COALESCE(f.group_value, '')
LEFT JOIN hr_survey_results c1
       ON c1.wave = w.survey_wave AND c1.measure = 'C01_1' AND c1.breakdown = f.breakdown
      AND COALESCE(c1.unit_code, '') = COALESCE(f.unit_code, '') AND COALESCE(c1.group_value, '') = COALESCE(f.group_value, '')
LEFT JOIN hr_survey_results c2
       ON c2.wave = w.survey_wave AND c2.measure = 'C01_2' AND c2.breakdown = f.breakdown
      AND COALESCE(c2.unit_code, '') = COALESCE(f.unit_code, '') AND COALESCE(c2.group_value, '') = COALESCE(f.group_value, '')
WHERE f.topic = 'leaver_reason'
"""
HR_STAY_FACTORS_V1 = """
CREATE VIEW hr_stay_factors AS
SELECT period, unit_code, unit_level, breakdown, group_value, measure,
       CASE WHEN suppressed THEN NULL ELSE value END AS value,
       respondents AS interviews,
       suppressed
FROM fact_interview_measure
WHERE topic = 'stay'
"""


def upgrade() -> None:
    op.create_table(
        "fact_interview_measure",
        sa.Column("topic", sa.String(16), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("unit_code", sa.String(64)),
        sa.Column("unit_level", sa.String(64), nullable=False),
        sa.Column("breakdown", sa.String(32), nullable=False),
        sa.Column("group_value", sa.String(32)),
        sa.Column("measure", sa.String(64), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.Column("population", sa.Float),
        sa.Column("survey_measure", sa.String(64)),
        sa.Column("suppressed", sa.Boolean, nullable=False),
    )
    op.create_index("ix_fact_interview_measure_topic", "fact_interview_measure", ["topic", "period"])
    op.bulk_insert(sa.table("ingest_lock", sa.column("source", sa.String)), [{"source": "interview_results"}])
    op.execute(HR_LEAVING_RATES_V1)
    op.execute(HR_LEAVER_REASONS_V1)
    op.execute(HR_STAY_FACTORS_V1)


def downgrade() -> None:
    for view in ("hr_stay_factors", "hr_leaver_reasons", "hr_leaving_rates"):
        op.execute(f"DROP VIEW {view}")
    op.drop_table("fact_interview_measure")
    op.execute("DELETE FROM ingest_lock WHERE source = 'interview_results'")
