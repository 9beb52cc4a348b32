"""Celery settings of the CeleryExecutor deployment (docker-compose.yml and the Celery test name
them in AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS): Airflow's own, plus the modules a pulse or survey
task needs, imported once by each worker at start-up.

A Celery worker imports `imports` before it forks its pool, and every Airflow task process is a
fork of a pool process, so each task begins with pandas, SQLAlchemy, Great Expectations and the
take-in path already in memory instead of importing them itself (several seconds of CPU per task;
airflow_settings.TASK_MODULES says which and why).
"""
from __future__ import annotations

from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

from pipelines.orchestration.airflow_settings import TASK_MODULES

CELERY_CONFIG = {**DEFAULT_CELERY_CONFIG, "imports": TASK_MODULES}
