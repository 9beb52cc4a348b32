"""One DagBag test guards every DAG; real dag.test() runs on SQLite and PostgreSQL warehouses."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.orchestration.airflow_local import DAGS_FOLDER, DagRunFailed, run_dag
from tests.conftest import SAMPLES
from tests.helpers import query

EXPECTED_DAGS = {"org_reference", "people_survey", "nlp_comments", "exit_stay_interviews", "pulse_survey", "culture_report"}


@pytest.fixture(scope="module")
def dag_bag(airflow_metadata):
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER, bundle_name="dags-folder")


def test_every_dag_imports_cleanly(dag_bag):
    assert dag_bag.import_errors == {}
    assert EXPECTED_DAGS <= set(dag_bag.dag_ids)


def test_dags_are_tagged_documented_and_acyclic(dag_bag):
    for dag_id in dag_bag.dag_ids:
        dag = dag_bag.dags[dag_id]
        assert "culture" in dag.tags, dag_id
        assert dag.doc_md, f"{dag_id} has no documentation"
        assert dag.topological_sort(), dag_id  # raises on a cycle
        assert not dag.catchup, f"{dag_id} would backfill on first deployment"


def test_people_survey_dag_reads_as_its_data_flow(dag_bag):
    dag = dag_bag.dags["people_survey"]
    chain = ["find_new_files", "validate", "load", "compute_measures", "publish"]
    for upstream, downstream in zip(chain, chain[1:]):
        assert downstream in dag.get_task(upstream).downstream_task_ids
    outlets = dag.get_task("publish").outlets
    assert [a.name for a in outlets] == ["people_survey_results"]


def test_comments_dag_follows_every_source_that_brings_free_text(dag_bag):
    dag = dag_bag.dags["nlp_comments"]
    followed = {a.name for a in dag.timetable.asset_condition.objects}
    assert followed == {"people_survey_results", "pulse_results", "interview_results"}
    assert [a.name for a in dag.get_task("process_comments").outlets] == ["comment_themes"]


def test_interview_dag_runs_daily_and_when_an_interview_file_lands(dag_bag):
    from airflow.sdk import AssetOrTimeSchedule

    from pipelines.orchestration.airflow_triggers import LandedFileTrigger

    dag = dag_bag.dags["exit_stay_interviews"]
    assert isinstance(dag.timetable, AssetOrTimeSchedule)
    watched = {a.name: a for a in dag.timetable.asset_condition.objects}
    assert set(watched) == {"landed_exit_interviews", "landed_stay_interviews"}
    for name, watched_asset in watched.items():
        trigger = watched_asset.watchers[0].trigger
        assert isinstance(trigger, LandedFileTrigger)
        assert trigger.directory.endswith(name.removeprefix("landed_"))
    assert [a.name for a in dag.get_task("compute_interview_measures").outlets] == ["interview_results"]


def test_pulse_dag_is_started_by_a_pulse_landing(dag_bag):
    from pipelines.orchestration.airflow_triggers import LandedFileTrigger

    dag = dag_bag.dags["pulse_survey"]
    watched, = dag.timetable.asset_condition.objects
    trigger = watched.watchers[0].trigger
    assert watched.name == "landed_pulse" and isinstance(trigger, LandedFileTrigger)
    assert trigger.directory.endswith("pulse")
    # One task from the announced file to published results: one task process on the critical path.
    assert [a.name for a in dag.get_task("take_in_landed_files").outlets] == ["pulse_results"]
    assert dag.get_task("take_in_landed_files").downstream_task_ids == {"fail_on_rejected_files"}


def test_report_dag_runs_monthly_and_whenever_results_change(dag_bag):
    from airflow.sdk import AssetOrTimeSchedule

    dag = dag_bag.dags["culture_report"]
    assert isinstance(dag.timetable, AssetOrTimeSchedule)
    assert {a.name for a in dag.timetable.asset_condition.objects} == {
        "people_survey_results", "pulse_results", "comment_themes", "interview_results"}


def land(settings, source: str, *files: Path) -> None:
    target = settings.landing_dir / source
    target.mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copy(file, target / file.name)


@pytest.mark.airflow
@pytest.mark.slow
def test_dag_runs_load_the_warehouse(airflow_metadata, culture_env, capfd):
    land(culture_env, "org_units", SAMPLES / "org_units_2024-01-01.csv")
    land(culture_env, "workforce", SAMPLES / "workforce_2024-09-01.csv")
    land(culture_env, "people_survey", SAMPLES / "exa_people_survey_2024.csv")
    assert run_dag("org_reference") == "success"
    assert run_dag("people_survey") == "success"
    # The tasks after the per-file fan-out read its outcomes without a logged error.
    assert "XCom not found" not in "".join(capfd.readouterr())
    url = culture_env.warehouse_url
    rows = query(url, "SELECT COUNT(*) AS n FROM hr_survey_results WHERE wave = '2024'")["n"].iloc[0]
    assert rows > 1000
    # Publishing inside the DAG ran the key drivers and refreshed the areas-for-improvement tracker.
    drivers = query(url, "SELECT driver_kind, COUNT(*) AS n FROM hr_key_drivers WHERE wave = '2024' "
                         "AND unit_code IS NULL AND outcome = 'EEI' GROUP BY driver_kind")
    assert dict(zip(drivers["driver_kind"], drivers["n"])).get("theme") == 9
    tracked = query(url, "SELECT COUNT(*) AS n FROM hr_improvement_tracker WHERE wave = '2024'")["n"].iloc[0]
    assert tracked > 20
    # A second run finds nothing new and changes nothing.
    before = query(url, "SELECT COUNT(*) AS n FROM fact_survey_measure")["n"].iloc[0]
    assert run_dag("people_survey") == "success"
    assert query(url, "SELECT COUNT(*) AS n FROM fact_survey_measure")["n"].iloc[0] == before
    outcomes = query(url, "SELECT outcome, COUNT(*) AS n FROM load_log WHERE source = 'people_survey' GROUP BY outcome")
    assert dict(zip(outcomes["outcome"], outcomes["n"])) == {"loaded": 1}
    # The comments DAG (run by the survey's Asset event in production) redacts and themes the text.
    assert run_dag("nlp_comments") == "success"
    themes = query(url, "SELECT * FROM hr_comment_themes WHERE wave = '2024' AND NOT suppressed")
    assert len(themes) and set(themes["theme"]) >= {"bullying", "workload"}


@pytest.mark.airflow
@pytest.mark.slow
def test_rejected_delivery_fails_the_run_after_loading_the_good_files(airflow_metadata, culture_env, tmp_path):
    land(culture_env, "org_units", SAMPLES / "org_units_2024-01-01.csv")
    assert run_dag("org_reference") == "success"
    broken = tmp_path / "broken_2023.csv"
    text = (SAMPLES / "exa_people_survey_2024.csv").read_text().replace(",2024,EXA,", ",2023,EXA,")
    broken.write_text(text.replace("S00003,2023,EXA,SUP-HR-T1", "S00003,2023,EXA,NO-SUCH-UNIT"))
    land(culture_env, "people_survey", SAMPLES / "exa_people_survey_2024.csv", broken)
    with pytest.raises(DagRunFailed, match="fail_on_rejected_files"):
        run_dag("people_survey")
    url = culture_env.warehouse_url
    assert query(url, "SELECT DISTINCT wave FROM hr_survey_results")["wave"].tolist() == ["2024"]
    assert not (culture_env.landing_dir / "people_survey" / "broken_2023.csv").exists()
    assert list((culture_env.quarantine_dir / "people_survey").glob("*broken_2023.csv"))


@pytest.mark.airflow
@pytest.mark.slow
def test_interview_dag_loads_interviews_and_publishes_their_figures(airflow_metadata, culture_env):
    land(culture_env, "org_units", SAMPLES / "org_units_2024-01-01.csv")
    land(culture_env, "workforce", SAMPLES / "workforce_2024-09-01.csv")
    land(culture_env, "exit_interviews", SAMPLES / "exa_exit_2025-H1.csv")
    land(culture_env, "stay_interviews", SAMPLES / "exa_stay_2025-05.csv")
    assert run_dag("org_reference") == "success"
    assert run_dag("exit_stay_interviews") == "success"
    url = culture_env.warehouse_url
    for view in ("hr_leaving_rates", "hr_leaver_reasons", "hr_stay_factors"):
        shown = query(url, f"SELECT COUNT(*) AS n FROM {view} WHERE NOT suppressed")["n"].iloc[0]
        assert shown > 0, f"{view} shows nothing"
    assert run_dag("exit_stay_interviews") == "success"  # nothing new: measures skipped, nothing doubled
    assert query(url, "SELECT COUNT(*) AS n FROM raw_exit_interview")["n"].iloc[0] == 40


@pytest.mark.airflow
@pytest.mark.slow
def test_pulse_dag_weights_and_publishes_a_landed_pulse(airflow_metadata, culture_env):
    land(culture_env, "org_units", SAMPLES / "org_units_2024-01-01.csv")
    land(culture_env, "workforce", SAMPLES / "workforce_2024-09-01.csv")
    land(culture_env, "pulse", SAMPLES / "exa_pulse_2025-03.csv")
    assert run_dag("org_reference") == "success"
    assert run_dag("pulse_survey") == "success"
    shifts = query(culture_env.warehouse_url, "SELECT * FROM hr_pulse_results WHERE measure LIKE 'SHIFT:%' "
                                              "AND unit_code IS NULL AND breakdown = 'all'")
    assert len(shifts) == 6 and shifts["value_weighted"].notna().all()
    tracked = query(culture_env.warehouse_url, "SELECT status FROM hr_improvement_tracker WHERE source = 'pulse'")
    assert len(tracked) and set(tracked["status"]) == {"baseline"}  # the first pulse: nothing to compare yet
    assert run_dag("culture_report") == "success"
    report = culture_env.var_dir / "report" / "culture_report.html"
    assert "The six cultural shifts" in report.read_text(encoding="utf-8")
