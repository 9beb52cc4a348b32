"""The DAGs on Airflow's own distributed engine: api-server, scheduler, dag-processor, triggerer and
two Celery workers, Redis as the broker, PostgreSQL for Airflow's metadata and for the warehouse.

Several organisations' survey files and a pulse land; every result must reach the hr_* views, the
per-file tasks must have run on both workers, and a worker killed while it loads a file must cost
one retry on the other worker, with the file loaded exactly once and the interrupted attempt in
the load log. Every process this test starts is stopped at the end, even on failure.

Select it with `-m celery`. Under REQUIRE_POSTGRES=1 (CI) a missing broker fails the test.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from pipelines.orchestration import flow
from tests.cluster import AirflowCluster, NoBroker, land_atomically
from tests.cluster import redis_broker as broker
from pipelines.config import Settings
from pipelines.ingest.steps import HOLD_LOADS_ENV
from pipelines.samples.civil_service import write_civil_service_wave
from tests.conftest import SAMPLES
from tests.helpers import query
from tests.test_event_driven import metadata_database, pulse_copy, wait_for  # noqa: F401 - a fixture

ORGANISATIONS = 3
RESPONDENTS = 150  # the whole wave, over ORGANISATIONS files (at least 20 each)
# Every DAG starts paused and only the two this test needs are unpaused: the others' scheduled and
# Asset-triggered runs (topic modelling, the report) would take the workers' slots on a small
# shared machine. Pausing them after start came too late: their first runs were already made.
NEEDED = ("people_survey", "pulse_survey")
DEADLINE_S = 600
WORKERS = ("alpha", "beta")
# What is tested is that a lost worker's task is failed and retried on the other, not the
# deployment's patience (60 s in docker-compose.yml and CELERY_DEPLOYMENT): waiting out a shorter
# one takes half a minute off the suite's slowest test, and still leaves a healthy task, whose
# supervisor heartbeats every few seconds, a wide margin on a busy two-core machine.
HEARTBEAT_TIMEOUT_S = "30"


@pytest.fixture
def redis_broker(tmp_path):
    try:
        url, started = broker(tmp_path)
    except NoBroker as missing:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but there is no Celery broker: {missing}")
        pytest.skip(str(missing))
    yield url
    if started is not None:
        started.terminate()
        started.wait(timeout=10)


def _land(settings: Settings, source: str, files: list[Path]) -> None:
    folder = settings.landing_dir / source
    folder.mkdir(parents=True, exist_ok=True)
    for path in files:
        land_atomically(path, folder / path.name)


def _all_running(cluster: AirflowCluster) -> None:
    """Fail at once, with the logs, when a component died (not after a long wait for a result)."""
    ended = [process.args[3:5] for process in cluster.processes if process.poll() is not None]
    if ended:
        pytest.fail(f"Airflow components exited early: {ended}\n{cluster.logs()}")


def _held_load(cluster: AirflowCluster, hold_dir: Path) -> tuple[str, int] | None:
    """(file name, pid) of the load waiting at the test hook, once one has claimed its hold."""
    _all_running(cluster)
    for claimed in hold_dir.glob("*.held.*"):
        name, _, pid = claimed.name.rpartition(".held.")
        return name, int(pid)
    return None


@pytest.mark.celery
@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(1800)
def test_a_wave_fans_out_over_two_celery_workers_and_survives_losing_one(
        tmp_path, metadata_database, postgres_url, redis_broker):  # noqa: F811 - the imported fixture
    settings = Settings(tmp_path / "var", tmp_path / "landing", postgres_url, 10)
    flow.initialise_warehouse(settings)
    wave = write_civil_service_wave(tmp_path / "wave", respondents=RESPONDENTS, organisations=ORGANISATIONS)
    surveys = sorted(p for p in wave if p.parent.name == "people_survey")
    for source, path in (("org_units", SAMPLES / "org_units_2024-01-01.csv"),
                         ("workforce", SAMPLES / "workforce_2024-09-01.csv"),
                         ("org_units", next(p for p in wave if p.parent.name == "org_units"))):
        assert flow.ingest(settings, source, [str(path)])[0].status == "loaded"

    hold_dir = tmp_path / "hold"
    hold_dir.mkdir()
    victim = surveys[0].name
    (hold_dir / victim).touch()  # the first load of this file waits, uncommitted, until its worker is killed
    _land(settings, "people_survey", surveys)
    cluster = AirflowCluster(tmp_path / "airflow", metadata_database, settings, broker_url=redis_broker,
                             extra={HOLD_LOADS_ENV: str(hold_dir),
                                    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": HEARTBEAT_TIMEOUT_S,
                                    "AIRFLOW__OPERATORS__DEFAULT_QUEUE": f"culture-{uuid.uuid4().hex[:8]}",
                                    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True"})
    try:
        cluster.start()
        for name in WORKERS:
            cluster.start_worker(name)
        api = wait_for(lambda: cluster.api(), 120, "the api-server", cluster)
        # Not waiting for the pulse watcher: the pulse lands minutes later, and a watcher that
        # starts after a file landed still announces it.
        for dag_id in NEEDED:
            cluster.unpause(dag_id)
        run_id = cluster.run_for_landed_files(api, "people_survey")

        held_name, held_pid = wait_for(lambda: _held_load(cluster, hold_dir), DEADLINE_S, "a worker to hold the load", cluster)
        assert held_name == victim
        killed = cluster.worker_of(held_pid)
        assert killed in WORKERS, "the held load must run under one of the two workers"
        cluster.kill_worker(killed)
        survivor, = set(WORKERS) - {killed}

        # A pulse lands while the survey run recovers: the triggerer starts its own run.
        (settings.landing_dir / "pulse").mkdir(parents=True, exist_ok=True)
        land_atomically(pulse_copy(tmp_path / "pulse.csv", "2025-03"), settings.landing_dir / "pulse" / "exa_pulse_2025-03.csv")

        def run_state():
            state = api.get(f"/api/v2/dags/people_survey/dagRuns/{run_id}").json()["state"]
            return state if state in ("success", "failed") else None

        assert wait_for(run_state, DEADLINE_S, "the people_survey run to finish", cluster) == "success", cluster.logs()
        wait_for(lambda: query(postgres_url, "SELECT COUNT(*) AS n FROM hr_pulse_results WHERE pulse_id = '2025-03'")["n"].iloc[0] > 0,
                 DEADLINE_S, "the pulse in hr_pulse_results", cluster)

        # Every organisation's results are in the analysts' view.
        published = set(query(postgres_url, "SELECT DISTINCT org_code FROM hr_survey_results")["org_code"])
        assert {f"D{i:03d}" for i in range(1, ORGANISATIONS + 1)} <= published

        # Every file loaded exactly once; the killed worker's file shows its interrupted attempt.
        log = query(postgres_url, "SELECT file_name, outcome FROM load_log WHERE source = 'people_survey' ORDER BY load_id")
        for survey in surveys:
            outcomes = log.loc[log["file_name"] == survey.name, "outcome"].tolist()
            assert outcomes.count("loaded") == 1 and set(outcomes) <= {"interrupted", "loaded"}, (survey.name, outcomes)
        assert log.loc[log["file_name"] == victim, "outcome"].tolist() == ["interrupted", "loaded"]
        waves = query(postgres_url, "SELECT org_code, COUNT(*) AS n, SUM(respondents) AS r FROM survey_wave "
                                    "WHERE source = 'people_survey' GROUP BY org_code")
        assert sorted(waves["org_code"]) == [f"D{i:03d}" for i in range(1, ORGANISATIONS + 1)] and set(waves["n"]) == {1}
        rows = query(postgres_url, "SELECT COUNT(*) AS n, COUNT(DISTINCT respondent_id) AS d FROM raw_survey_response")
        assert rows["n"].iloc[0] == rows["d"].iloc[0] == waves["r"].sum() >= RESPONDENTS

        # The per-file tasks ran on both workers (every try counts); the killed one's load was
        # retried on the other.
        instances = api.get(f"/api/v2/dags/people_survey/dagRuns/{run_id}/taskInstances",
                            params={"limit": 100}).json()["task_instances"]
        mapped = [ti for ti in instances if ti["task_id"] in ("validate", "load")]
        assert len(mapped) == 2 * ORGANISATIONS
        tries = {(ti["task_id"], ti["map_index"]): api.get(
            f"/api/v2/dags/people_survey/dagRuns/{run_id}/taskInstances/{ti['task_id']}/{ti['map_index']}/tries").json()["task_instances"]
            for ti in mapped}
        hosts = {t["hostname"] for history in tries.values() for t in history}
        assert set(WORKERS) <= hosts, hosts
        retried = [ti for ti in mapped if ti["try_number"] > 1]
        assert any(ti["task_id"] == "load" for ti in retried), "the killed worker's load was never retried"
        assert all(ti["state"] == "success" and ti["hostname"] == survivor for ti in retried), retried
    finally:
        cluster.stop()
    assert all(process.poll() is not None for process in cluster.processes)
