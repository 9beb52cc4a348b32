"""Bulk inserts: PostgreSQL's COPY where the driver offers it, plain executemany on SQLite.

COPY runs on the same DBAPI connection, so it belongs to the caller's transaction: a failure
later in the load still rolls it back.
"""
from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from warehouse.db import table


def _python_values(frame: pd.DataFrame, target: sa.Table) -> pd.DataFrame:
    """None for missing values; whole numbers where the table's column is an integer (COPY sends
    text, and a float column that only had NaN beside its integers would send '2024.0')."""
    frame = frame.astype(object).where(frame.notna(), None)
    for column in frame.columns:
        if isinstance(target.c[column].type, sa.Integer):
            # Built as an object Series: .map() would infer float64 again and bring back NaN.
            frame[column] = pd.Series([None if v is None else int(v) for v in frame[column]], index=frame.index, dtype=object)
    return frame


def bulk_insert(connection: Connection, name: str, frame: pd.DataFrame) -> int:
    """Insert every row of `frame` (columns named as the table's) into table `name`. Returns rows."""
    if frame.empty:
        return 0
    target = table(connection.engine, name)
    rows = _python_values(frame, target)
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        preparer = connection.dialect.identifier_preparer
        columns = ", ".join(preparer.quote(c) for c in rows.columns)
        with connection.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f"COPY {preparer.format_table(target)} ({columns}) FROM STDIN") as copy:
                for row in rows.itertuples(index=False, name=None):
                    copy.write_row(row)
    elif connection.dialect.name == "sqlite" and not any(
            isinstance(target.c[c].type, (sa.Date, sa.DateTime)) for c in rows.columns):
        # Plain tuples straight to sqlite3: SQLAlchemy's per-value processing of a dict per row
        # costs more than the insert itself on wide tables. Dates are left to SQLAlchemy's format.
        placeholders = ", ".join("?" for _ in rows.columns)
        columns = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in rows.columns)
        connection.exec_driver_sql(f"INSERT INTO {connection.dialect.identifier_preparer.format_table(target)} "
                                   f"({columns}) VALUES ({placeholders})", list(rows.itertuples(index=False, name=None)))
    else:
        connection.execute(sa.insert(target), rows.to_dict("records"))
    return len(rows)
