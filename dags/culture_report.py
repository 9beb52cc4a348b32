"""The culture team's report: a self-contained HTML report with charts and its xlsx/CSV exports.
Monthly, and again whenever survey, pulse, comment or interview results change (Assets)."""
from __future__ import annotations

import pendulum
from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, dag

from culture_tasks import any_of, asset, build_report
from pipelines.orchestration import assets

# Every source's results (from the sources' records) and the comments' themes.
RESULTS = (*assets.results_assets(), assets.COMMENT_THEMES)


@dag(
    dag_id="culture_report",
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 7 1 * *", timezone="UTC"),
        assets=any_of(RESULTS),
    ),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["culture", "report"],
    doc_md=__doc__,
)
def culture_report():
    build_report.override(outlets=[asset(assets.CULTURE_REPORT)])()


culture_report()
