"""Runs the project's DAGs in this process with `dag.test()`: no scheduler or webserver needed.

Airflow reads its configuration when first imported, so `configure_airflow()` must run before
anything imports `airflow`.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipelines.config import PROJECT_ROOT, Settings

DAGS_FOLDER = PROJECT_ROOT / "dags"


class DagRunFailed(RuntimeError):
    pass


def configure_airflow(settings: Settings) -> Path:
    """Point Airflow at a private home under var/ and at this project's DAGs (unless already set)."""
    home = Path(os.environ.setdefault("AIRFLOW_HOME", str(settings.airflow_home)))
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_FOLDER))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")
    return home


def ensure_metadata_database() -> None:
    """Create or upgrade Airflow's own metadata database (SQLite under AIRFLOW_HOME by default)."""
    result = subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def run_dag(dag_id: str) -> str:
    """Run one DAG to completion with dag.test(); raise DagRunFailed naming the failed tasks."""
    import warnings

    from airflow.dag_processing.dagbag import BundleDagBag

    # Airflow's own .airflowignore parsing warns about a pathspec deprecation on every parse;
    # it says nothing about this project and buries the progress lines.
    warnings.filterwarnings("ignore", message=".*GitWildMatchPattern.*")
    bag = BundleDagBag(dag_folder=str(DAGS_FOLDER), bundle_path=DAGS_FOLDER, bundle_name="dags-folder")
    if bag.import_errors:
        raise DagRunFailed(f"DAG files failed to import: {bag.import_errors}")
    dag = bag.get_dag(dag_id)
    if dag is None:
        raise DagRunFailed(f"no DAG named {dag_id} in {DAGS_FOLDER}")
    run = dag.test()
    if run.state != "success":
        failed = [ti.task_id for ti in run.get_task_instances() if ti.state == "failed"]
        raise DagRunFailed(f"DAG {dag_id} finished as {run.state}; failed tasks: {', '.join(failed) or 'none'}")
    return str(run.state)
