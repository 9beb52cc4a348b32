"""Org units, then workforce snapshots: the reference every survey is read against (and the
denominators of the leaving rates, refreshed here when they change)."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag

from culture_tasks import (
    asset, compute_interview_measures, fail_on_rejected_files, find_new_files, load, prepare_warehouse, validate,
)
from pipelines.orchestration import assets


@dag(
    dag_id="org_reference",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["culture", "reference"],
    doc_md=__doc__,
)
def org_reference():
    ready = prepare_warehouse()
    # Workforce rows are checked against the org units, so the units load first.
    unit_files = find_new_files.override(task_id="find_org_units")("org_units")
    ready >> unit_files
    unit_checks = validate.override(task_id="validate_org_units")("org_units", unit_files)
    units_loaded = load.override(task_id="load_org_units")(unit_checks)

    workforce_files = find_new_files.override(task_id="find_workforce")("workforce")
    units_loaded >> workforce_files
    workforce_checks = validate.override(task_id="validate_workforce")("workforce", workforce_files)
    workforce_loaded = load.override(task_id="load_workforce", outlets=[asset(assets.ORG_REFERENCE)])(workforce_checks)

    # Leaving rates are read against the workforce and the org-unit tree.
    rates = compute_interview_measures.override(outlets=[asset(assets.INTERVIEW_RESULTS)])(units_loaded, workforce_loaded)
    rates >> fail_on_rejected_files(unit_checks, workforce_checks)


org_reference()
