"""People survey star schema, load log and the hr_survey_results view (v1).

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copy of the question bank and leaving-reason codes at the time of this migration:
# a later bank change must arrive as a new migration, not by editing this list.
QUESTION_CODES = [
    "B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09", "B10", "B11", "B12", "B13",
    "B14", "B15", "B16", "B16A", "B18", "B19", "B20", "B21", "B22", "B23", "B24", "B25", "B26",
    "B27", "B28", "B29", "B30", "B31", "B32", "B33", "B34", "B35", "B36", "B37", "B37A", "B37B",
    "B38", "B39", "B40", "B41", "B42", "B43", "B44", "B45", "B46", "B47", "B48", "B49", "B50",
    "B51", "B52", "B53", "B54", "B55", "B56", "B57", "B58", "B59", "B59A", "B59B", "B59C", "B59D",
    "B59E", "B59F", "B59G", "B59H", "B60", "B61", "C01", "D01A", "D02", "D03", "E01", "E03", "E05",
    "E06_A", "E06_B", "E06_C", "E06_D", "W01", "W02", "W03", "W04", "J04B", "W05", "W09", "W10",
]
LEAVING_REASON_CODES = [
    "end_contract", "promotion_inside_cs", "promotion_outside_cs", "pay_benefits",
    "interesting_work", "workload", "work_life_balance", "inclusion_fair_treatment", "culture",
    "line_management", "work_relationships", "leadership", "personal_circumstances", "retiring",
    "just_want_change", "bullying_harassment", "it_tools", "learning_development", "relocation",
    "other",
]
DEMOGRAPHIC_COLUMNS = [
    "sex", "gender_same_as_sex", "sexual_orientation", "ethnicity", "long_term_health",
    "age_band", "employment_type",
]

HR_SURVEY_RESULTS_V1 = """
CREATE VIEW hr_survey_results AS
SELECT
    w.source AS source,
    w.wave AS wave,
    w.org_code AS org_code,
    m.unit_code AS unit_code,
    m.unit_name AS unit_name,
    m.unit_level AS unit_level,
    m.breakdown AS breakdown,
    m.group_value AS group_value,
    m.group_label AS group_label,
    m.measure AS measure,
    rm.label AS measure_label,
    CASE WHEN m.suppressed THEN NULL ELSE m.value END AS value,
    m.respondents AS respondents,
    m.benchmark AS benchmark,
    m.benchmark_year AS benchmark_year,
    CASE WHEN m.suppressed THEN NULL ELSE m.diff_pp END AS diff_pp,
    CASE WHEN m.suppressed THEN NULL ELSE m.significant END AS significant,
    CASE WHEN m.suppressed THEN NULL ELSE m.change_pp END AS change_pp,
    CASE WHEN m.suppressed THEN NULL ELSE m.change_significant END AS change_significant,
    m.suppressed AS suppressed
