"""One DagBag test guards every DAG; real dag.test() runs on SQLite and PostgreSQL warehouses."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.airflow_local import DAGS_FOLDER, DagRunFailed, run_dag
from tests.conftest import SAMPLES
from tests.helpers import query

EXPECTED_DAGS = {"org_reference", "people_survey"}


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


def land(settings, source: str, *files: Path) -> None:
    target = settings.landing_dir / source
    target.mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copy(file, target / file.name)


@pytest.mark.airflow
@pytest.mark.slow
def test_dag_runs_load_the_warehouse(airflow_metadata, culture_env):
    land(culture_env, "org_units", SAMPLES / "org_units_2024-01-01.csv")
    land(culture_env, "workforce", SAMPLES / "workforce_2024-09-01.csv")
    land(culture_env, "people_survey", SAMPLES / "exa_people_survey_2024.csv")
    assert run_dag("org_reference") == "success"
    assert run_dag("people_survey") == "success"
    url = culture_env.warehouse_url
    rows = query(url, "SELECT COUNT(*) AS n FROM hr_survey_results WHERE wave = '2024'")["n"].iloc[0]
    assert rows > 1000
    # A second run finds nothing new and changes nothing.
    before = query(url, "SELECT COUNT(*) AS n FROM fact_survey_measure")["n"].iloc[0]
    assert run_dag("people_survey") == "success"
    assert query(url, "SELECT COUNT(*) AS n FROM fact_survey_measure")["n"].iloc[0] == before
    outcomes = query(url, "SELECT outcome, COUNT(*) AS n FROM load_log WHERE source = 'people_survey' GROUP BY outcome")
    assert dict(zip(outcomes["outcome"], outcomes["n"])) == {"loaded": 1}


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
