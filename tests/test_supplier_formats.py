"""Files as suppliers send them (Excel workbooks, SPSS, survey-platform CSV exports, their own
column names and codes) give the same warehouse as the contract's CSV, and mangled ones are
rejected with the sheet and cell, or the SPSS variable, that is wrong."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipelines.orchestration import flow
from pipelines.config import Settings
from tests.conftest import SAMPLES, warehouse_on
from tests.helpers import SAMPLE_FILES, query, run_cli
from tests.supplier_files import excel_row, sample_frame, set_cell, write_spss, write_workbook

# What each source writes; compared without surrogate keys (load and wave ids differ by run).
TABLES = ("dim_org_unit", "fact_workforce", "survey_wave", "raw_survey_response", "raw_survey_comment",
          "raw_pulse_response", "raw_exit_interview", "raw_stay_interview", "raw_interview_comment",
          "fact_survey_measure")
SURROGATES = {"load_id", "wave_id", "id", "comment_id", "delivered_at", "loaded_at", "published_at", "created_at"}


@pytest.fixture
def second_settings(request, settings, tmp_path):
    """Another, empty warehouse on the same backend, to load the CSV twins into."""
    backend = "sqlite" if settings.warehouse_url.startswith("sqlite") else "postgres"
    with warehouse_on(request, backend, tmp_path / "csv_twin.db") as url:
        yield Settings(var_dir=tmp_path / "var_csv", landing_dir=tmp_path / "landing_csv", warehouse_url=url,
                       min_group_size=10)


def table_contents(url: str) -> dict[str, list[tuple]]:
    engine = sa.create_engine(url)
    contents = {}
    try:
        with engine.connect() as connection:
            for name in TABLES:
                columns = [c["name"] for c in sa.inspect(connection).get_columns(name) if c["name"] not in SURROGATES]
                rows = connection.execute(sa.text(f"SELECT {', '.join(columns)} FROM {name}")).all()
                contents[name] = sorted((tuple(str(v) for v in row) for row in rows))
    finally:
        engine.dispose()
    return contents


def ingest_all(settings: Settings, paths: dict[str, Path]) -> None:
    flow.initialise_warehouse(settings)
    for source, path in paths.items():
        outcomes = flow.ingest(settings, source, [str(path)])
        assert [o.status for o in outcomes] == ["loaded"], f"{source}: {outcomes[0].message}"


def test_workbooks_of_every_source_and_an_spss_survey_give_the_warehouse_the_csvs_give(settings, second_settings, tmp_path):
    csvs = {source: SAMPLES / name for source, name in SAMPLE_FILES.items()}
    workbooks = {source: write_workbook(sample_frame(path), tmp_path / f"{path.stem}.xlsx", sheet="Export")
                 for source, path in csvs.items()}
    ingest_all(second_settings, csvs)
    ingest_all(settings, workbooks)
    from_csv = table_contents(second_settings.warehouse_url)
    from_workbooks = table_contents(settings.warehouse_url)
    for name in TABLES:
        assert from_workbooks[name] == from_csv[name], name
    assert from_csv["raw_exit_interview"] and from_csv["raw_stay_interview"] and from_csv["raw_pulse_response"]

    # The survey again as SPSS: a corrected delivery of the same wave, identical in content.
    spss = write_spss(sample_frame(csvs["people_survey"]), tmp_path / "survey_2024.sav")
    assert [o.status for o in flow.ingest(settings, "people_survey", [str(spss)])] == ["loaded"]
    assert table_contents(settings.warehouse_url)["raw_survey_response"] == from_csv["raw_survey_response"]


@pytest.fixture
def units_loaded(culture_env):
    assert run_cli("ingest", "org_units", SAMPLES / SAMPLE_FILES["org_units"]) == 0
    return culture_env


def rejected_outcome(capsys, source: str, path: Path, *extra: str) -> dict:
    capsys.readouterr()
    assert run_cli("ingest", source, path, "--json", *extra) != 0
    [outcome] = json.loads(capsys.readouterr().out)
    assert outcome["status"] == "rejected"
    assert Path(outcome["report_path"]).is_file()
    assert "quarantined as" in outcome["message"]
    return outcome


def test_a_unit_code_that_lost_its_leading_zeros_is_rejected_at_its_cell(units_loaded, tmp_path, capsys):
    workbook = write_workbook(sample_frame(SAMPLES / SAMPLE_FILES["workforce"]), tmp_path / "wf.xlsx", "Workforce")
    set_cell(workbook, f"B{excel_row(14)}", 7)  # "007" typed into a General cell
    outcome = rejected_outcome(capsys, "workforce", workbook)
    assert outcome["problems"][0]["rule"] == "code_is_text"
    assert outcome["problems"][0]["cells"] == [f"Workforce!B{excel_row(14)}"]
    assert f"Workforce!B{excel_row(14)}" in outcome["message"]
    log = query(units_loaded.warehouse_url, "SELECT outcome FROM load_log WHERE source = 'workforce'")
    assert list(log["outcome"]) == ["rejected"]
    assert query(units_loaded.warehouse_url, "SELECT COUNT(*) AS n FROM fact_workforce")["n"].iloc[0] == 0


def test_a_date_where_a_code_belongs_is_rejected_at_its_cell(units_loaded, tmp_path, capsys):
    workbook = write_workbook(sample_frame(SAMPLES / SAMPLE_FILES["workforce"]), tmp_path / "wf.xlsx", "Workforce")
    set_cell(workbook, f"D{excel_row(3)}", dt.datetime(2024, 1, 2))  # 1/2 typed into a General cell
    outcome = rejected_outcome(capsys, "workforce", workbook)
    assert outcome["problems"][0]["rule"] == "date_where_code_expected"
    assert outcome["problems"][0]["cells"] == [f"Workforce!D{excel_row(3)}"]


def test_a_contract_rule_broken_in_a_workbook_names_the_sheet_and_cell(units_loaded, tmp_path, capsys):
    workbook = write_workbook(sample_frame(SAMPLES / SAMPLE_FILES["workforce"]), tmp_path / "wf.xlsx", "Head count")
    set_cell(workbook, f"E{excel_row(40)}", -3)
    outcome = rejected_outcome(capsys, "workforce", workbook)
    [problem] = [p for p in outcome["problems"] if p["column"] == "headcount"]
    assert problem["cells"] == [f"'Head count'!E{excel_row(40)}"]


def test_a_workbook_of_several_sheets_needs_the_sheet_named(units_loaded, tmp_path, capsys):
    import openpyxl

    workbook = write_workbook(sample_frame(SAMPLES / SAMPLE_FILES["workforce"]), tmp_path / "wf.xlsx", "Workforce")
    book = openpyxl.load_workbook(workbook)
    book.create_sheet("Notes")["A1"] = "prepared by HR"
    book.save(workbook)
    kept = tmp_path / "kept.xlsx"
    kept.write_bytes(workbook.read_bytes())
    assert rejected_outcome(capsys, "workforce", workbook)["problems"][0]["rule"] == "one_sheet"

    mapping = tmp_path / "hr.yaml"
    mapping.write_text("sheet: Workforce\n", encoding="utf-8")
    assert run_cli("ingest", "workforce", kept, "--mapping", mapping) == 0
    assert query(units_loaded.warehouse_url, "SELECT SUM(headcount) AS n FROM fact_workforce")["n"].iloc[0] > 0


def test_spss_value_labels_that_disagree_with_the_contract_are_rejected_naming_the_variable(units_loaded, tmp_path, capsys):
    assert run_cli("ingest", "workforce", SAMPLES / SAMPLE_FILES["workforce"]) == 0
    reversed_agree = {1.0: "Strongly agree", 2.0: "Agree", 3.0: "Neither agree nor disagree", 4.0: "Disagree",
                      5.0: "Strongly disagree"}
    spss = write_spss(sample_frame(SAMPLES / SAMPLE_FILES["people_survey"]), tmp_path / "survey.sav",
                      labels_override={"B01": reversed_agree})
    outcome = rejected_outcome(capsys, "people_survey", spss)
    [problem] = outcome["problems"]
    assert (problem["rule"], problem["column"], problem["origin"]) == ("value_labels_match_contract", "B01",
                                                                       "SPSS variable B01")
    assert "codes 1, 2, 4, 5" in problem["message"] and "Strongly" not in outcome["message"]


def test_a_supplier_mapping_renames_variables_and_recodes_values(units_loaded, tmp_path):
    assert run_cli("ingest", "workforce", SAMPLES / SAMPLE_FILES["workforce"]) == 0
    frame = sample_frame(SAMPLES / SAMPLE_FILES["people_survey"])
    frame["sex"] = frame["sex"].map({"1": "9", "2": "8", "3": "7", "": ""})  # the supplier's own codes
    spss = write_spss(frame, tmp_path / "survey.sav", renamed={"respondent_id": "RespID", "sex": "Q_SEX"},
                      labels_override={"Q_SEX": {9.0: "Woman", 8.0: "Man", 7.0: "Rather not say"}})
    mapping = tmp_path / "supplier.yaml"
    mapping.write_text("columns:\n  RespID: respondent_id\n  q_sex: sex\ncodes:\n  sex: {9: 1, 8: 2, 7: 3}\n",
                       encoding="utf-8")
    assert run_cli("ingest", "people_survey", spss, "--mapping", mapping) == 0
    sexes = query(units_loaded.warehouse_url, "SELECT sex, COUNT(*) AS n FROM raw_survey_response GROUP BY sex")
    expected = sample_frame(SAMPLES / SAMPLE_FILES["people_survey"])["sex"].replace("", None).dropna().astype(int)
    loaded = {int(r.sex): int(r.n) for r in sexes.itertuples() if r.sex is not None and r.sex == r.sex}
    assert loaded == expected.value_counts().to_dict()


def test_a_mapping_in_the_landing_directory_reads_every_file_landed_there(units_loaded, tmp_path, capsys):
    """What the DAGs and the watcher use: no option, the supplier's landing directory says it."""
    frame = sample_frame(SAMPLES / SAMPLE_FILES["workforce"]).rename(columns={"unit_code": "Unit", "headcount": "Staff"})
    landing = units_loaded.landing_dir / "workforce"
    landing.mkdir(parents=True, exist_ok=True)
    landed = write_workbook(frame, landing / "hr_extract.xlsx", "Workforce")
    assert run_cli("ingest", "workforce", landed) == 1, "without a mapping the renamed columns break the contract"
    capsys.readouterr()
    landed = write_workbook(frame, landing / "hr_extract_again.xlsx", "Workforce")
    (landing / "column-mapping.yml").write_text("columns:\n  Unit: unit_code\n  Staff: headcount\n", encoding="utf-8")
    assert run_cli("ingest", "workforce", landed) == 0
    assert query(units_loaded.warehouse_url, "SELECT SUM(headcount) AS n FROM fact_workforce")["n"].iloc[0] > 0
    landed_files = flow.find_landed_files(units_loaded, "workforce")
    assert not [f for f in landed_files if f.endswith(".yml")], "the mapping file itself is never taken for data"


