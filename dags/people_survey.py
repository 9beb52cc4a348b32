"""Annual people survey: landed files -> validated -> loaded -> measures -> published results."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag

from culture_tasks import (
    asset, compute_measures, fail_on_rejected_files, find_new_files, load, prepare_warehouse, publish, validate,
)
from pipelines import assets

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
    validated = validate(SOURCE, files)
    published = publish.override(outlets=[asset(assets.PEOPLE_SURVEY_RESULTS)])(compute_measures(load(validated)))
    published >> fail_on_rejected_files(validated)


people_survey()
