"""The per-file steps the mapped DAG tasks run (flow.validate_one, flow.load_one), without Airflow:
one file at a time gives the batch's outcome, and a load killed half-way leaves nothing but an
'interrupted' row in the load log, so running it again loads the file exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from pipelines.orchestration import flow
from pipelines.ingest.steps import HOLD_LOADS_ENV
from tests.conftest import SAMPLES
from tests.helpers import query

SURVEY = SAMPLES / "exa_people_survey_2024.csv"


def _reference(settings) -> None:
    flow.initialise_warehouse(settings)
    for source, name in (("org_units", "org_units_2024-01-01.csv"), ("workforce", "workforce_2024-09-01.csv")):
        assert flow.ingest(settings, source, [str(SAMPLES / name)])[0].status == "loaded"


def _survey_log(url: str) -> list[str]:
    return query(url, "SELECT outcome FROM load_log WHERE source = 'people_survey' ORDER BY load_id")["outcome"].tolist()


def test_files_one_at_a_time_are_validated_loaded_and_published_as_a_batch(settings):
    _reference(settings)
    validated = flow.validate_one(settings, "people_survey", str(SURVEY))
    assert validated["status"] == "valid"
    loaded = flow.load_one(settings, validated)
    assert loaded["status"] == "staged" and loaded["rows"] == 300
    assert flow.load_one(settings, {**validated, "status": "rejected"})["status"] == "rejected"  # passed through
    published = flow.publish_results(settings, flow.compute_results(settings, [loaded]))
    assert [o["status"] for o in published] == ["loaded"]
    assert _survey_log(settings.warehouse_url) == ["loaded"]
    # The same file again (a task retried after it had finished): recognised, not loaded twice.
    again = flow.load_one(settings, validated)
    assert again["status"] == "unchanged"
    assert _survey_log(settings.warehouse_url) == ["loaded"]


LOADER = """
import json, sys
from pathlib import Path
from pipelines.orchestration import flow
from pipelines.config import Settings
settings = Settings(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], 10)
flow.load_one(settings, json.loads(sys.argv[4]))
"""


@pytest.mark.slow
def test_a_load_killed_half_way_is_marked_interrupted_and_loads_once_when_run_again(settings, tmp_path):
    import json

    _reference(settings)
    validated = flow.validate_one(settings, "people_survey", str(SURVEY))
    hold = tmp_path / "hold"
    hold.mkdir()
    (hold / SURVEY.name).touch()
    loader = subprocess.Popen([sys.executable, "-c", LOADER, str(settings.var_dir), str(settings.landing_dir),
                               settings.warehouse_url, json.dumps(validated)],
                              env={**os.environ, HOLD_LOADS_ENV: str(hold)}, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list(hold.glob("*.held.*")):
            assert loader.poll() is None, "the loader ended before it reached the hold"
            assert time.monotonic() < deadline, "the loader never reached the hold"
            time.sleep(0.2)
        os.killpg(loader.pid, signal.SIGKILL)  # mid-load: its rows are written, not committed
    finally:
        if loader.poll() is None:
            os.killpg(loader.pid, signal.SIGKILL)
        loader.wait()
    assert _survey_log(settings.warehouse_url) == ["loading"]
    assert query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 0

    loaded = flow.load_one(settings, validated)  # the retry, in another process (here: this one)
    assert loaded["status"] == "staged"
    flow.publish_results(settings, flow.compute_results(settings, [loaded]))
    assert _survey_log(settings.warehouse_url) == ["interrupted", "loaded"]
    assert query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 300
    assert query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM survey_wave")["n"].iloc[0] == 1
