"""Trust boundaries and delivery order (issue 20): the landing directories take regular files
only, `quarantine retry` says which file it ingests, and the later delivery of a wave wins
whatever order the loads finish in."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipelines.orchestration import flow
from pipelines.ingest.steps import load_file, validate_file, FileOutcome
from tests.conftest import SAMPLES
from tests.helpers import query, run_cli

SURVEY = SAMPLES / "exa_people_survey_2024.csv"
SECRET_HEADER = "secret_column_of_another_file"


@pytest.fixture
def reference(culture_env):
    assert run_cli("ingest", "org_units", SAMPLES / "org_units_2024-01-01.csv") == 0
    assert run_cli("ingest", "workforce", SAMPLES / "workforce_2024-09-01.csv") == 0
    return culture_env


def outside_file(tmp_path: Path) -> Path:
    """A readable file elsewhere that no one meant to deliver."""
    target = tmp_path / "elsewhere" / "private.csv"
    target.parent.mkdir()
    target.write_text(f"{SECRET_HEADER},x\n1,2\n", encoding="utf-8")
    return target


def test_a_symlink_in_a_landing_directory_is_rejected_without_being_followed(reference, tmp_path):
    private = outside_file(tmp_path)
    landing = reference.landing_dir / "pulse"
    landing.mkdir(parents=True)
    link = landing / "looks_like_a_pulse.csv"
    link.symlink_to(private)

    paths = flow.find_landed_files(reference, "pulse")
    assert paths == [str(link)]
    outcome, = flow.ingest(reference, "pulse", paths)

    assert outcome.status == "rejected" and outcome.problems[0]["rule"] == "regular_file"
    assert not os.path.lexists(link), "the link leaves the landing directory"
    assert private.read_text(encoding="utf-8").startswith(SECRET_HEADER), "its target is untouched"
    for written in reference.var_dir.rglob("*"):
        if written.is_file() and not written.is_symlink():
            assert SECRET_HEADER not in written.read_text(encoding="utf-8", errors="ignore"), written
    assert query(reference.warehouse_url, "SELECT outcome FROM load_log WHERE source = 'pulse'")["outcome"].tolist() == ["rejected"]
    assert flow.find_landed_files(reference, "pulse") == [], "the next run is not blocked by it"


def test_a_named_pipe_is_rejected_without_being_opened(reference):
    landing = reference.landing_dir / "exit_interviews"
    landing.mkdir(parents=True)
    pipe = landing / "pipe.csv"
    os.mkfifo(pipe)  # reading it would wait for a writer for ever
    outcome, = flow.ingest(reference, "exit_interviews", flow.find_landed_files(reference, "exit_interviews"))
    assert outcome.status == "rejected" and outcome.problems[0]["rule"] == "regular_file"


def test_a_file_reached_through_a_linked_directory_is_rejected(reference, tmp_path):
    private = outside_file(tmp_path)
    reference.landing_dir.mkdir(parents=True)
    (reference.landing_dir / "stay_interviews").symlink_to(private.parent, target_is_directory=True)
    outcome, = flow.ingest(reference, "stay_interviews", flow.find_landed_files(reference, "stay_interviews"))
    assert outcome.status == "rejected" and outcome.problems[0]["rule"] == "inside_landing_directory"
    assert SECRET_HEADER not in Path(outcome.report_path).read_text(encoding="utf-8")


def test_ingest_given_a_symlink_rejects_it_and_still_loads_the_rest(reference, tmp_path, capsys):
    link = tmp_path / "link.csv"
    link.symlink_to(SURVEY)
    copy = tmp_path / "survey.csv"
    shutil.copy(SURVEY, copy)
    capsys.readouterr()
    assert run_cli("ingest", "people_survey", link, copy) == 1
    out = capsys.readouterr().out
    assert "link.csv: rejected: [regular_file]" in out and "survey.csv: loaded" in out


def quarantined_survey(settings) -> Path:
    landed = settings.landing_dir / "people_survey" / "survey_2024.csv"
    landed.parent.mkdir(parents=True)
    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    frame.loc[0, "B01"] = "N/A"
    frame.to_csv(landed, index=False)
    assert run_cli("ingest", "people_survey", landed) == 1
    quarantined, = (settings.quarantine_dir / "people_survey").glob("*survey_2024.csv")
    return quarantined


def test_retry_given_a_file_outside_the_quarantine_says_how_to_use_it_and_ingests_nothing(reference, tmp_path, capsys):
    quarantined = quarantined_survey(reference)
    fixed = tmp_path / "survey_2024.csv"
    shutil.copy(SURVEY, fixed)
    capsys.readouterr()
    assert run_cli("quarantine", "retry", fixed) == 2
    assert "--replacement" in capsys.readouterr().err
    assert quarantined.exists()
    assert query(reference.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 0


def test_retry_with_a_replacement_ingests_the_replacement_and_says_so(reference, tmp_path, capsys):
    quarantined = quarantined_survey(reference)
    fixed = tmp_path / "fixed.csv"
    shutil.copy(SURVEY, fixed)
    capsys.readouterr()
    assert run_cli("quarantine", "retry", quarantined.name, "--replacement", fixed) == 0
    out = capsys.readouterr().out
    assert f"ingesting the replacement {fixed} in place of the quarantined {quarantined.name}" in out
    assert "survey_2024.csv: loaded" in out
    assert not quarantined.exists() and fixed.exists()
    assert query(reference.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 300


def test_the_later_delivery_wins_even_when_its_load_finishes_first(reference, tmp_path):
    """Two deliveries of one wave: the earlier-landed file stages and publishes after the
    correction (as a large file started a little earlier would); the correction stays current."""
    landing = reference.landing_dir / "people_survey"
    landing.mkdir(parents=True)
    older = landing / "original.csv"
    shutil.copy(SURVEY, older)
    newer = landing / "correction.csv"
    frame = pd.read_csv(SURVEY, dtype=str, keep_default_na=False)
    frame["B01"] = "5"
    frame.to_csv(newer, index=False)
    landed = os.stat(newer).st_mtime
    os.utime(older, (landed - 3, landed - 3))

    validated = flow.validate_files(reference, "people_survey", [str(older), str(newer)])
    assert [v["status"] for v in validated] == ["valid", "valid"]
    assert validated[0]["delivered_at"] < validated[1]["delivered_at"]
    for outcome in reversed(validated):  # the correction's load finishes first
        data = load_file(reference, FileOutcome.from_dict(outcome)).as_dict()
        flow.publish_results(reference, flow.compute_results(reference, [data]))

    url = reference.warehouse_url
    value = query(url, "SELECT value FROM hr_survey_results WHERE measure = 'B01' AND unit_code IS NULL AND breakdown = 'all'")
    assert value["value"].tolist() == [pytest.approx(100.0)]
    log = query(url, "SELECT file_name, outcome FROM load_log WHERE source = 'people_survey' ORDER BY file_name")
    assert log.to_dict("records") == [{"file_name": "correction.csv", "outcome": "loaded"},
                                      {"file_name": "original.csv", "outcome": "replaced"}]


@pytest.mark.parametrize("source, sample, column, value", [
    ("workforce", "workforce_2024-09-01.csv", "headcount", "7"),
    ("org_units", "org_units_2024-01-01.csv", "unit_name", "Renamed in the correction"),
])
def test_a_snapshot_or_org_version_delivered_later_wins_whatever_order_they_load_in(
        culture_env, tmp_path, source, sample, column, value):
    """Workforce snapshots and org-unit versions replace earlier deliveries of the same date: the
    file that landed later wins even when the earlier one is loaded after it."""
    if source == "workforce":
        assert run_cli("ingest", "org_units", SAMPLES / "org_units_2024-01-01.csv") == 0
    landing = culture_env.landing_dir / source
    landing.mkdir(parents=True)
    older, newer = landing / "original.csv", landing / "correction.csv"
    shutil.copy(SAMPLES / sample, older)
    frame = pd.read_csv(SAMPLES / sample, dtype=str, keep_default_na=False)
    frame[column] = value
    frame.to_csv(newer, index=False)
    landed = os.stat(newer).st_mtime
    os.utime(older, (landed - 3, landed - 3))

    assert run_cli("ingest", source, newer) == 0
    assert run_cli("ingest", source, older) == 0  # taken in, but not over the correction
    table, key = ("fact_workforce", "headcount") if source == "workforce" else ("dim_org_unit", "unit_name")
    values = query(culture_env.warehouse_url, f"SELECT DISTINCT {key} AS v FROM {table}")["v"].astype(str).tolist()
    assert values == [value]
    log = query(culture_env.warehouse_url, f"SELECT file_name, outcome FROM load_log WHERE source = '{source}' "
                                           "ORDER BY load_id")
    assert log.to_dict("records") == [{"file_name": "correction.csv", "outcome": "loaded"},
                                      {"file_name": "original.csv", "outcome": "replaced"}]
