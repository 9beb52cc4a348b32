"""Shared fixtures. Airflow is pointed at a throw-away home before anything imports it."""
from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="culture-test-airflow-"))
os.environ["AIRFLOW_HOME"] = str(_AIRFLOW_HOME)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).resolve().parent.parent / "dags")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "WARNING"
os.environ["HF_HUB_OFFLINE"] = "1"
for name in ("CULTURE_WAREHOUSE_URL", "CULTURE_LANDING_DIR", "CULTURE_VAR_DIR", "CULTURE_MIN_GROUP_SIZE"):
    os.environ.pop(name, None)

POSTGRES_URL = os.environ.get("CULTURE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SAMPLES = Path(__file__).resolve().parent / "data"


def _postgres_available() -> str | None:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:  # noqa: BLE001 - any failure means "no server"
        return str(error).splitlines()[0]


@pytest.fixture(scope="session")
def postgres_server() -> str:
    problem = _postgres_available()
    if problem:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but PostgreSQL is not reachable at {POSTGRES_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable ({problem}); set REQUIRE_POSTGRES=1 to make this fail")
    return POSTGRES_URL


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty schema in the test database, dropped afterwards."""
    import sqlalchemy as sa

    schema = f"culture_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_server)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_server else "?"
    yield f"{postgres_server}{separator}options=-csearch_path%3D{schema}"
    from warehouse.db import get_engine

    get_engine.cache_clear()
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


@pytest.fixture(params=["sqlite", "postgres"])
def warehouse_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def settings(tmp_path, warehouse_url):
    from pipelines.config import Settings

    return Settings(var_dir=tmp_path / "var", landing_dir=tmp_path / "landing", warehouse_url=warehouse_url,
                    min_group_size=10)


@pytest.fixture
def culture_env(monkeypatch, settings):
    """Environment variables that make the CLI use this test's warehouse and directories."""
    monkeypatch.setenv("CULTURE_WAREHOUSE_URL", settings.warehouse_url)
    monkeypatch.setenv("CULTURE_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("CULTURE_LANDING_DIR", str(settings.landing_dir))
    return settings


@pytest.fixture(scope="session")
def airflow_metadata():
    """Airflow's metadata database in the throw-away AIRFLOW_HOME (migrated once per session)."""
    from pipelines.airflow_local import ensure_metadata_database

    ensure_metadata_database()
    return _AIRFLOW_HOME


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def sample_warehouse(request, tmp_path_factory):
    """Settings of a warehouse holding every source of the synthetic organisation (built once per
    backend per session; tests that change it must do so inside a transaction they roll back)."""
    import sqlalchemy as sa

    from pipelines.config import Settings
    from tests.helpers import build_sample_warehouse

    root = tmp_path_factory.mktemp(f"sample-{request.param}")
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{root / 'warehouse.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        schema = f"culture_sample_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(server)
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}"
    settings = Settings(var_dir=root / "var", landing_dir=root / "landing", warehouse_url=url, min_group_size=10)
    build_sample_warehouse(settings, root / "landing")
    yield settings
    if schema:
        from warehouse.db import get_engine

        get_engine(url).dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
