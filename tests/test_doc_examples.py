"""Every SQL example in docs/warehouse.md runs, as an analyst would run it, and returns rows: on
SQLite, and on PostgreSQL as a login in the hr_analyst role (so an example cannot rely on a table
analysts may not read). The doc and the views cannot drift apart unnoticed."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from warehouse import roles
from warehouse.db import get_engine

pytestmark = pytest.mark.slow
DOC = Path(__file__).resolve().parent.parent / "docs" / "warehouse.md"


def doc_examples(text: str) -> list[tuple[str, str]]:
    """(title, statement) for each statement of each ```sql block; the title is its leading comment."""
    examples = []
    for block in re.findall(r"```sql\n(.*?)```", text, flags=re.S):
        for statement in block.split(";"):
            lines = [line for line in statement.strip().splitlines()]
            comments = [line.strip("- ").strip() for line in lines if line.strip().startswith("--")]
            sql = "\n".join(line for line in lines if not line.strip().startswith("--")).strip()
            if sql:
                examples.append((comments[0] if comments else sql.splitlines()[0], sql))
    return examples


def test_the_doc_has_examples_for_every_view():
    examples = doc_examples(DOC.read_text(encoding="utf-8"))
    assert len(examples) >= 15
    text = " ".join(sql for _, sql in examples)
    from warehouse.view_files import VIEW_ORDER

    assert [v for v in VIEW_ORDER if v not in text] == []


@pytest.fixture
def analyst_engine(sample_warehouse):
    """SQLite: the warehouse itself. PostgreSQL: a fresh login in hr_analyst, dropped afterwards."""
    url = sample_warehouse.warehouse_url
    if not url.startswith("postgresql"):
        yield get_engine(url)
        return
    owner = get_engine(url)
    roles.create_roles(owner)
    login = f"test_analyst_{uuid.uuid4().hex[:8]}"
    with owner.begin() as connection:
        connection.execute(sa.text(f"CREATE ROLE {login} LOGIN IN ROLE {roles.ANALYST}"))
    engine = sa.create_engine(make_url(url).set(username=login))
    yield engine
    engine.dispose()
    with owner.begin() as connection:
        connection.execute(sa.text(f"DROP ROLE {login}"))


def test_every_doc_example_runs_and_returns_rows(analyst_engine):
    empty, failed = [], []
    for title, sql in doc_examples(DOC.read_text(encoding="utf-8")):
        try:
            with analyst_engine.connect() as connection:
                if not connection.execute(sa.text(sql)).first():
                    empty.append(title)
        except sa.exc.DBAPIError as error:
            failed.append(f"{title}: {str(error.orig).splitlines()[0]}")
    assert failed == [] and empty == []
