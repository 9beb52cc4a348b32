"""A new source is one module and its contract (tests/toy_source.py). Registered, it reaches
everything its record declares, as the shipped sources do: `culture init` gives it an ingest lock,
the flow validates, loads and publishes its files through its results step, a corrected delivery
drops the earlier version's rows from its wave tables, the NLP step redacts its comments,
`culture purge-raw-text` purges them, and the CLI and the DAGs' Assets know it."""
from __future__ import annotations

import pytest

from nlp.retention import purge_raw_text
from pipelines.cli import build_parser
from pipelines.ingest import sources
from pipelines.ingest.validation.suites import rendered
from pipelines.orchestration import assets, flow
from tests import toy_source
from tests.helpers import query
from warehouse.db import get_engine, migrate
from warehouse.load_log import MissingLock, lock_source

GOOD = ("starter_id,cohort,score,text_first_weeks\n"
        "S001,2026-09,4,My buddy was great; write to me at sam.starter@agency.example\n"
        "S002,2026-09,5,\n"
        "S003,2026-09,2,Nobody told me where to sit\n")
CORRECTED = ("starter_id,cohort,score,text_first_weeks\n"  # the same cohort again: S003 was not a starter
             "S001,2026-09,4,My buddy was great\n"
             "S002,2026-09,5,\n")
BAD = "starter_id,cohort,score\nS101,2026-10,4\nS102,2026-10,9\n"  # 9 is not on the agree5 scale


@pytest.fixture
def toy_registered(tmp_path):
    contract = tmp_path / "contracts" / f"{toy_source.NAME}.json"
    contract.parent.mkdir()
    sources.register(toy_source.SOURCE, contract)  # the one registration a source outside the package needs
    contract.write_text(rendered(toy_source.NAME), encoding="utf-8")  # as `python -m ...suites` writes it
    yield
    sources.unregister(toy_source.NAME)


def _land(settings, name: str, content: str) -> list[str]:
    landing = settings.landing_dir / toy_source.NAME
    landing.mkdir(parents=True, exist_ok=True)
    (landing / name).write_text(content, encoding="utf-8")
    return flow.find_landed_files(settings, toy_source.NAME, [name])


def _verdicts(outcomes) -> dict[str, str]:
    return {outcome.path.rsplit("/", 1)[-1]: outcome.status for outcome in outcomes}


def test_a_registered_source_is_locked_validated_published_and_replaced(settings, toy_registered):
    migrate(settings.warehouse_url)
    engine = get_engine(settings.warehouse_url)
    with pytest.raises(MissingLock), engine.begin() as connection:
        lock_source(connection, toy_source.NAME)  # the migrations know nothing of it
    with engine.begin() as connection:
        toy_source.create_tables(connection)  # what the new source's migration would do

    flow.initialise_warehouse(settings)
    with engine.begin() as connection:
        lock_source(connection, toy_source.NAME)
    _land(settings, "feedback_2026-09.csv", GOOD)
    _land(settings, "feedback_2026-10.csv", BAD)

    outcomes = flow.ingest(settings, toy_source.NAME, flow.find_landed_files(settings, toy_source.NAME))

    assert _verdicts(outcomes) == {"feedback_2026-09.csv": "loaded", "feedback_2026-10.csv": "rejected"}
    rows = query(settings.warehouse_url, f"SELECT starter_id, cohort, score FROM {toy_source.TABLE} ORDER BY starter_id")
    assert rows.values.tolist() == [["S001", "2026-09", 4], ["S002", "2026-09", 5], ["S003", "2026-09", 2]]
    waves = query(settings.warehouse_url, "SELECT wave, status FROM survey_wave WHERE source = :source",
                  source=toy_source.NAME)
    assert waves.values.tolist() == [["2026-09", "current"]], "its results step published the staged wave"

    corrected, = flow.ingest(settings, toy_source.NAME, _land(settings, "feedback_2026-09_corrected.csv", CORRECTED))

    assert corrected.status == "loaded" and "replaced" in corrected.message
    # The earlier version's rows are gone from every wave table its record names.
    rows = query(settings.warehouse_url, f"SELECT starter_id FROM {toy_source.TABLE} ORDER BY starter_id")
    assert rows["starter_id"].tolist() == ["S001", "S002"]
    comments = query(settings.warehouse_url, f"SELECT starter_id, text FROM {toy_source.COMMENT_TABLE}")
    assert comments.values.tolist() == [["S001", "My buddy was great"]]
    log = query(settings.warehouse_url, "SELECT outcome, rows FROM load_log WHERE source = :source ORDER BY outcome, rows",
                source=toy_source.NAME)
    assert log.values.tolist() == [["loaded", 2], ["rejected", 2], ["replaced", 3]]


# The NLP step reads a source the same way on either backend; one is enough for its slow models.
@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_a_registered_source_s_comments_are_redacted_themed_and_purged(settings, toy_registered):
    migrate(settings.warehouse_url)
    with get_engine(settings.warehouse_url).begin() as connection:
        toy_source.create_tables(connection)
    flow.initialise_warehouse(settings)
    loaded, = flow.ingest(settings, toy_source.NAME, _land(settings, "feedback_2026-09.csv", GOOD))
    assert loaded.status == "loaded"

    summary = flow.process_comments(settings)

    assert summary["processed"] == 2
    stored = query(settings.warehouse_url, "SELECT wave, question, redacted_text FROM comment WHERE source = :source "
                   "ORDER BY redacted_text", source=toy_source.NAME)
    assert stored.values.tolist() == [
        ["2026-09", "text_first_weeks", "My buddy was great; write to me at [EMAIL]"],
        ["2026-09", "text_first_weeks", "Nobody told me where to sit"],
    ]
    deleted = purge_raw_text(get_engine(settings.warehouse_url), 0, sources.comment_sources())
    assert deleted[toy_source.COMMENT_TABLE] == 2
    assert query(settings.warehouse_url, f"SELECT COUNT(*) AS n FROM {toy_source.COMMENT_TABLE}")["n"].iloc[0] == 0


def test_the_cli_and_the_dags_assets_read_a_registered_source(toy_registered):
    args = build_parser().parse_args(["ingest", toy_source.NAME, "feedback.csv"])
    assert args.source == toy_source.NAME
    assert assets.of_source(toy_source.NAME) == toy_source.ASSET
    assert toy_source.ASSET in assets.results_assets()  # the report DAG follows it
    assert toy_source.ASSET in assets.assets_with_text()  # the comments DAG follows it
    assert toy_source.SOURCE.comments in sources.comment_sources()


def test_an_unregistered_source_is_unknown(toy_registered):
    sources.unregister(toy_source.NAME)
    with pytest.raises(ValueError, match="unknown source"):
        sources.get_source(toy_source.NAME)
    assert toy_source.NAME not in [source.name for source in sources.all_sources()]
    assert toy_source.ASSET not in assets.results_assets()
    assert toy_source.SOURCE.comments not in sources.comment_sources()
