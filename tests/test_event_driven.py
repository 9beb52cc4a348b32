"""Event-driven end to end with real Airflow components: api-server, scheduler, dag-processor and
triggerer on a PostgreSQL metadata database. A pulse file dropped into the landing directory must
reach hr_pulse_results and a refreshed report with no other action; `culture notify` must start a
run through the REST API. Every process is stopped at the end, even on failure."""
from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.orchestration import flow
from tests.cluster import AirflowCluster, land_atomically, poll_until
from pipelines.config import Settings
from tests.conftest import SAMPLES
from tests.helpers import query

DEADLINE_S = 180


@pytest.fixture
def metadata_database(postgres_server):
    """A fresh PostgreSQL database for Airflow's metadata, dropped afterwards."""
    name = f"culture_airflow_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield postgres_server.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def wait_for(condition, timeout: float, what: str, cluster: AirflowCluster, interval: float = 2.0):
    result = poll_until(condition, timeout, interval)
    if not result:
        pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{cluster.logs()}")
    return result


def pulse_copy(path: Path, pulse_id: str) -> Path:
    frame = pd.read_csv(SAMPLES / "exa_pulse_2025-03.csv", dtype=str, keep_default_na=False)
    frame["pulse_id"] = pulse_id
    frame["response_date"] = frame["response_date"].str.replace("2025-03", pulse_id)
    frame.to_csv(path, index=False)
    return path


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.timeout(900)
def test_a_landed_pulse_reaches_the_hr_view_and_the_report_by_itself(tmp_path, metadata_database, postgres_url):
    settings = Settings(tmp_path / "var", tmp_path / "landing", postgres_url, 10)
    flow.initialise_warehouse(settings)
    for source, name in (("org_units", "org_units_2024-01-01.csv"), ("workforce", "workforce_2024-09-01.csv")):
        assert flow.ingest(settings, source, [str(SAMPLES / name)])[0].status == "loaded"
    (settings.landing_dir / "pulse").mkdir(parents=True)

    cluster = AirflowCluster(tmp_path / "airflow", metadata_database, settings)
    try:
        cluster.start()
        api = wait_for(lambda: cluster.api(), 120, "the api-server", cluster)
        cluster.wait_until_active("pulse_survey")

        report = settings.var_dir / "report" / "culture_report.html"
        landed = settings.landing_dir / "pulse" / "exa_pulse_2025-03.csv"
        started = time.monotonic()
        land_atomically(pulse_copy(tmp_path / "pulse.csv", "2025-03"), landed)

        def pulse_results_and_report(pulse_id: str):
            rows = query(postgres_url, "SELECT COUNT(*) AS n FROM hr_pulse_results WHERE pulse_id = :p", p=pulse_id)["n"].iloc[0]
            return rows > 0 and report.exists() and f">{pulse_id}<" in report.read_text(encoding="utf-8")

        wait_for(lambda: pulse_results_and_report("2025-03"), DEADLINE_S, "pulse 2025-03 in hr_pulse_results and the report", cluster)
        print(f"file landed -> results and report in {time.monotonic() - started:.0f} s")

        # An uploader announces a second pulse through the REST API (`culture notify pulse PATH`).
        notify = subprocess.run([str(Path(sys.executable).parent / "culture"), "notify", "pulse",
                                 str(pulse_copy(tmp_path / "exa_pulse_2025-05.csv", "2025-05"))],
                                env={**cluster.environment, "CULTURE_AIRFLOW_API_URL": cluster.api_url},
                                capture_output=True, text=True)
        assert notify.returncode == 0, notify.stdout + notify.stderr
        assert "announced" in notify.stdout
        wait_for(lambda: pulse_results_and_report("2025-05"), DEADLINE_S, "the announced pulse 2025-05", cluster)
        change = query(postgres_url, "SELECT change_pp FROM hr_pulse_results WHERE pulse_id = '2025-05' "
                                     "AND measure = 'P_COL1' AND unit_code IS NULL AND breakdown = 'all'")["change_pp"]
        assert change.iloc[0] == pytest.approx(0.0)  # the same answers two months apart
        runs = api.get("/api/v2/dags/pulse_survey/dagRuns").json()["dag_runs"]
        assert len(runs) == 2, f"each pulse runs the DAG once: {[r['run_id'] for r in runs]}"
    finally:
        cluster.stop()
    assert all(process.poll() is not None for process in cluster.processes)