FROM fact_survey_measure m
JOIN survey_wave w ON w.wave_id = m.wave_id AND w.status = 'current'
LEFT JOIN ref_measure rm ON rm.measure = m.measure
"""


def upgrade() -> None:
    op.create_table(
        "ref_question",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("theme", sa.String(64)),
        sa.Column("scale", sa.String(32), nullable=False),
        sa.Column("positive_codes", sa.String(64)),
        sa.Column("asked_if", sa.String(64)),
        sa.Column("label", sa.Text, nullable=False),
    )
    op.create_table(
        "ref_benchmark",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("measure", sa.String(64), primary_key=True),
        sa.Column("cs_benchmark_median", sa.Float),
        sa.Column("cs_mean", sa.Float),
    )
    op.create_table(
        "ref_code",
        sa.Column("list_name", sa.String(64), primary_key=True),
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("attribute", sa.String(64)),
    )
    op.create_table(
        "ref_measure",
        sa.Column("measure", sa.String(64), primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("question_code", sa.String(16)),
        sa.Column("theme", sa.String(64)),
    )
    op.create_table(
        "load_log",
        sa.Column("load_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("wave", sa.String(32)),
        sa.Column("rows", sa.Integer),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("message", sa.Text),
        sa.Column("report_path", sa.Text),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_load_log_checksum", "load_log", ["source", "checksum"])
    op.create_table(
        "dim_org_unit",
        sa.Column("unit_code", sa.String(64), primary_key=True),
        sa.Column("valid_from", sa.Date, primary_key=True),
        sa.Column("unit_name", sa.Text, nullable=False),
        sa.Column("parent_code", sa.String(64)),
        sa.Column("level", sa.String(64), nullable=False),
        sa.Column("load_id", sa.Integer, sa.ForeignKey("load_log.load_id")),
    )
    op.create_table(
        "fact_workforce",
        sa.Column("snapshot_date", sa.Date, nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("grade", sa.String(16)),
        sa.Column("sex", sa.SmallInteger),
        sa.Column("headcount", sa.Integer, nullable=False),
        sa.Column("load_id", sa.Integer, sa.ForeignKey("load_log.load_id")),
    )
    op.create_index("ix_fact_workforce_snapshot", "fact_workforce", ["snapshot_date"])
    op.create_table(
        "survey_wave",
        sa.Column("wave_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("org_code", sa.String(32), nullable=False),
        sa.Column("wave", sa.String(32), nullable=False),
        sa.Column("survey_year", sa.Integer),
        sa.Column("load_id", sa.Integer, sa.ForeignKey("load_log.load_id"), nullable=False),
        # staged -> current -> superseded; views only ever read 'current'.
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_survey_wave_lookup", "survey_wave", ["source", "org_code", "wave", "status"])
    response_columns = [
        sa.Column("wave_id", sa.Integer, sa.ForeignKey("survey_wave.wave_id"), primary_key=True),
        sa.Column("respondent_id", sa.String(64), primary_key=True),
        sa.Column("unit_code", sa.String(64), nullable=False),
        sa.Column("grade", sa.String(16)),
        sa.Column("work_location", sa.Text),
    ]
    response_columns += [sa.Column(c, sa.SmallInteger) for c in DEMOGRAPHIC_COLUMNS]
    response_columns += [sa.Column(c.lower(), sa.SmallInteger) for c in QUESTION_CODES]
    response_columns += [sa.Column(f"c02_{r}", sa.SmallInteger) for r in LEAVING_REASON_CODES]
    op.create_table("raw_survey_response", *response_columns)
    op.create_table(
        "raw_survey_comment",
        sa.Column("wave_id", sa.Integer, sa.ForeignKey("survey_wave.wave_id"), primary_key=True),
        sa.Column("respondent_id", sa.String(64), primary_key=True),
        sa.Column("question", sa.String(64), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "fact_survey_measure",
        sa.Column("wave_id", sa.Integer, sa.ForeignKey("survey_wave.wave_id"), nullable=False),
        sa.Column("unit_code", sa.String(64)),
        sa.Column("unit_name", sa.Text),
        sa.Column("unit_level", sa.String(64), nullable=False),
        sa.Column("breakdown", sa.String(32), nullable=False),
        sa.Column("group_value", sa.String(32)),
        sa.Column("group_label", sa.Text),
        sa.Column("measure", sa.String(64), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("respondents", sa.Integer, nullable=False),
        sa.Column("benchmark", sa.Float),
        sa.Column("benchmark_year", sa.Integer),
        sa.Column("diff_pp", sa.Float),
        sa.Column("significant", sa.Boolean),
        sa.Column("previous_value", sa.Float),
        sa.Column("change_pp", sa.Float),
        sa.Column("change_significant", sa.Boolean),
        sa.Column("suppressed", sa.Boolean, nullable=False),
    )
    op.create_index("ix_fact_survey_measure_wave", "fact_survey_measure", ["wave_id", "measure"])
    op.execute(HR_SURVEY_RESULTS_V1)


def downgrade() -> None:
    op.execute("DROP VIEW hr_survey_results")
    for table in (
        "fact_survey_measure", "raw_survey_comment", "raw_survey_response", "survey_wave",
        "fact_workforce", "dim_org_unit", "load_log", "ref_measure", "ref_code",
        "ref_benchmark", "ref_question",
    ):
        op.drop_table(table)
