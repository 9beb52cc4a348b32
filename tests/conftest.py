"""Shared fixtures. Airflow is pointed at a throw-away home before anything imports it."""
from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import contextmanager
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


def _share_the_cores_between_workers() -> None:
    """Under pytest-xdist the workers already keep every core busy. A library that also starts a
    thread or process per core (torch's and BLAS's OpenMP pools, numba's, spaCy's processes for a
    large batch) only makes them contend, and OpenMP threads spin while they wait: on 2 cores, the
    NLP-heavy test files took 190 s of CPU with a pool per core and 141 s with one thread per
    worker (README, Development). So each worker, and what it starts, gets its share of the cores;
    a value already in the environment wins. Set before anything imports those libraries."""
    from nlp.redaction import usable_cores  # standard library only at import: nothing loads a pool early

    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    if workers < 1:
        return
    share = str(max(1, usable_cores() // workers))
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS", "CULTURE_NLP_PROCESSES"):
        os.environ.setdefault(name, share)


_share_the_cores_between_workers()

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


@contextmanager
def scratch_schema(server: str, prefix: str = "culture_test"):
    """A fresh, empty schema on the PostgreSQL `server`, as a warehouse URL; dropped on leaving.
    Each has a random name, so xdist workers (and anything else on the server) never share one."""
    import sqlalchemy as sa

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    # The application name marks every connection to this schema, from any process (an Airflow
    # task a test started, a second CLI), so the teardown can end them all before dropping it.
    url = f"{server}{'&' if '?' in server else '?'}options=-csearch_path%3D{schema}&application_name={schema}"
    try:
        yield url
    finally:
        from warehouse.db import get_engine

        get_engine(url).dispose()  # its idle connections would otherwise outlive the schema
        get_engine.cache_clear()
        with admin.begin() as connection:
            # A connection still reading the schema would deadlock against DROP ... CASCADE.
            connection.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                       "WHERE application_name = :schema AND pid <> pg_backend_pid()"),
                               {"schema": schema})
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def warehouse_on(request, backend: str, sqlite_file: Path, prefix: str = "culture_test"):
    """The URL of an empty warehouse on `backend` ("sqlite" or "postgres") for a fixture that
    chooses its own scope: a file for SQLite, a scratch schema (dropped on leaving) for PostgreSQL."""
    if backend == "sqlite":
        yield f"sqlite:///{sqlite_file}"
    else:
        with scratch_schema(request.getfixturevalue("postgres_server"), prefix) as url:
            yield url


@contextmanager
def shared_settings(request, tmp_path_factory, name: str, min_group_size: int = 10, prefix: str = "culture_test"):
    """Settings of an empty warehouse, with directories of its own, on a backend-parametrised
    fixture's backend ("sqlite" or "postgres"), for a fixture wider than a test."""
    from pipelines.config import Settings

    root = tmp_path_factory.mktemp(f"{name}-{request.param}")
    with warehouse_on(request, request.param, root / "warehouse.db", prefix) as url:
        yield Settings(root / "var", root / "landing", url, min_group_size)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty schema in the test database, dropped afterwards."""
    with scratch_schema(postgres_server) as url:
        yield url


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


def _point_cli_at(patch: pytest.MonkeyPatch, settings) -> None:
    patch.setenv("CULTURE_WAREHOUSE_URL", settings.warehouse_url)
    patch.setenv("CULTURE_VAR_DIR", str(settings.var_dir))
    patch.setenv("CULTURE_LANDING_DIR", str(settings.landing_dir))


@contextmanager
def culture_environment(settings):
    """Environment variables that make the CLI use these settings' warehouse and directories,
    restored on leaving (for fixtures wider than a test)."""
    with pytest.MonkeyPatch.context() as patch:
        _point_cli_at(patch, settings)
        yield settings


@pytest.fixture
def culture_env(monkeypatch, settings):
    """Environment variables that make the CLI use this test's warehouse and directories (on the
    test's own monkeypatch, so a test that changes them too is undone in the right order)."""
    _point_cli_at(monkeypatch, settings)
    return settings


@pytest.fixture(scope="session")
def airflow_metadata():
    """Airflow's metadata database in the throw-away AIRFLOW_HOME (migrated once per session)."""
    from pipelines.orchestration.airflow_local import ensure_metadata_database

    ensure_metadata_database()
    return _AIRFLOW_HOME


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def sample_warehouse(request, tmp_path_factory):
    """Settings of a warehouse holding every source of the synthetic organisation (built once per
    backend per session; tests that change it must do so inside a transaction they roll back)."""
    from tests.helpers import build_sample_warehouse

    with shared_settings(request, tmp_path_factory, "sample", prefix="culture_sample") as settings:
        build_sample_warehouse(settings, settings.landing_dir)
        yield settings


# -- running under pytest-xdist (`make test` runs `-n auto --dist loadgroup`) ------------------
# Each worker is its own process: it imports this file, so it has its own AIRFLOW_HOME above,
# its own tmp_path_factory root and its own scratch schemas. What xdist cannot share is a
# session- or module-scoped fixture: each worker that needs one builds its own. So the tests that
# use an expensive one are kept on one worker, per fixture and parameter, and it is built once.
SHARED_FIXTURES = ("sample_warehouse",)


def _xdist_group(item) -> str | None:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    params = getattr(getattr(item, "callspec", None), "params", {})
    for name in SHARED_FIXTURES:
        if name in info.name2fixturedefs:
            return f"{name}-{params.get(name, '')}"
    module = item.module.__name__ if getattr(item, "module", None) else None
    for name, definitions in info.name2fixturedefs.items():
        definition = definitions[-1]
        # A module-scoped fixture defined in the test module itself (a warehouse per module).
        if definition.scope == "module" and module and getattr(definition.func, "__module__", None) == module:
            return f"{module}.{name}-{params.get(name, '')}"
    return None


def pytest_itemcollected(item):
    if item.get_closest_marker("xdist_group") is None:
        group = _xdist_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_configure(config):
    # xdist would otherwise hand out its scopes by number of tests, undoing the slow-first order
    # below: a group of many quick tests is no reason to start early.
    if getattr(config.option, "dist", None) == "loadgroup":
        config.option.loadscopereorder = False


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """xdist 3.8 groups a worker's tests by the "@group" suffix it writes to `item._nodeid`, which
    pytest 9 no longer reads (a node's id is `item._id`): write the suffix where pytest reads it.
    Then the slow ones first."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                         for m in item.iter_markers("xdist_group")})
        if groups and "@" not in item.nodeid:
            item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(groups)}")
    # The slow tests, and every test of a group that holds one, are handed out first (in the order
    # collected), so that the last minutes spread small tests over both workers instead of leaving
    # one worker alone with a long one (xdist's own reordering is off: pytest_configure).
    scope = {item: item.nodeid.rpartition("@")[2] if "@" in item.nodeid else item.nodeid for item in items}
    slow = {scope[item] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: scope[item] not in slow)
