"""Free text: redact personal data, theme comments, flag safeguarding cases. Runs whenever a
source with free text publishes new results (the Assets on the sources' records: people survey,
pulses, interviews), so comments never wait for a schedule."""
from __future__ import annotations

import pendulum
from airflow.sdk import dag

from culture_tasks import any_of, asset, prepare_warehouse, process_comments
from pipelines.orchestration import assets


@dag(
    dag_id="nlp_comments",
    schedule=any_of(assets.assets_with_text()),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["culture", "free-text"],
    doc_md=__doc__,
)
def nlp_comments():
    prepare_warehouse() >> process_comments.override(outlets=[asset(assets.COMMENT_THEMES)])()


nlp_comments()
