"""The landing-directory watcher behind the event-driven DAGs: each file content fires once."""
from __future__ import annotations

import asyncio
import shutil

import pytest

from pipelines.orchestration.landing_watch import LEDGER_NAME, claim_new_files
from tests.conftest import SAMPLES


def test_a_new_file_is_announced_once_and_its_copy_never(tmp_path):
    shutil.copy(SAMPLES / "exa_pulse_2025-03.csv", tmp_path / "pulse_a.csv")
    assert claim_new_files(tmp_path) == ["pulse_a.csv"]
    assert claim_new_files(tmp_path) == []
    shutil.copy(SAMPLES / "exa_pulse_2025-03.csv", tmp_path / "pulse_again.csv")  # the same file landing twice
    assert claim_new_files(tmp_path) == []
    (tmp_path / "notes.txt").write_text("not a delivery")
    assert claim_new_files(tmp_path) == []
    assert (tmp_path / LEDGER_NAME).exists()


def test_a_corrected_file_is_announced_again(tmp_path):
    target = tmp_path / "pulse.csv"
    shutil.copy(SAMPLES / "exa_pulse_2025-03.csv", target)
    assert claim_new_files(tmp_path) == ["pulse.csv"]
    target.write_text(target.read_text().replace("2025-03-1", "2025-03-2", 1))
    assert claim_new_files(tmp_path) == ["pulse.csv"]


def test_two_files_landing_together_are_both_announced(tmp_path):
    shutil.copy(SAMPLES / "exa_pulse_2025-03.csv", tmp_path / "a.csv")
    shutil.copy(SAMPLES / "exa_stay_2025-05.csv", tmp_path / "b.csv")
    assert claim_new_files(tmp_path) == ["a.csv", "b.csv"]


def test_a_file_still_being_written_waits_for_the_next_poll(tmp_path):
    seen: dict = {}
    target = tmp_path / "pulse.csv"
    target.write_text("respondent_id,pulse_id\n")
    assert claim_new_files(tmp_path, seen) == []  # first sight: wait one poll
    with target.open("a") as out:
        out.write("R1,2025-03\n")
    assert claim_new_files(tmp_path, seen) == []  # it grew: still being written
    assert claim_new_files(tmp_path, seen) == ["pulse.csv"]
    assert claim_new_files(tmp_path, seen) == []


def test_the_trigger_serialises_and_fires_for_a_landed_file(tmp_path):
    from pipelines.orchestration.airflow_triggers import LandedFileTrigger

    trigger = LandedFileTrigger(directory=str(tmp_path), poll_interval=0.05)
    classpath, kwargs = trigger.serialize()
    assert classpath == "pipelines.orchestration.airflow_triggers.LandedFileTrigger"
    assert LandedFileTrigger(**kwargs).serialize() == (classpath, kwargs)
    shutil.copy(SAMPLES / "exa_pulse_2025-03.csv", tmp_path / "pulse.csv")

    async def first_event():
        events = trigger.run()
        return await asyncio.wait_for(events.__anext__(), timeout=10)

    event = asyncio.run(first_event())
    assert event.payload == {"directory": str(tmp_path), "files": ["pulse.csv"]}


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_poll_interval_must_be_a_positive_number(value):
    from pipelines.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="CULTURE_WATCH_POLL_SECONDS"):
        load_settings({"CULTURE_WATCH_POLL_SECONDS": value})


def test_a_run_reads_only_the_files_its_events_announce(tmp_path):
    """The pulse DAG takes the announced file instead of re-reading every earlier delivery; a
    run no event names a file for (manual, scheduled) still looks at the whole folder."""
    import sys
    from types import SimpleNamespace

    from pipelines.orchestration.airflow_local import DAGS_FOLDER
    from pipelines.config import Settings
    from pipelines.orchestration.flow import find_landed_files

    sys.path.insert(0, str(DAGS_FOLDER))
    try:
        from culture_tasks import announced_names
    finally:
        sys.path.remove(str(DAGS_FOLDER))
    settings = Settings(tmp_path / "var", tmp_path / "landing", f"sqlite:///{tmp_path / 'w.db'}", 10)
    folder = settings.landing_dir / "pulse"
    folder.mkdir(parents=True)
    for name in ("earlier.csv", "new.csv", "quarantined_since.csv"):
        shutil.copy(SAMPLES / "exa_pulse_2025-03.csv", folder / name)
    (folder / "quarantined_since.csv").unlink()

    watcher = SimpleNamespace(extra={"from_trigger": True, "payload": {"directory": str(folder), "files": ["new.csv"]}})
    notify = SimpleNamespace(extra={"file": "quarantined_since.csv", "announced_by": "culture notify"})
    names = announced_names({"landed_pulse": [watcher, notify]})
    assert names == ["new.csv", "quarantined_since.csv"]
    assert find_landed_files(settings, "pulse", names) == [str(folder / "new.csv")]
    assert find_landed_files(settings, "pulse", ["../../elsewhere/new.csv"]) == [str(folder / "new.csv")]

    assert announced_names(None) is None and announced_names({"landed_pulse": []}) is None
    assert announced_names({"landed_pulse": [watcher, SimpleNamespace(extra={})]}) is None
    assert sorted(find_landed_files(settings, "pulse", None)) == [str(folder / "earlier.csv"), str(folder / "new.csv")]
