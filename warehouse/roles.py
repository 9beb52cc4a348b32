"""PostgreSQL roles that keep raw data private (created by `culture init --roles`).

Group roles (NOLOGIN); an administrator grants them to people's login roles, e.g.
`CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE hr_analyst;`.

| role | may |
|---|---|
| culture_admin | everything on the warehouse's schema (migrations, grants) |
| culture_loader | read and write every table; read the views (the pipeline's own account) |
| hr_analyst | read the hr_* views, nothing else (views run with their owner's rights, so no raw table is exposed) |
| culture_safeguarding | read the flagged-comments table, nothing else |
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

ADMIN, LOADER, ANALYST, SAFEGUARDING = "culture_admin", "culture_loader", "hr_analyst", "culture_safeguarding"
ROLES = (ADMIN, LOADER, ANALYST, SAFEGUARDING)
SAFEGUARDING_TABLES = ("raw_flagged_comment",)


class RolesNeedPostgres(RuntimeError):
    pass


def _schema(connection: Connection) -> str:
    return connection.execute(sa.text("SELECT current_schema()")).scalar_one()


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def create_roles(engine: Engine) -> None:
    """Create the group roles if missing, then grant what each may do. Safe to rerun."""
    if engine.dialect.name != "postgresql":
        raise RolesNeedPostgres("database roles need PostgreSQL; the embedded SQLite warehouse is single-user")
    with engine.begin() as connection:
        # Roles are server-wide: two processes creating them at once (two warehouses' `init
        # --roles`, parallel test workers) would both see one missing and one CREATE would fail.
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('culture_create_roles'))"))
        for role in ROLES:
            connection.execute(sa.text(
                f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
                f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"))
    apply_grants(engine)


def roles_exist(engine: Engine) -> bool:
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT COUNT(*) FROM pg_roles WHERE rolname = :r"), {"r": ANALYST}).scalar_one() == 1


def apply_grants(engine: Engine) -> None:
    """(Re)grant on every current table and view, so objects added by later migrations are covered."""
    with engine.begin() as connection:
        # Two processes granting at once fail with "tuple concurrently updated": take turns.
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('culture_apply_grants'))"))
        schema = _quote(connection, _schema(connection))
        inspector = sa.inspect(connection)
        tables = inspector.get_table_names()
        views = inspector.get_view_names()
        everything = ", ".join(_quote(connection, n) for n in tables + views)
        connection.execute(sa.text(f"GRANT USAGE ON SCHEMA {schema} TO {LOADER}, {ANALYST}, {SAFEGUARDING}"))
        connection.execute(sa.text(f"GRANT ALL ON SCHEMA {schema} TO {ADMIN}"))
        connection.execute(sa.text(f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {ADMIN}"))
        connection.execute(sa.text(f"REVOKE ALL ON {everything} FROM {ANALYST}, {SAFEGUARDING}"))
        connection.execute(sa.text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {everything} TO {LOADER}"))
        connection.execute(sa.text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {LOADER}"))
        hr_views = [v for v in views if v.startswith("hr_")]
        if hr_views:
            connection.execute(sa.text(f"GRANT SELECT ON {', '.join(_quote(connection, v) for v in hr_views)} TO {ANALYST}"))
        flagged = [t for t in SAFEGUARDING_TABLES if t in tables]
        if flagged:
            connection.execute(sa.text(f"GRANT SELECT ON {', '.join(flagged)} TO {SAFEGUARDING}"))
