"""A new source is one module and its contract (tests/toy_source.py): registered, `culture init`
gives it an ingest lock and the flow takes its files in like those of the shipped sources."""
from __future__ import annotations

import pytest

from pipelines.ingest import sources
from pipelines.ingest.validation.suites import rendered
from pipelines.orchestration import flow
from tests import toy_source
from tests.helpers import query
from warehouse.db import get_engine, migrate
from warehouse.load_log import MissingLock, lock_source

GOOD = "starter_id,cohort,score\nS001,2026-09,4\nS002,2026-09,5\nS003,2026-09,2\n"
BAD = "starter_id,cohort,score\nS101,2026-10,4\nS102,2026-10,9\n"  # 9 is not on the agree5 scale


@pytest.fixture
def toy_registered(tmp_path):
    contract = tmp_path / "contracts" / f"{toy_source.NAME}.json"
    contract.parent.mkdir()
    sources.register(toy_source.SOURCE, contract)
    contract.write_text(rendered(toy_source.NAME), encoding="utf-8")  # as `python -m ...suites` writes it
    yield
    sources.unregister(toy_source.NAME)


def test_a_registered_source_is_locked_validated_loaded_and_visible(settings, toy_registered):
    migrate(settings.warehouse_url)
    engine = get_engine(settings.warehouse_url)
    with pytest.raises(MissingLock), engine.begin() as connection:
        lock_source(connection, toy_source.NAME)  # the migrations know nothing of it
    with engine.begin() as connection:
        toy_source.create_table(connection)  # what the new source's migration would do

    flow.initialise_warehouse(settings)
    with engine.begin() as connection:
        lock_source(connection, toy_source.NAME)
    landing = settings.landing_dir / toy_source.NAME
    landing.mkdir(parents=True)
    (landing / "feedback_2026-09.csv").write_text(GOOD, encoding="utf-8")
    (landing / "feedback_2026-10.csv").write_text(BAD, encoding="utf-8")

    outcomes = flow.ingest(settings, toy_source.NAME, flow.find_landed_files(settings, toy_source.NAME))

    verdicts = {outcome.path.rsplit("/", 1)[-1]: outcome.status for outcome in outcomes}
    assert verdicts == {"feedback_2026-09.csv": "loaded", "feedback_2026-10.csv": "rejected"}
    rows = query(settings.warehouse_url, f"SELECT starter_id, cohort, score FROM {toy_source.TABLE} ORDER BY starter_id")
    assert rows.values.tolist() == [["S001", "2026-09", 4], ["S002", "2026-09", 5], ["S003", "2026-09", 2]]
    log = query(settings.warehouse_url, "SELECT outcome, rows FROM load_log WHERE source = :source ORDER BY outcome",
                source=toy_source.NAME)
    assert log.values.tolist() == [["loaded", 3], ["rejected", 2]]


def test_an_unregistered_source_is_unknown(toy_registered):
    sources.unregister(toy_source.NAME)
    with pytest.raises(ValueError, match="unknown source"):
        sources.get_source(toy_source.NAME)
    assert toy_source.NAME not in [source.name for source in sources.all_sources()]
