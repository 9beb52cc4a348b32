"""Airflow task wrappers shared by the DAG files: each calls one plain function in pipelines/.

Listed in .airflowignore: it defines no DAG of its own.
"""
from __future__ import annotations

from airflow.sdk import Asset, task
from airflow.sdk.exceptions import AirflowSkipException

from pipelines import assets


def asset(name: str) -> Asset:
    return Asset(name=name, uri=assets.asset_uri(name))


def _settings():
    from pipelines.config import load_settings

    return load_settings()


@task
def prepare_warehouse() -> None:
    """Create or migrate the warehouse and refresh the reference data."""
    from pipelines import flow

    flow.initialise_warehouse(_settings())


@task
def find_new_files(source: str) -> list[str]:
    from pipelines import flow

    return flow.find_landed_files(_settings(), source)


@task
def validate(source: str, paths: list[str]) -> list[dict]:
    from pipelines import flow

    return flow.validate_files(_settings(), source, paths, print)


@task
def load(outcomes: list[dict]) -> list[dict]:
    from pipelines import flow

    return flow.load_files(_settings(), outcomes, print)


@task
def compute_measures(outcomes: list[dict]) -> list[dict]:
    from pipelines import flow

    return flow.compute_results(_settings(), outcomes, print)


@task
def publish(outcomes: list[dict]) -> list[dict]:
    """Make new results current. Skipped (so no Asset event) when nothing new was loaded."""
    from pipelines import flow

    if not any(o["status"] in ("staged", "loaded") for o in outcomes):
        raise AirflowSkipException("no new deliveries: nothing to publish")
    return flow.publish_results(_settings(), outcomes, print)


@task(trigger_rule="none_failed")
def fail_on_rejected_files(*validations: list[dict]) -> None:
    """Fail the run, naming every rejected file, after the good files were loaded."""
    from pipelines import flow

    flow.fail_on_rejections([o for outcomes in validations for o in outcomes])
