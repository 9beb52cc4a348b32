"""The PostgreSQL scratch schema under every warehouse test is dropped even while another process
is still inside a transaction on it (a task process killed mid-query leaves its server backend
running), so one test's leftovers never fail or hang another's teardown."""
from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.conftest import scratch_schema

HOLD_A_LOCK = """
import sqlalchemy as sa, sys, time
with sa.create_engine(sys.argv[1]).connect() as connection:
    connection.execute(sa.text("SELECT COUNT(*) FROM held"))
    print("holding", flush=True)
    time.sleep(300)
"""


@pytest.mark.postgres
@pytest.mark.timeout(60)  # without ending the holder's backend the DROP waits for its lock forever
def test_a_schema_is_dropped_while_another_process_holds_a_lock_in_it(postgres_server):
    holder = None
    try:
        with scratch_schema(postgres_server) as url:
            engine = sa.create_engine(url)
            with engine.begin() as connection:
                connection.execute(sa.text("CREATE TABLE held (n integer)"))
            engine.dispose()
            holder = subprocess.Popen([sys.executable, "-c", HOLD_A_LOCK, url], stdout=subprocess.PIPE, text=True)
            assert holder.stdout.readline().strip() == "holding"
            schema = make_url(url).query["application_name"]
        admin = sa.create_engine(postgres_server)
        with admin.connect() as connection:
            left = connection.execute(sa.text("SELECT COUNT(*) FROM information_schema.schemata "
                                              "WHERE schema_name = :s"), {"s": schema}).scalar()
        admin.dispose()
        assert left == 0
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()
