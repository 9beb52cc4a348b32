"""Pulse surveys, event-driven: a file landing in landing/pulse/ starts this DAG (AssetWatcher);
the announced file is validated -> loaded -> weighted to the workforce -> published in one task
(one task process on the critical path). Publishing updates the pulse_results Asset, which
reruns the comments and report DAGs; a rejected file then fails the run."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag

from culture_tasks import asset, fail_on_rejected_files, landed_files_asset, take_in_landed_files
from pipelines.orchestration import assets

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
    validated = take_in_landed_files.override(outlets=[asset(assets.of_source(SOURCE))])(SOURCE)
    # all_success: when nothing new was taken in, the take-in task has already failed on a rejection.
    fail_on_rejected_files.override(trigger_rule="all_success")(validated)


pulse_survey()
