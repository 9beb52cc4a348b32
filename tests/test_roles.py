"""Acceptance: on PostgreSQL, hr_analyst reads every hr_* view and nothing else, and writes nothing."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.conftest import SAMPLES, scratch_schema
from tests.helpers import run_cli


RESTRICTED = ("raw_survey_response", "raw_survey_comment", "raw_flagged_comment", "raw_exit_interview",
              "raw_interview_comment", "load_log", "fact_survey_measure")


@pytest.fixture(scope="module")
def warehouse_with_roles(postgres_server, tmp_path_factory):
    """One warehouse with roles for the module: its tests only read it (and rerun `init --roles`,
    which changes nothing), so each need not load its own."""
    with scratch_schema(postgres_server) as url, pytest.MonkeyPatch.context() as patch:
        patch.setenv("CULTURE_WAREHOUSE_URL", url)
        patch.setenv("CULTURE_VAR_DIR", str(tmp_path_factory.mktemp("roles") / "var"))
        assert run_cli("ingest", "org_units", SAMPLES / "org_units_2024-01-01.csv") == 0
        assert run_cli("ingest", "people_survey", SAMPLES / "exa_people_survey_2024.csv") == 0
        assert run_cli("init", "--roles") == 0
        yield url


@pytest.fixture
def login_as(warehouse_with_roles):
    """Engines connected as fresh login roles that are members of a group role."""
    admin = sa.create_engine(warehouse_with_roles)
    created, engines = [], []

    def connect(group: str) -> sa.Engine:
        name = f"test_{group}_{uuid.uuid4().hex[:8]}"
        with admin.begin() as connection:
            connection.execute(sa.text(f"CREATE ROLE {name} LOGIN IN ROLE {group}"))
        created.append(name)
        engine = sa.create_engine(make_url(warehouse_with_roles).set(username=name))
        engines.append(engine)
        return engine

    yield connect
    for engine in engines:
        engine.dispose()
    with admin.begin() as connection:
        for name in created:
            connection.execute(sa.text(f"DROP ROLE {name}"))
    admin.dispose()


def denied(engine: sa.Engine, sql: str) -> bool:
    import psycopg

    try:
        with engine.begin() as connection:
            connection.execute(sa.text(sql))
    except sa.exc.ProgrammingError as error:
        assert isinstance(error.orig, psycopg.errors.InsufficientPrivilege), error
        return True
    return False


def test_hr_analyst_reads_every_hr_view(login_as, warehouse_with_roles):
    analyst = login_as("hr_analyst")
    views = [v for v in sa.inspect(sa.create_engine(warehouse_with_roles)).get_view_names() if v.startswith("hr_")]
    assert "hr_survey_results" in views
    with analyst.connect() as connection:
        for view in views:
            connection.execute(sa.text(f"SELECT * FROM {view} LIMIT 1")).all()
        assert connection.execute(sa.text("SELECT COUNT(*) FROM hr_survey_results")).scalar_one() > 1000


@pytest.mark.parametrize("table", RESTRICTED)
def test_hr_analyst_cannot_read_raw_data_or_the_load_log(login_as, table):
    assert denied(login_as("hr_analyst"), f"SELECT * FROM {table} LIMIT 1")


def test_hr_analyst_can_read_no_table_at_all(login_as, warehouse_with_roles):
    """Fact tables hold suppressed values and the comment table flagged comments: views only."""
    tables = sa.inspect(sa.create_engine(warehouse_with_roles)).get_table_names()
    assert {"fact_pulse_measure", "fact_interview_measure", "fact_comment_theme", "comment", "raw_pulse_response",
            "raw_stay_interview", "embedding_cache"} <= set(tables)
    analyst = login_as("hr_analyst")
    readable = [t for t in tables if not denied(analyst, f'SELECT * FROM "{t}" LIMIT 1')]
    assert readable == []


def test_hr_analyst_cannot_write_anything(login_as):
    analyst = login_as("hr_analyst")
    assert denied(analyst, "INSERT INTO load_log (source, file_name, checksum, outcome, loaded_at) VALUES ('x', 'x', 'x', 'x', now())")
    assert denied(analyst, "DELETE FROM fact_survey_measure")
    assert denied(analyst, "UPDATE ref_benchmark SET cs_mean = 0")
    assert denied(analyst, "CREATE TABLE mine (x int)")
    assert denied(analyst, "CREATE VIEW hr_mine AS SELECT 1 AS x")


def test_safeguarding_reads_flagged_comments_only(login_as):
    lead = login_as("culture_safeguarding")
    with lead.connect() as connection:
        connection.execute(sa.text("SELECT * FROM raw_flagged_comment")).all()
    assert denied(lead, "SELECT * FROM raw_survey_comment")
    assert denied(lead, "SELECT * FROM hr_survey_results")


def test_loader_writes_and_roles_survive_a_rerun(login_as, warehouse_with_roles):
    assert run_cli("init", "--roles") == 0  # idempotent
    loader = login_as("culture_loader")
    with loader.begin() as connection:
        connection.execute(sa.text("UPDATE ingest_lock SET locked_at = now() WHERE source = 'pulse'"))
        assert connection.execute(sa.text("SELECT COUNT(*) FROM raw_survey_response")).scalar_one() == 300


def test_roles_need_postgresql(sqlite_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("CULTURE_WAREHOUSE_URL", sqlite_url)
    monkeypatch.setenv("CULTURE_VAR_DIR", str(tmp_path / "var"))
    assert run_cli("init", "--roles") == 2
    assert "need PostgreSQL" in capsys.readouterr().out
