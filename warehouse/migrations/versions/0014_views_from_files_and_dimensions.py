"""hr_* views from versioned SQL files (warehouse/views/), figures hidden on suppressed rows by one
rule (counts included); analyst dimensions hr_units, hr_measures, hr_grades, hr_periods; measure
descriptions in ref_measure; benchmark_year on pulse figures.

Revision ID: 0014
Revises: 0006
"""
import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from warehouse import view_files

revision = "0014"
down_revision = "0006"
branch_labels = None
depends_on = None

MEASURE_DESCRIPTION_COLUMNS = ("question_text", "polarity", "value_unit", "base", "csps_code", "sources")
# The v1 views, in creation order, and the migration that holds each one's SQL.
V1_VIEWS = (
    ("0001_people_survey_star", "HR_SURVEY_RESULTS_V1"),
    ("0004_comments", "HR_COMMENT_THEMES_V1"),
    ("0004_comments", "HR_COMMENT_THEME_TRENDS_V1"),
    ("0004_comments", "HR_COMMENTS_V1"),
    ("0005_interview_measures", "HR_LEAVING_RATES_V1"),
    ("0005_interview_measures", "HR_LEAVER_REASONS_V1"),
    ("0005_interview_measures", "HR_STAY_FACTORS_V1"),
    ("0006_pulse_results", "HR_PULSE_RESULTS_V1"),
)


# The views this migration creates (later migrations add theirs, over tables they create).
VIEWS_OF_0014 = (
    "hr_units", "hr_measures", "hr_grades", "hr_periods", "hr_survey_results", "hr_pulse_results",
    "hr_comment_themes", "hr_comment_theme_trends", "hr_comments", "hr_leaving_rates", "hr_leaver_reasons",
    "hr_stay_factors",
)


def _v1_sql(module_name: str, constant: str) -> str:
    path = Path(__file__).resolve().parent / f"{module_name}.py"
    spec = importlib.util.spec_from_file_location(f"_culture_migration_{module_name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, constant)


def upgrade() -> None:
    # Every view reads the tables changed below, so they all go first (dependents before their sources).
    view_files.drop_views(op.execute)
    with op.batch_alter_table("ref_measure") as batch:
        for column in MEASURE_DESCRIPTION_COLUMNS:
            batch.add_column(sa.Column(column, sa.Text))
    with op.batch_alter_table("fact_pulse_measure") as batch:
        batch.add_column(sa.Column("benchmark_year", sa.Integer))
    view_files.create_views(op.execute, VIEWS_OF_0014, as_of="0014")


def downgrade() -> None:
    view_files.drop_views(op.execute)
    with op.batch_alter_table("fact_pulse_measure") as batch:
        batch.drop_column("benchmark_year")
    with op.batch_alter_table("ref_measure") as batch:
        for column in MEASURE_DESCRIPTION_COLUMNS:
            batch.drop_column(column)
    for module_name, constant in V1_VIEWS:
        op.execute(_v1_sql(module_name, constant))
