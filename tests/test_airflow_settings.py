"""The Airflow settings that keep a pulse's wait short stay effective.

Python's forkserver skips a preload module that fails to import without a word, so a module moved
or renamed would quietly bring back the seconds of imports in every task process."""
from __future__ import annotations

import importlib

import pytest

from pipelines.orchestration.airflow_settings import LOCAL_EXECUTOR_PREWARM, PRELOADED_MODULES


@pytest.mark.parametrize("module", PRELOADED_MODULES)
def test_every_preloaded_module_imports(module):
    assert importlib.import_module(module).__name__ == module


def test_the_local_cluster_runs_with_the_preload(tmp_path):
    from tests.cluster import AirflowCluster
    from pipelines.config import Settings

    environment = AirflowCluster(tmp_path, "postgresql+psycopg://x@127.0.0.1/airflow_x",
                                 Settings(tmp_path, tmp_path, "sqlite://", 10)).environment
    assert LOCAL_EXECUTOR_PREWARM.items() <= environment.items()
