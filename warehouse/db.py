"""Connections to the warehouse and its migrations (the same Alembic history for SQLite and PostgreSQL)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _enable_sqlite_safety(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # A second writer waits instead of failing at once with "database is locked".
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a database error must never print the rows it was given (personal data).
        engine = sa.create_engine(url, hide_parameters=True)
        sa.event.listen(engine, "connect", _enable_sqlite_safety)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the warehouse schema to `revision` (creates it on an empty database)."""
    from alembic import command

    with get_engine(url).begin() as connection:
        command.upgrade(_alembic_config(connection), revision)


def downgrade(url: str, revision: str) -> None:
    """Step the warehouse schema back to `revision` ("base" removes every table)."""
    from alembic import command

    with get_engine(url).begin() as connection:
        command.downgrade(_alembic_config(connection), revision)


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def table(engine: Engine, name: str) -> sa.Table:
    """The live table definition, reflected so that the migrations stay the single source of schema."""
    return _reflected_tables(engine)[name]


@lru_cache(maxsize=8)
def _reflected_tables(engine: Engine) -> dict[str, sa.Table]:
    metadata = sa.MetaData()
    metadata.reflect(bind=engine)
    return dict(metadata.tables)


def forget_reflected_schema() -> None:
    """Call after a migration so the next `table()` sees the new schema."""
    _reflected_tables.cache_clear()
