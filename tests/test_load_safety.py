"""Atomic, idempotent and concurrent loads; quarantine and retry."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from pipelines.orchestration import flow
from pipelines.config import Settings
from tests.conftest import SAMPLES
from tests.helpers import query, row_counts, run_cli, with_organisation

SURVEY = SAMPLES / "exa_people_survey_2024.csv"


def prepared(url: str, root: Path) -> Settings:
    return with_organisation(Settings(root / "var", root / "landing", url, 10))


@pytest.fixture
def ready(warehouse_url, tmp_path) -> Settings:
    return prepared(warehouse_url, tmp_path)


def data_counts(url: str) -> dict:
    return {k: v for k, v in row_counts(url).items() if k != "load_log"}


def test_a_failure_mid_load_leaves_the_warehouse_as_it_was(ready, monkeypatch):
    import pipelines.ingest.sources.people_survey as people_survey

    before = row_counts(ready.warehouse_url)

    def fail_after_responses_were_written(*_args, **_kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(people_survey, "comment_records", fail_after_responses_were_written)
    outcome, = flow.ingest(ready, "people_survey", [str(SURVEY)])
    assert outcome.status == "failed"
    assert "simulated" not in outcome.message and "RuntimeError" in outcome.message
    after = row_counts(ready.warehouse_url)
    assert after["load_log"] == before["load_log"] + 1  # only the failure's own log row
    assert {k: v for k, v in after.items() if k != "load_log"} == {k: v for k, v in before.items() if k != "load_log"}
    assert query(ready.warehouse_url, "SELECT outcome FROM load_log ORDER BY load_id DESC")["outcome"].iloc[0] == "failed"
    assert Path(outcome.report_path).exists()

    monkeypatch.undo()
    outcome, = flow.ingest(ready, "people_survey", [str(SURVEY)])
    assert outcome.status == "loaded"


def test_a_failure_after_loading_shows_nothing_and_the_rerun_finishes_the_job(ready, monkeypatch):
    from dataclasses import replace

    from pipelines.publish import survey_results

    def fail(*_args, **_kwargs):
        raise RuntimeError("worker lost (simulated)")

    # The survey's results step (named on its record) dies while computing the wave.
    monkeypatch.setattr(survey_results, "SURVEY_RESULTS", replace(survey_results.SURVEY_RESULTS, measure=fail))
    failed, = flow.ingest(ready, "people_survey", [str(SURVEY)])
    assert failed.status == "failed" and "simulated" not in failed.message
    assert query(ready.warehouse_url, "SELECT COUNT(*) AS n FROM hr_survey_results")["n"].iloc[0] == 0

    monkeypatch.undo()
    outcome, = flow.ingest(ready, "people_survey", [str(SURVEY)])
    assert outcome.status == "loaded"
    assert (outcome.rows, outcome.wave) == (300, "2024"), "a resumed load still knows its rows and wave"
    assert query(ready.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 300
    waves = query(ready.warehouse_url, "SELECT status, COUNT(*) AS n FROM survey_wave GROUP BY status")
    assert dict(zip(waves["status"], waves["n"])) == {"current": 1}


@pytest.mark.slow
def test_two_processes_ingesting_the_same_files_at_once_load_them_once(ready, tmp_path):
    corrected = tmp_path / "corrected.csv"
    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    frame["B01"] = "5"
    frame.to_csv(corrected, index=False)
    env = {**os.environ, "CULTURE_WAREHOUSE_URL": ready.warehouse_url, "CULTURE_VAR_DIR": str(ready.var_dir)}
    script = Path(sys.executable).parent / "culture"
    runs = [subprocess.Popen([script, "ingest", "people_survey", SURVEY, corrected], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], "\n=====\n".join(outputs)
    url = ready.warehouse_url
    assert query(url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 300
    waves = query(url, "SELECT status, COUNT(*) AS n FROM survey_wave GROUP BY status")
    assert dict(zip(waves["status"], waves["n"])).get("current") == 1
    value = query(url, "SELECT value FROM hr_survey_results WHERE measure = 'B01' AND unit_code IS NULL AND breakdown = 'all'")
    assert value["value"].tolist() == [pytest.approx(100.0)], "the later delivery wins, whatever the interleaving"
    taken_in = query(url, "SELECT checksum, COUNT(*) AS n FROM load_log WHERE outcome IN ('loaded', 'replaced') GROUP BY checksum")
    assert (taken_in["n"] == 1).all(), "each file is taken in exactly once"


def test_quarantine_list_and_retry_after_a_fix(ready, monkeypatch, capsys):
    monkeypatch.setenv("CULTURE_WAREHOUSE_URL", ready.warehouse_url)
    monkeypatch.setenv("CULTURE_VAR_DIR", str(ready.var_dir))
    monkeypatch.setenv("CULTURE_LANDING_DIR", str(ready.landing_dir))
    landed = ready.landing_dir / "people_survey" / "survey_2024.csv"
    landed.parent.mkdir(parents=True)
    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    frame.loc[0, "B01"] = "N/A"
    frame.to_csv(landed, index=False)
    assert run_cli("ingest", "people_survey", landed) == 1
    capsys.readouterr()
    assert run_cli("quarantine", "list") == 0
    listing = capsys.readouterr().out
    assert "people_survey/" in listing and "survey_2024.csv" in listing and "valid_code [B01]" in listing

    quarantined, = (ready.quarantine_dir / "people_survey").glob("*survey_2024.csv")
    fixed = pd.read_csv(quarantined, dtype=str, keep_default_na=False)
    fixed.loc[0, "B01"] = ""
    fixed.to_csv(quarantined, index=False)
    assert run_cli("quarantine", "retry", quarantined.name) == 0
    assert "survey_2024.csv: loaded" in capsys.readouterr().out
    assert landed.exists()
    assert not list((ready.quarantine_dir / "people_survey").iterdir())
    assert query(ready.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 300


# -- property: either the file loads exactly, or it is rejected and nothing changes -------------

BASE = pd.read_csv(SURVEY, dtype=str, keep_default_na=False).head(40)
CELL_VALUES = st.sampled_from(["", "1", "2", "3", "4", "5", "6", "0", "11", "NA", "-99", ".", "x", "2023", "OPS-N-T1",
                               "NOPE", "S00001", "a@b.uk", "G7", "1.0", " 4", "x" * 5001])


@st.composite
def mutated_files(draw):
    frame = BASE.copy()
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        row = draw(st.integers(min_value=0, max_value=len(frame) - 1))
        column = draw(st.sampled_from(list(frame.columns)))
        frame.loc[row, column] = draw(CELL_VALUES)
    return frame


@pytest.mark.slow
@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=mutated_files())
def test_property_a_file_loads_exactly_or_changes_nothing(sqlite_property_warehouse, frame):
    settings = sqlite_property_warehouse
    path = settings.var_dir / "mutated.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    before = data_counts(settings.warehouse_url)
    outcome, = flow.ingest(settings, "people_survey", [str(path)])
    if outcome.status == "rejected":
        assert data_counts(settings.warehouse_url) == before
        assert outcome.problems
        return
    assert outcome.status in ("loaded", "unchanged")
    stored = query(settings.warehouse_url,
                   "SELECT r.respondent_id, r.b01 FROM raw_survey_response r JOIN survey_wave w ON w.wave_id = r.wave_id "
                   "WHERE w.status = 'current' ORDER BY r.respondent_id")
    expected = frame.sort_values("respondent_id")
    assert stored["respondent_id"].tolist() == expected["respondent_id"].tolist()
    assert [None if pd.isna(v) else int(v) for v in stored["b01"]] == [int(v) if v else None for v in expected["B01"]]


@pytest.fixture(scope="module")
def sqlite_property_warehouse(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("property")
    return prepared(f"sqlite:///{root / 'w.db'}", root)


def test_reports_and_data_docs_never_hold_identifiers_or_free_text(ready):
    planted_email = "sarah.jenkins@agency.example"
    planted_text = "Sarah Jenkins in Team 4 shouts at me every day"
    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    frame.loc[0, "respondent_id"] = planted_email
    frame.loc[1, "respondent_id"] = "Sarah Jenkins"
    frame.loc[2, "text_bullying_harassment"] = planted_text + " " + "x" * 5000
    frame.loc[3, "B01"] = "NA"
    path = ready.var_dir / "planted.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    outcome, = flow.ingest(ready, "people_survey", [str(path)])
    assert outcome.status == "rejected"
    assert {"pseudonymous_identifier", "text_length", "valid_code"} <= {p["rule"] for p in outcome.problems}
    assert outcome.data_docs and Path(outcome.data_docs).exists()
    published = [p for p in (ready.var_dir / "data_docs").rglob("*") if p.is_file()]
    published += [Path(outcome.report_path)]
    assert len(published) > 2
    for file in published:
        content = file.read_text(encoding="utf-8", errors="ignore")
        for secret in (planted_email, "Sarah Jenkins", "shouts at me"):
            assert secret not in content, f"{secret!r} leaked into {file}"
    assert "'NA'" in Path(outcome.report_path).read_text() or "NA" in outcome.message


def test_a_source_without_its_lock_row_fails_loudly_instead_of_locking_nothing(settings):
    """On PostgreSQL an UPDATE that hits no row takes no lock, so two writers would interleave unseen."""
    import sqlalchemy as sa

    from warehouse.db import get_engine
    from warehouse.load_log import MissingLock, lock_source

    flow.initialise_warehouse(settings)
    engine = get_engine(settings.warehouse_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM ingest_lock WHERE source = 'org_units'"))
    with pytest.raises(MissingLock, match="no ingest_lock row for 'org_units'"), engine.begin() as connection:
        lock_source(connection, "org_units")
    with engine.begin() as connection:
        lock_source(connection, "workforce")  # a source with its row still locks without complaint

    outcome, = flow.ingest(settings, "org_units", [str(SAMPLES / "org_units_2024-01-01.csv")])
    assert outcome.status == "failed"
    assert "no ingest_lock row for 'org_units'" in outcome.message
    assert query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM dim_org_unit")["n"].iloc[0] == 0
