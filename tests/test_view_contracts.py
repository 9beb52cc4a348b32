"""The data tests declared beside each hr_* view (warehouse/views/<view>.yml) pass on SQLite and
PostgreSQL, and catch what they are there to catch: a planted duplicate organisation row."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.view_checks import failures
from warehouse.db import get_engine
from warehouse.view_files import VIEW_ORDER, contract

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("view", VIEW_ORDER)
def test_view_meets_its_contract(sample_warehouse, view):
    with get_engine(sample_warehouse.warehouse_url).connect() as connection:
        assert connection.execute(sa.text(f"SELECT COUNT(*) FROM {view}")).scalar_one() > 0, f"{view} is empty"
        assert failures(connection, contract(view), sample_warehouse.min_group_size) == []


def test_every_hr_view_has_a_contract_and_every_contract_a_view(sample_warehouse):
    views = {v for v in sa.inspect(get_engine(sample_warehouse.warehouse_url)).get_view_names() if v.startswith("hr_")}
    assert views == set(VIEW_ORDER)
    for view in VIEW_ORDER:
        columns = [c["name"] for c in sa.inspect(get_engine(sample_warehouse.warehouse_url)).get_columns(view)]
        assert columns == contract(view).columns, view


def _failures_after(settings, plant: str, view: str) -> list[str]:
    """The view's contract failures with `plant` applied, rolled back afterwards."""
    with get_engine(settings.warehouse_url).connect() as connection:
        transaction = connection.begin()
        try:
            connection.execute(sa.text(plant))
            return failures(connection, contract(view), settings.min_group_size)
        finally:
            transaction.rollback()


ORGANISATION_LEAVERS = ("FROM fact_interview_measure WHERE topic = 'leaving' AND unit_code IS NULL "
                        "AND breakdown = 'all' AND measure = 'leaving_rate'")
COLUMNS = "topic, period, unit_code, unit_level, breakdown, group_value, measure, value, respondents, population, survey_measure, suppressed"


def test_grain_check_fails_on_a_planted_duplicate_organisation_row(sample_warehouse):
    plant = f"INSERT INTO fact_interview_measure ({COLUMNS}) SELECT {COLUMNS} {ORGANISATION_LEAVERS}"
    failed = _failures_after(sample_warehouse, plant, "hr_leaving_rates")
    assert any("one row per period, unit_code, breakdown, group_value, measure" in f for f in failed), failed


def test_organisation_check_fails_when_the_top_unit_is_reported_beside_the_organisation(sample_warehouse):
    """The defect of issue 14: the organisation once as unit_code NULL and once as its top unit."""
    as_top_unit = COLUMNS.replace("unit_code, unit_level", "(SELECT unit_code FROM hr_units WHERE depth = 1 AND is_current = 1), 'organisation'")
    plant = f"INSERT INTO fact_interview_measure ({COLUMNS}) SELECT {as_top_unit} {ORGANISATION_LEAVERS}"
    failed = _failures_after(sample_warehouse, plant, "hr_leaving_rates")
    assert any("the organisation is reported once" in f for f in failed), failed


def test_suppression_check_fails_when_a_count_shows_on_a_suppressed_row(sample_warehouse):
    # A view that forgot to hide its count: recreate hr_stay_factors without the rule, in the transaction.
    unprotected = contract("hr_stay_factors").select_sql
    with get_engine(sample_warehouse.warehouse_url).connect() as connection:
        transaction = connection.begin()
        try:
            connection.execute(sa.text("DROP VIEW hr_stay_factors"))
            connection.execute(sa.text(f"CREATE VIEW hr_stay_factors AS {unprotected}"))
            failed = failures(connection, contract("hr_stay_factors"), sample_warehouse.min_group_size)
        finally:
            transaction.rollback()
    assert any("no figure shown on a suppressed row" in f for f in failed), failed
