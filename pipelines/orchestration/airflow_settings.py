"""Airflow settings that keep a landed pulse's wait to its results short (issue 18: within 10 s on
two cores) under the LocalExecutor. `tests/cluster.py` starts its LocalExecutor
clusters with them; a LocalExecutor deployment sets the same two variables. The docker-compose
recipe runs the CeleryExecutor, whose workers are not forked from the scheduler, so it leaves
them out.

A pulse's task process spends most of its time importing pandas, SQLAlchemy, SciPy and Great
Expectations, not working (docs/performance.md, "Pulse latency"). The scheduler's LocalExecutor
therefore starts its workers from a forkserver that imported them once at start-up: every task
process is a fork of a worker and begins with them already in memory. A module that fails to
import here is skipped by Python's forkserver and simply imported by the task, as before.
"""
from __future__ import annotations

from pipelines.ingest.sources import all_sources

# What a pulse or survey task process needs beyond Airflow's task runner: the DAG file's imports
# and the take-in path (the flow, the GX runner and GX itself, which the runner imports only on
# first use, Alembic, which the warehouse check before each take-in imports on first use, and the
# sources' results steps, which the flow imports by name when it first computes a wave). The
# LocalExecutor's forkserver and the Celery workers (celery_config.py) both import them once.
TASK_MODULES = (
    "airflow.sdk.execution_time.supervisor",
    "airflow.sdk.execution_time.task_runner",
    "airflow.sdk",
    "pipelines.orchestration.flow",
    "pipelines.ingest.validation.gx_runner",
    "great_expectations",
    "alembic.command",
    *dict.fromkeys(source.results_module for source in all_sources() if source.results),
)
# The LocalExecutor's workers, forks of the forkserver, also run the executor's own loop.
PRELOADED_MODULES = ("airflow.executors.local_executor", *TASK_MODULES)

LOCAL_EXECUTOR_PREWARM = {
    # Only the scheduler (home of the LocalExecutor's workers); the triggerer and dag-processor
    # keep Python's default start method.
    "AIRFLOW__SCHEDULER__MP_START_METHOD": "forkserver",
    "AIRFLOW__SCHEDULER__MP_FORKSERVER_PRELOAD": ",".join(PRELOADED_MODULES),
}
