"""Acceptance: a catalogue of bad inputs across all six sources. Each is rejected whole, with a
message naming the rule (and column and row where there is one), quarantined, and the warehouse
is left exactly as it was. Valid edge cases of the general rules are accepted."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipelines.orchestration import flow
from pipelines.config import Settings
from tests.conftest import SAMPLES
from tests.helpers import SAMPLE_FILES, cell, frame_edit, row_counts, with_organisation

MORE_TABLES = ("raw_pulse_response", "raw_exit_interview", "raw_stay_interview", "raw_interview_comment")


def all_counts(url: str) -> dict[str, int]:
    from tests.helpers import query

    counts = row_counts(url)
    counts.update({t: int(query(url, f"SELECT COUNT(*) AS n FROM {t}")["n"].iloc[0]) for t in MORE_TABLES})
    counts.pop("load_log")  # rejections are logged, by design
    return counts


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Settings:
    root = tmp_path_factory.mktemp("catalogue")
    return with_organisation(Settings(root / "var", root / "landing", f"sqlite:///{root / 'warehouse.db'}", 10))


# -- edits -------------------------------------------------------------------------------------

def text_edit(change):
    def apply(path: Path) -> None:
        path.write_bytes(change(path.read_bytes()))
    return apply


def drop(column: str):
    return frame_edit(lambda frame: frame.drop(columns=[column], inplace=True))


def duplicate_row(row: int, onto: int):
    def change(frame):
        frame.loc[onto] = frame.loc[row]
    return frame_edit(change)


def break_routing(frame):
    frame.loc[1, ["E03", "E05"]] = ["2", "2"]
    frame.loc[1, ["E06_A", "E06_B", "E06_C", "E06_D"]] = ""


def org_cycle(frame):
    frame.loc[frame["unit_code"] == "EXA", "parent_code"] = "OPS-N-T1"


# (source, edit, rule, column, first spreadsheet row or None)
CATALOGUE = {
    # file-level checks, before GX
    "empty file": ("people_survey", text_edit(lambda b: b""), "file_not_empty", None, None),
    "header only": ("stay_interviews", text_edit(lambda b: b.splitlines(keepends=True)[0]), "has_data_rows", None, None),
    "not UTF-8": ("exit_interviews", text_edit(lambda b: b.replace(b"Workload", "Wörkload".encode("latin-1"), 1)), "file_is_utf8", None, None),
    "semicolon separated": ("workforce", text_edit(lambda b: b.replace(b",", b";")), "comma_separated", None, None),
    "ragged row": ("pulse", text_edit(lambda b: b.replace(b"\n", b",extra\n", 2).replace(b",extra\n", b"\n", 1)), "row_width", None, 2),
    "unterminated quote": ("stay_interviews", text_edit(lambda b: b.replace(b"The mission", b'"The mission', 1)), "row_width", None, None),
    "binary content": ("org_units", text_edit(lambda b: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b), "file_is_text", None, None),
    "column twice": ("workforce", frame_edit(lambda f: f.insert(len(f.columns), "HEADCOUNT ", f["headcount"], allow_duplicates=True)), "unique_columns", "headcount", None),
    # people survey
    "survey: missing unit_code column": ("people_survey", drop("unit_code"), "required_column", "unit_code", None),
    "survey: blank respondent_id": ("people_survey", cell("respondent_id", 5, ""), "required_value", "respondent_id", 7),
    "survey: duplicate respondent": ("people_survey", cell("respondent_id", 3, "S00001"), "unique_in_file", "respondent_id", 3),
    "survey: e-mail as identifier": ("people_survey", cell("respondent_id", 4, "jo.bloggs@agency.gov.uk"), "pseudonymous_identifier", "respondent_id", 6),
    "survey: name as identifier": ("people_survey", cell("respondent_id", 8, "Sarah Jenkins"), "pseudonymous_identifier", "respondent_id", 10),
    "survey: NA as an answer": ("people_survey", cell("B01", 0, "NA"), "valid_code", "B01", 2),
    "survey: answer out of scale": ("people_survey", cell("W01", 2, "11"), "valid_code", "W01", 4),
    "survey: decimal code": ("people_survey", cell("B33", 9, "4.0"), "valid_code", "B33", 11),
    "survey: routing broken": ("people_survey", frame_edit(break_routing), "routing", "E05", 3),
    "survey: two survey years": ("people_survey", cell("survey_year", 7, "2023"), "one_wave_per_file", "survey_year", 9),
    "survey: year before 2009": ("people_survey", frame_edit(lambda f: f.__setitem__("survey_year", "2008")), "survey_year_in_range", "survey_year", 2),
    "survey: unknown unit": ("people_survey", cell("unit_code", 3, "OPS-X-T9"), "known_unit", "unit_code", 5),
    "survey: unknown grade": ("people_survey", cell("grade", 0, "G99"), "valid_code", "grade", 2),
    "survey: C02 tick not 0/1": ("people_survey", cell("C02_workload", 6, "2"), "valid_code", "C02_workload", 8),
    "survey: sex code 9": ("people_survey", cell("sex", 1, "9"), "valid_code", "sex", 3),
    "survey: text too long": ("people_survey", cell("text_workload", 2, "x" * 5001), "text_length", "text_workload", 4),
    # pulse
    "pulse: missing pulse_id column": ("pulse", drop("pulse_id"), "required_column", "pulse_id", None),
    "pulse: malformed pulse_id": ("pulse", frame_edit(lambda f: f.__setitem__("pulse_id", "2025-3")), "pulse_id_format", "pulse_id", 2),
    "pulse: answer outside fieldwork": ("pulse", cell("response_date", 4, "2025-06-02"), "fieldwork_window", "response_date", 6),
    "pulse: impossible date": ("pulse", cell("response_date", 1, "2025-02-30"), "iso_date", "response_date", 3),
    "pulse: item code 6": ("pulse", cell("P_COL1", 3, "6"), "valid_code", "P_COL1", 5),
    "pulse: duplicate respondent": ("pulse", cell("respondent_id", 2, "P00000"), "unique_in_file", "respondent_id", 2),
    # exit interviews
    "exit: interview 120 days after leaving": ("exit_interviews", cell("interview_date", 0, "2025-10-24"), "interview_near_leaving", "interview_date", 2),
    "exit: resignation without a reason": ("exit_interviews", cell("primary_reason", 0, ""), "required_value", "primary_reason", 2),
    "exit: unknown other reason": ("exit_interviews", cell("other_reasons", 1, "learning_development;boredom"), "valid_code", "other_reasons", 3),
    "exit: tenure 61 years": ("exit_interviews", cell("tenure_years", 2, "61"), "number_in_range", "tenure_years", 4),
    "exit: recommend 11": ("exit_interviews", cell("recommend_0_10", 3, "11"), "valid_code", "recommend_0_10", 5),
    "exit: leaving type 7": ("exit_interviews", cell("leaving_type", 4, "7"), "valid_code", "leaving_type", 6),
    # stay interviews
    "stay: hard_to_recruit_role 2": ("stay_interviews", cell("hard_to_recruit_role", 0, "2"), "valid_code", "hard_to_recruit_role", 2),
    "stay: considering_leaving blank": ("stay_interviews", cell("considering_leaving", 3, ""), "required_value", "considering_leaving", 5),
    "stay: unknown stay factor": ("stay_interviews", cell("stay_factors", 2, "free_biscuits"), "valid_code", "stay_factors", 4),
    "stay: duplicate interview": ("stay_interviews", duplicate_row(0, 5), "unique_in_file", "interview_id", 2),
    # workforce
    "workforce: negative headcount": ("workforce", cell("headcount", 2, "-1"), "non_negative_count", "headcount", 4),
    "workforce: two snapshot dates": ("workforce", cell("snapshot_date", 10, "2024-10-01"), "one_wave_per_file", "snapshot_date", 12),
    "workforce: same cell twice": ("workforce", duplicate_row(0, 1), "unique_in_file", "unit_code", 2),
    "workforce: unknown unit": ("workforce", cell("unit_code", 5, "NOWHERE"), "known_unit", "unit_code", 7),
    # org units
    "org units: cycle": ("org_units", frame_edit(org_cycle), "tree_without_cycles", "parent_code", None),
    "org units: unknown parent": ("org_units", cell("parent_code", 4, "OPS-Z"), "known_parent_unit", "parent_code", 6),
    "org units: bad valid_from": ("org_units", cell("valid_from", 2, "01/01/2024"), "iso_date", "valid_from", 4),
    "org units: unit twice on one date": ("org_units", duplicate_row(3, 4), "unique_in_file", "unit_code", 5),
}


@pytest.mark.parametrize("case", list(CATALOGUE))
def test_bad_input_is_rejected_and_nothing_changes(warehouse, case):
    source, edit, rule, column, row = CATALOGUE[case]
    landed = warehouse.landing_dir / source / f"bad-{case.replace(' ', '_').replace(':', '')}.csv"
    landed.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / SAMPLE_FILES[source], landed)
    edit(landed)
    before = all_counts(warehouse.warehouse_url)

    outcome, = flow.ingest(warehouse, source, [str(landed)])

    assert outcome.status == "rejected", f"{case}: {outcome.status} {outcome.message}"
    matching = [p for p in outcome.problems if p["rule"] == rule]
    assert matching, f"{case}: expected rule {rule}, got {[p['rule'] for p in outcome.problems]}"
    problem = matching[0]
    if column is not None:
        assert problem["column"] == column
    if row is not None:
        assert row in problem["rows"], f"{case}: rows {problem['rows']}"
    assert rule in outcome.message or outcome.problems[0]["rule"] != rule
    assert all_counts(warehouse.warehouse_url) == before
    assert not landed.exists()
    assert list((warehouse.quarantine_dir / source).glob(f"*{landed.name}"))


def test_catalogue_is_large_and_covers_every_source():
    assert len(CATALOGUE) >= 30
    assert {source for source, *_ in CATALOGUE.values()} == set(SAMPLE_FILES)


@pytest.fixture
def fresh(tmp_path) -> Settings:
    settings = Settings(tmp_path / "var", tmp_path / "landing", f"sqlite:///{tmp_path / 'w.db'}", 10)
    flow.initialise_warehouse(settings)
    flow.ingest(settings, "org_units", [str(SAMPLES / SAMPLE_FILES["org_units"])])
    return settings


def valid_variant(tmp_path: Path, source: str, change) -> Path:
    path = tmp_path / f"variant-{SAMPLE_FILES[source]}"
    shutil.copy(SAMPLES / SAMPLE_FILES[source], path)
    path.write_bytes(change(path.read_bytes()))
    return path


@pytest.mark.parametrize("source", [s for s in SAMPLE_FILES if s != "org_units"])
def test_every_sample_file_is_valid(fresh, source):
    outcome, = flow.ingest(fresh, source, [str(SAMPLES / SAMPLE_FILES[source])])
    assert outcome.status == "loaded", outcome.message


def add_column(content: bytes, name: str, value: str) -> bytes:
    lines = content.decode().split("\n")
    return "\n".join(line + (f",{name}" if i == 0 else f",{value}") if line else line
                     for i, line in enumerate(lines)).encode()


VALID_EDGE_CASES = {
    "byte-order mark": lambda b: b"\xef\xbb\xbf" + b,
    "header in upper case with spaces": lambda b: b.replace(b"interview_id,interview_date", b" INTERVIEW_ID , Interview_Date", 1),
    "unknown extra column": lambda b: add_column(b, "supplier_note", "x"),
    "quoted text with commas, quotes and new lines": lambda b: b.replace(b"The mission and my team.", b'"The mission, my team\nand the ""purpose"" of it."', 1),
    "Windows line endings": lambda b: b.replace(b"\n", b"\r\n"),
}


@pytest.mark.parametrize("case", list(VALID_EDGE_CASES))
def test_valid_edge_cases_are_accepted(fresh, tmp_path, case):
    path = valid_variant(tmp_path, "stay_interviews", VALID_EDGE_CASES[case])
    outcome, = flow.ingest(fresh, "stay_interviews", [str(path)])
    assert outcome.status == "loaded", f"{case}: {outcome.message}"
    from tests.helpers import query

    assert query(fresh.warehouse_url, "SELECT COUNT(*) AS n FROM raw_stay_interview")["n"].iloc[0] == 25


def test_a_leaver_delivered_twice_is_rejected(fresh, tmp_path):
    first, = flow.ingest(fresh, "exit_interviews", [str(SAMPLES / SAMPLE_FILES["exit_interviews"])])
    assert first.status == "loaded"
    again = valid_variant(tmp_path, "exit_interviews", lambda b: b.replace(b"L0001,", b"L9001,"))
    outcome, = flow.ingest(fresh, "exit_interviews", [str(again)])
    assert outcome.status == "rejected"
    problem = next(p for p in outcome.problems if p["rule"] == "unique_across_deliveries")
    assert problem["column"] == "leaver_id" and problem["rows"][0] == 2 and problem["row_count"] == 39
