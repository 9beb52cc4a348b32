"""Pulse surveys, event-driven: a file landing in landing/pulse/ starts this DAG (AssetWatcher);
validated -> loaded -> weighted to the workforce -> published. Publishing updates the
pulse_results Asset, which reruns the comments and report DAGs."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag

from culture_tasks import (
    asset, compute_measures, fail_on_rejected_files, find_new_files, landed_files_asset, load, prepare_warehouse,
    publish, validate,
)
from pipelines import assets

SOURCE = "pulse"


@dag(
    dag_id="pulse_survey",
    schedule=[landed_files_asset(SOURCE)],
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["culture", "pulse"],
    doc_md=__doc__,
)
def pulse_survey():
    files = find_new_files(SOURCE)
    prepare_warehouse() >> files
    validated = validate(SOURCE, files)
    published = publish.override(outlets=[asset(assets.PULSE_RESULTS)])(compute_measures(load(validated)))
    published >> fail_on_rejected_files(validated)


pulse_survey()