def test_a_broken_mapping_file_is_a_usage_error(units_loaded, tmp_path):
    mapping = tmp_path / "broken.yaml"
    mapping.write_text("colums:\n  Unit: unit_code\n", encoding="utf-8")
    assert run_cli("ingest", "workforce", SAMPLES / SAMPLE_FILES["workforce"], "--mapping", mapping) == 2


def qualtrics_export(tmp_path: Path, change=None) -> Path:
    """The survey as Qualtrics writes it: column names, question texts, then import ids."""
    frame = sample_frame(SAMPLES / SAMPLE_FILES["people_survey"])
    if change:
        change(frame)
    target = tmp_path / "qualtrics_export.csv"
    question_text = ",".join(f'"Question text of {c}"' for c in frame.columns)
    import_ids = ",".join(f'"{{""ImportId"":""QID{i}""}}"' for i, _ in enumerate(frame.columns))
    body = frame.to_csv(index=False).split("\n", 1)
    target.write_text(f"{body[0]}\n{question_text}\n{import_ids}\n{body[1]}", encoding="utf-8")
    return target


def test_a_survey_platform_export_loads_without_its_extra_header_rows(units_loaded, tmp_path, capsys):
    assert run_cli("ingest", "workforce", SAMPLES / SAMPLE_FILES["workforce"]) == 0
    assert run_cli("ingest", "people_survey", qualtrics_export(tmp_path)) == 0
    assert query(units_loaded.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_response")["n"].iloc[0] == 300

    def break_row_5(frame):
        frame.loc[4, "B01"] = "9"

    broken = qualtrics_export(tmp_path / "..", break_row_5)
    outcome = rejected_outcome(capsys, "people_survey", broken)
    [problem] = [p for p in outcome["problems"] if p["column"] == "B01"]
    assert problem["rows"] == [8], "rows counted in the file as delivered: 3 header rows, then data row 5"
