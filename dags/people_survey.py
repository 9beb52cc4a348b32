"""Annual people survey: landed files -> validated and loaded one task per file -> measures -> published results."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag

from culture_tasks import (
    asset, compute_measures, fail_on_rejected_files, find_new_files, load_each, prepare_warehouse, publish, validate_each,
)
from pipelines.orchestration import assets

SOURCE = "people_survey"


@dag(
    dag_id="people_survey",
    schedule="@daily",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["culture", "survey"],
    doc_md=__doc__,
)
def people_survey():
    files = find_new_files(SOURCE)
    prepare_warehouse() >> files
    # Validation and loading fan out, one task per landed file (organisation); computing and
    # publishing stay one step for the wave's batch, behind the people-survey lock.
    validated = validate_each.partial(source=SOURCE).expand(path=files)
    loaded = load_each.expand(outcome=validated)
    published = publish.override(outlets=[asset(assets.of_source(SOURCE))])(compute_measures(loaded))
    published >> fail_on_rejected_files(validated)


people_survey()
