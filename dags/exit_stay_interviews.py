"""Exit and stay interviews: landed files -> validated -> loaded -> leaving rates, leaver reasons
and stay factors. Runs daily and as soon as an interview file lands (AssetWatchers on the landing
directories). New workforce snapshots refresh the leaving rates from the org_reference DAG."""
from __future__ import annotations

import pendulum
from airflow.sdk import AssetOrTimeSchedule, CronTriggerTimetable, dag

from culture_tasks import (
    asset, compute_interview_measures, fail_on_rejected_files, find_new_files, landed_files_asset, load,
    prepare_warehouse, validate,
)
from pipelines.orchestration import assets

EXITS, STAYS = "exit_interviews", "stay_interviews"


@dag(
    dag_id="exit_stay_interviews",
    schedule=AssetOrTimeSchedule(
        timetable=CronTriggerTimetable("0 6 * * *", timezone="UTC"),
        assets=landed_files_asset(EXITS) | landed_files_asset(STAYS),
    ),
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["culture", "interviews"],
    doc_md=__doc__,
)
def exit_stay_interviews():
    ready = prepare_warehouse()
    exit_files = find_new_files.override(task_id="find_exit_interviews")(EXITS)
    stay_files = find_new_files.override(task_id="find_stay_interviews")(STAYS)
    ready >> [exit_files, stay_files]
    exit_checks = validate.override(task_id="validate_exit_interviews")(EXITS, exit_files)
    stay_checks = validate.override(task_id="validate_stay_interviews")(STAYS, stay_files)
    exits_loaded = load.override(task_id="load_exit_interviews")(exit_checks)
    stays_loaded = load.override(task_id="load_stay_interviews")(stay_checks)
    measured = compute_interview_measures.override(outlets=[asset(assets.INTERVIEW_RESULTS)])(exits_loaded, stays_loaded)
    measured >> fail_on_rejected_files(exit_checks, stay_checks)


exit_stay_interviews()
