"""Runs the data tests declared in each view's contract (warehouse/views/<view>.yml).

Each check is a query that returns the offending rows; a check passes when it returns none. The
same SQL runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from warehouse.view_files import SUPPRESSION_FLAG, ViewContract

TOP_UNITS = "SELECT unit_code FROM hr_units WHERE depth = 1"


@dataclass(frozen=True)
class Check:
    view: str
    name: str
    sql: str


def _literal(value) -> str:
    return str(value) if isinstance(value, (int, float)) else "'" + str(value).replace("'", "''") + "'"


def checks(contract: ViewContract, min_group_size: int) -> list[Check]:
    view, spec, tests = contract.name, contract.spec, contract.spec.get("tests", {})
    found: list[Check] = []
    if contract.grain:
        keys = ", ".join(contract.grain)
        found.append(Check(view, f"one row per {keys}",
                           f"SELECT {keys}, COUNT(*) AS copies FROM {view} GROUP BY {keys} HAVING COUNT(*) > 1"))
    for column in tests.get("not_null", []):
        found.append(Check(view, f"{column} is never NULL", f"SELECT * FROM {view} WHERE {column} IS NULL"))
    for column, values in tests.get("accepted_values", {}).items():
        allowed = ", ".join(_literal(v) for v in values)
        found.append(Check(view, f"{column} in ({allowed})",
                           f"SELECT DISTINCT {column} FROM {view} WHERE {column} IS NOT NULL AND {column} NOT IN ({allowed})"))
    for link in tests.get("relationships", []):
        where = f" AND ({link['where']})" if link.get("where") else ""
        found.append(Check(view, f"every {link['column']} resolves to {link['to']}.{link['field']}",
                           f"SELECT DISTINCT {link['column']} FROM {view} WHERE {link['column']} IS NOT NULL{where} "
                           f"AND {link['column']} NOT IN (SELECT {link['field']} FROM {link['to']} "
                           f"WHERE {link['field']} IS NOT NULL)"))
    if tests.get("organisation_once"):
        found.append(Check(view, "the organisation is reported once, as unit_code NULL, never also as its top unit",
                           f"SELECT * FROM {view} WHERE unit_code IN ({TOP_UNITS}) "
                           f"OR (unit_code IS NULL AND unit_level <> 'organisation') "
                           f"OR (unit_code IS NOT NULL AND unit_level = 'organisation')"))
    if contract.figures:
        hidden = " OR ".join(f"{c} IS NOT NULL" for c in contract.figures)
        found.append(Check(view, f"no figure shown on a suppressed row ({', '.join(contract.figures)})",
                           f"SELECT * FROM {view} WHERE {SUPPRESSION_FLAG} AND ({hidden})"))
    count = tests.get("shown_rows_meet_the_minimum")
    if count:
        found.append(Check(view, f"every shown row has {count} >= {min_group_size}",
                           f"SELECT * FROM {view} WHERE NOT {SUPPRESSION_FLAG} AND ({count} IS NULL OR {count} < {min_group_size})"))
    for expectation in tests.get("expect_no_rows", []):
        found.append(Check(view, expectation["name"], expectation["sql"]))
    return found


def failures(connection: Connection, contract: ViewContract, min_group_size: int) -> list[str]:
    """One line per failing check, with up to three offending rows."""
    failed = []
    for check in checks(contract, min_group_size):
        rows = connection.execute(sa.text(check.sql)).fetchmany(3)
        if rows:
            failed.append(f"{check.view}: {check.name}: e.g. {[tuple(r) for r in rows]}")
    return failed
