"""The Airflow settings that keep a pulse's wait short stay effective, under the LocalExecutor's
forkserver and the CeleryExecutor's workers alike.

Python's forkserver skips a preload module that fails to import without a word, so a module moved
or renamed would quietly bring back the seconds of imports in every task process."""
from __future__ import annotations

import importlib

import pytest

from pipelines.orchestration.airflow_settings import LOCAL_EXECUTOR_PREWARM, PRELOADED_MODULES, TASK_MODULES


@pytest.mark.parametrize("module", PRELOADED_MODULES)
def test_every_preloaded_module_imports(module):
    assert importlib.import_module(module).__name__ == module


def test_the_local_cluster_runs_with_the_preload(tmp_path):
    from tests.cluster import AirflowCluster
    from pipelines.config import Settings

    environment = AirflowCluster(tmp_path, "postgresql+psycopg://x@127.0.0.1/airflow_x",
                                 Settings(tmp_path, tmp_path, "sqlite://", 10)).environment
    assert LOCAL_EXECUTOR_PREWARM.items() <= environment.items()


def test_celery_workers_preload_the_same_modules_and_airflows_own_settings():
    """The Celery deployment names `celery_config.CELERY_CONFIG`: Airflow's default Celery
    settings, plus the task modules each worker imports before forking its pool (a probe of a
    worker's pool processes found pandas already loaded with it, and not without it)."""
    from airflow.providers.celery.executors.default_celery import DEFAULT_CELERY_CONFIG

    from pipelines.orchestration.celery_config import CELERY_CONFIG
    from tests.cluster import CELERY_DEPLOYMENT

    assert CELERY_DEPLOYMENT["AIRFLOW__CELERY__CELERY_CONFIG_OPTIONS"] == "pipelines.orchestration.celery_config.CELERY_CONFIG"
    assert DEFAULT_CELERY_CONFIG.items() <= CELERY_CONFIG.items()
    assert CELERY_CONFIG["imports"] == TASK_MODULES and set(TASK_MODULES) < set(PRELOADED_MODULES)
