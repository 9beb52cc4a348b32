"""Ingest through the CLI: safe reruns, corrected deliveries, rejected files and quarantine."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLES, culture_environment, shared_settings
from tests.helpers import query, row_counts, run_cli


def load_reference() -> None:
    assert run_cli("ingest", "org_units", SAMPLES / "org_units_2024-01-01.csv") == 0
    assert run_cli("ingest", "workforce", SAMPLES / "workforce_2024-09-01.csv") == 0


@pytest.fixture
def reference_loaded(culture_env):
    load_reference()
    return culture_env


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def refusing(request, tmp_path_factory):
    """One warehouse per backend with the organisation loaded, shared by the tests whose files are
    all rejected (each checks that its file changed nothing)."""
    with shared_settings(request, tmp_path_factory, "rejections") as settings:
        with culture_environment(settings):
            load_reference()
        yield settings


def survey_copy(tmp_path: Path, name: str = "survey.csv") -> Path:
    target = tmp_path / name
    shutil.copy(SAMPLES / "exa_people_survey_2024.csv", target)
    return target


def edit(path: Path, change) -> Path:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    frame.to_csv(path, index=False)
    return path


def test_same_file_twice_changes_nothing(reference_loaded, tmp_path, capsys):
    survey = survey_copy(tmp_path)
    assert run_cli("ingest", "people_survey", survey) == 0
    before = row_counts(reference_loaded.warehouse_url)
    capsys.readouterr()
    assert run_cli("ingest", "people_survey", survey) == 0
    assert "survey.csv: unchanged" in capsys.readouterr().out
    after = row_counts(reference_loaded.warehouse_url)
    assert {k: v for k, v in after.items() if k != "load_log"} == {k: v for k, v in before.items() if k != "load_log"}


def test_corrected_delivery_replaces_the_wave(reference_loaded, tmp_path):
    url = reference_loaded.warehouse_url
    first = survey_copy(tmp_path, "first.csv")
    assert run_cli("ingest", "people_survey", first) == 0
    original = query(url, "SELECT value FROM hr_survey_results WHERE measure = 'B01' AND unit_code IS NULL AND breakdown = 'all'")

    corrected = edit(survey_copy(tmp_path, "corrected.csv"), lambda f: f.__setitem__("B01", "5"))
    assert run_cli("ingest", "people_survey", corrected) == 0
    result = query(url, "SELECT value, respondents FROM hr_survey_results WHERE measure = 'B01' AND unit_code IS NULL AND breakdown = 'all'")
    assert len(result) == 1, "exactly one version of the wave is visible"
    assert result["value"].iloc[0] == pytest.approx(100.0)
    assert original["value"].iloc[0] < 100
    assert query(url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 300
    log = query(url, "SELECT file_name, outcome FROM load_log WHERE source = 'people_survey' ORDER BY load_id")
    assert log.to_dict("records") == [{"file_name": "first.csv", "outcome": "replaced"},
                                      {"file_name": "corrected.csv", "outcome": "loaded"}]


def set_cell(column: str, row: int, value: str):
    """An edit that puts `value` in one data row (0-based) of `column`."""
    def change(frame: pd.DataFrame) -> None:
        frame.loc[row, column] = value
    return change


def break_routing(frame: pd.DataFrame) -> None:
    # respondent 1 was not bullied (E03 = 2) but answers the follow-up E05
    frame.loc[1, "E03"] = "2"
    frame.loc[1, "E05"] = "2"
    frame.loc[1, ["E06_A", "E06_B", "E06_C", "E06_D"]] = ""


# case: (edit, rule, column, first spreadsheet row named; the header is row 1)
REJECTIONS = {
    "unknown unit": (set_cell("unit_code", 3, "NOPE"), "known_unit", "unit_code", 5),
    "NA as a code": (set_cell("B01", 0, "NA"), "valid_code", "B01", 2),
    "out-of-range code": (set_cell("W01", 2, "11"), "valid_code", "W01", 4),
    "routing broken": (break_routing, "routing", "E05", 3),
    "duplicate respondent": (set_cell("respondent_id", 1, "S00000"), "unique_in_file", "respondent_id", 2),
    "missing column": (lambda f: f.drop(columns=["unit_code"], inplace=True), "required_column", "unit_code", None),
    "two survey years": (set_cell("survey_year", 7, "2023"), "one_wave_per_file", "survey_year", 9),
    "e-mail as identifier": (set_cell("respondent_id", 4, "jo.bloggs@example.gov.uk"), "pseudonymous_identifier", "respondent_id", 6),
    "unknown grade": (set_cell("grade", 0, "G99"), "valid_code", "grade", 2),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_bad_files_are_rejected_whole_and_quarantined(refusing, capsys, case):
    change, rule, column, first_row = REJECTIONS[case]
    url = refusing.warehouse_url
    landed = refusing.landing_dir / "people_survey"
    landed.mkdir(parents=True, exist_ok=True)
    name = f"{case.replace(' ', '_')}-bad.csv"
    bad = edit(survey_copy(landed, name), change)
    before = row_counts(url)
    capsys.readouterr()
    with culture_environment(refusing):
        assert run_cli("ingest", "people_survey", bad, "--json") == 1
    outcome = json.loads(capsys.readouterr().out)[0]
    assert outcome["status"] == "rejected"
    problem = next(p for p in outcome["problems"] if p["rule"] == rule)
    assert problem["column"] == column
    if first_row is not None:
        assert problem["rows"][0] == first_row
    after = row_counts(url)
    assert {k: v for k, v in after.items() if k != "load_log"} == {k: v for k, v in before.items() if k != "load_log"}
    assert not bad.exists(), "a rejected landed file is moved out of the landing directory"
    quarantined = list((refusing.quarantine_dir / "people_survey").glob(f"*{name}"))
    assert len(quarantined) == 1
    assert Path(str(quarantined[0]) + ".report.json").exists()


def test_rejection_message_names_file_rule_column_and_row(refusing, tmp_path, capsys):
    bad = edit(survey_copy(tmp_path, "bad.csv"), lambda f: f.__setitem__("B01", f["B01"].where(f.index != 0, "-99")))
    capsys.readouterr()
    with culture_environment(refusing):
        assert run_cli("ingest", "people_survey", bad) == 1
    out = capsys.readouterr().out
    assert "bad.csv: rejected:" in out
    assert "[valid_code] column B01, row 2: B01 must be one of 1, 2, 3, 4, 5" in out
    assert "found '-99'" in out
    assert bad.exists(), "a file outside the landing directory is copied, not moved"


def test_other_files_in_the_batch_still_load(reference_loaded, tmp_path, capsys):
    good = survey_copy(tmp_path, "good.csv")
    bad = edit(survey_copy(tmp_path, "bad.csv"), lambda f: f.__setitem__("sex", "9"))
    assert run_cli("ingest", "people_survey", bad, good) == 1
    assert query(reference_loaded.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 300


def test_header_case_spaces_and_extra_columns_are_accepted(reference_loaded, tmp_path):
    path = survey_copy(tmp_path)
    text = path.read_text(encoding="utf-8").splitlines()
    header = [f" {h.lower()} " if i % 2 else h.upper() for i, h in enumerate(text[0].split(","))]
    text[0] = ",".join(header) + ",supplier_batch"
    text[1:] = [line + ",X1" for line in text[1:]]
    path.write_text("\ufeff" + "\n".join(text) + "\n", encoding="utf-8")
    assert run_cli("ingest", "people_survey", path) == 0
    assert query(reference_loaded.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 300


def test_original_and_correction_in_one_batch_the_later_delivery_wins(reference_loaded, tmp_path):
    url = reference_loaded.warehouse_url
    original = survey_copy(tmp_path, "a_original.csv")
    corrected = edit(survey_copy(tmp_path, "b_corrected.csv"), lambda f: f.__setitem__("B01", "5"))
    assert run_cli("ingest", "people_survey", original, corrected) == 0
    result = query(url, "SELECT value FROM hr_survey_results WHERE measure = 'B01' AND unit_code IS NULL AND breakdown = 'all'")
    assert result["value"].tolist() == [pytest.approx(100.0)]
    log = query(url, "SELECT file_name, outcome FROM load_log WHERE source = 'people_survey' ORDER BY load_id")
    assert log["outcome"].tolist() == ["replaced", "loaded"]
