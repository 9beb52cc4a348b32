"""Redacted, themed comments; theme prevalence and trends with disclosure control; embedding cache (v1 views).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

HR_COMMENT_THEMES_V1 = """
CREATE VIEW hr_comment_themes AS
SELECT source, wave, question, unit_code, unit_level, theme,
       comments,
       CASE WHEN suppressed THEN NULL ELSE theme_comments END AS theme_comments,
       CASE WHEN suppressed THEN NULL ELSE value END AS value,
       suppressed
FROM fact_comment_theme
"""
HR_COMMENT_THEME_TRENDS_V1 = """
CREATE VIEW hr_comment_theme_trends AS
SELECT source, wave, theme, comments, theme_comments, value,
       value - LAG(value) OVER (PARTITION BY source, theme ORDER BY wave) AS change_pp,
       suppressed
FROM hr_comment_themes
WHERE question = '*' AND unit_level = 'organisation'
"""
HR_COMMENTS_V1 = """
CREATE VIEW hr_comments AS
SELECT source, wave, question, reportable_unit_code AS unit_code, theme, theme_similarity, topic, redacted_text
FROM comment
WHERE NOT flagged
"""


def upgrade() -> None:
    op.create_table(
        "comment",
        # sha256 of source, wave, respondent, question and raw text: stable across reruns, not reversible.
        sa.Column("comment_key", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("wave", sa.String(32), nullable=False),
        sa.Column("question", sa.String(64), nullable=False),
        sa.Column("unit_code", sa.String(64)),
        sa.Column("reportable_unit_code", sa.String(64)),
        sa.Column("redacted_text", sa.Text, nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("theme", sa.String(64), nullable=False),
        sa.Column("theme_similarity", sa.Float, nullable=False),
        sa.Column("topic", sa.String(128)),
        sa.Column("topic_probability", sa.Float),
        sa.Column("flagged", sa.Boolean, nullable=False),
        # Redactions per placeholder type as JSON, e.g. {"PERSON": 1}; never the values.
        sa.Column("redaction_counts", sa.Text, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_comment_wave", "comment", ["source", "wave"])
    op.bulk_insert(sa.table("ingest_lock", sa.column("source", sa.String)), [{"source": "comments"}])
    op.create_table(
        "embedding_cache",
        sa.Column("text_hash", sa.String(64), primary_key=True),
        sa.Column("model", sa.String(64), primary_key=True),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "fact_comment_theme",
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("wave", sa.String(32), nullable=False),
        sa.Column("question", sa.String(64), nullable=False),
        sa.Column("unit_code", sa.String(64)),
        sa.Column("unit_level", sa.String(64), nullable=False),
        sa.Column("theme", sa.String(64), nullable=False),
        sa.Column("comments", sa.Integer, nullable=False),
        sa.Column("theme_comments", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("suppressed", sa.Boolean, nullable=False),
    )
    op.create_index("ix_fact_comment_theme_wave", "fact_comment_theme", ["source", "wave"])
    op.execute(HR_COMMENT_THEMES_V1)
    op.execute(HR_COMMENT_THEME_TRENDS_V1)
    op.execute(HR_COMMENTS_V1)


def downgrade() -> None:
    op.execute("DROP VIEW hr_comments")
    op.execute("DROP VIEW hr_comment_theme_trends")
    op.execute("DROP VIEW hr_comment_themes")
    for name in ("fact_comment_theme", "embedding_cache", "comment"):
        op.drop_table(name)
    op.execute("DELETE FROM ingest_lock WHERE source = 'comments'")
