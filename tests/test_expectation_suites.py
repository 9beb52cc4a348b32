"""The GX suites in expectations/ are generated from the contract code and must be up to date; their
Data Docs pages are rendered without compiling the same templates again; the rules a file fails
keep their rows and values through the two validation passes."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.ingest.sources import SOURCE_NAMES
from pipelines.ingest.validation.gx_runner import suite_path
from pipelines.ingest.validation.suites import rendered


@pytest.mark.parametrize("source", SOURCE_NAMES)
def test_committed_suite_matches_the_contract_code(source):
    assert suite_path(source).read_text(encoding="utf-8") == rendered(source), (
        f"expectations/{source}.json is stale: run `python -m pipelines.ingest.validation.suites` and commit it")


@pytest.mark.parametrize("source", SOURCE_NAMES)
def test_every_expectation_names_a_rule_and_a_message(source):
    suite = json.loads(suite_path(source).read_text(encoding="utf-8"))
    assert suite["expectations"]
    for expectation in suite["expectations"]:
        assert expectation["meta"]["rule"] and expectation["meta"]["message"], expectation


def test_people_survey_suite_covers_every_question_and_routing_rule():
    from pipelines.shared.reference import question_bank

    suite = json.loads(suite_path("people_survey").read_text(encoding="utf-8"))
    coded = {e["kwargs"]["column"] for e in suite["expectations"] if e["meta"]["rule"] == "valid_code"}
    routed = {e["kwargs"]["column"] for e in suite["expectations"] if e["meta"]["rule"] == "routing"}
    assert {q.code for q in question_bank()} <= coded
    assert routed == {q.code for q in question_bank() if q.asked_if}


def test_identifiers_and_free_text_never_reach_gx_directly():
    """GX results (and Data Docs) may quote failing values: identifiers are checked only for
    presence, everything else about them through derived helper columns; free text not at all."""
    harmless = {"expect_column_to_exist", "expect_column_values_to_not_be_null"}
    for source in SOURCE_NAMES:
        suite = json.loads(suite_path(source).read_text(encoding="utf-8"))
        identifier = suite["meta"]["identifier"]
        for expectation in suite["expectations"]:
            columns = [expectation["kwargs"].get("column"), *expectation["kwargs"].get("column_list", [])]
            assert not any(c and c.startswith("text_") for c in columns), expectation
            if identifier and identifier in columns:
                assert expectation["type"] in harmless, expectation


def test_a_second_data_docs_page_compiles_no_template_again(tmp_path, monkeypatch):
    """GX gives every page a new Jinja environment; the compiled templates are shared per process."""
    import jinja2

    from pipelines.config import Settings
    from pipelines.ingest.steps import validate_file
    from pipelines.orchestration import flow
    from tests.conftest import SAMPLES
    from tests.helpers import SAMPLE_FILES

    settings = Settings(tmp_path / "var", tmp_path / "landing", f"sqlite:///{tmp_path / 'warehouse.db'}", 10)
    flow.initialise_warehouse(settings)
    file = SAMPLES / SAMPLE_FILES["org_units"]
    assert validate_file(settings, "org_units", file).data_docs  # templates compiled here, if not before
    compiled = []
    original = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, *a, **k: compiled.append(a) or original(self, *a, **k))
    outcome = validate_file(settings, "org_units", file)
    assert outcome.status == "valid" and Path(outcome.data_docs).exists()
    assert compiled == []


def test_a_run_builds_each_expectations_configuration_once_and_finds_the_same_problems(tmp_path, monkeypatch):
    """The speed-up in gx_runner (GX otherwise rebuilds an expectation's configuration for every
    keyword it reads) must change nothing GX finds: a survey with a bad code, broken routing and a
    blank required answer gives the same problems, rows and messages with GX's own property."""
    import contextlib

    from great_expectations.expectations.expectation import Expectation

    from pipelines.config import Settings
    from pipelines.ingest.steps import validate_file
    from pipelines.ingest.validation import gx_runner
    from tests.conftest import SAMPLES
    from tests.helpers import SAMPLE_FILES, frame_edit, with_organisation

    settings = with_organisation(Settings(tmp_path / "var", tmp_path / "landing", f"sqlite:///{tmp_path / 'warehouse.db'}", 10))

    def defects(frame):
        frame.loc[3, "B01"] = "9"
        frame.loc[5, ["E03", "E05"]] = ["2", "2"]
        frame.loc[7, "A01"] = ""

    builds = []
    original = Expectation.dict
    monkeypatch.setattr(Expectation, "dict", lambda self, *a, **k: builds.append(1) or original(self, *a, **k))

    def problems(name: str) -> tuple[list, int]:
        builds.clear()
        path = tmp_path / name
        path.write_bytes((SAMPLES / SAMPLE_FILES["people_survey"]).read_bytes())
        frame_edit(defects)(path)
        outcome = validate_file(settings, "people_survey", path)
        assert outcome.status == "rejected"
        return outcome.problems, len(builds)

    once, built_once = problems("survey_once.csv")
    monkeypatch.setattr(gx_runner, "_each_configuration_built_once", contextlib.nullcontext)
    every_time, built_every_time = problems("survey_every_time.csv")
    assert once == every_time and {p["rule"] for p in once} >= {"valid_code", "routing"}
    assert built_once * 3 < built_every_time


def test_failed_rules_are_run_again_for_their_rows_and_values_and_data_docs_show_them(tmp_path):
    """Every rule is first checked for pass or fail only; only the rules that failed are run again
    for their count, rows and values. Those details must reach the problems and the file's Data
    Docs page (the stored result is replaced), not only the verdict."""
    import html
    import re

    from pipelines.config import Settings
    from pipelines.ingest.steps import validate_file
    from tests.conftest import SAMPLES
    from tests.helpers import SAMPLE_FILES, frame_edit, with_organisation

    settings = with_organisation(Settings(tmp_path / "var", tmp_path / "landing", f"sqlite:///{tmp_path / 'warehouse.db'}", 10))
    path = tmp_path / "survey.csv"
    path.write_bytes((SAMPLES / SAMPLE_FILES["people_survey"]).read_bytes())

    def defects(frame):
        frame.loc[[3, 6], "B01"] = "9"

    frame_edit(defects)(path)
    outcome = validate_file(settings, "people_survey", path)
    assert outcome.status == "rejected"
    problem, = outcome.problems
    assert (problem["column"], problem["rows"], problem["row_count"]) == ("B01", [5, 8], 2)
    assert "found '9'" in problem["message"]
    page = html.unescape(re.sub(r"<[^>]+>", " ", Path(outcome.data_docs).read_text(encoding="utf-8")))
    assert re.search(r"B01 .{0,200}?2 unexpected values found", re.sub(r"\s+", " ", page)), "B01's details are on the page"
