"""Airflow task wrappers shared by the DAG files: each calls one plain function in pipelines/.

Listed in .airflowignore: it defines no DAG of its own.
"""
from __future__ import annotations

from airflow.sdk import Asset, AssetWatcher, task
from airflow.sdk.exceptions import AirflowSkipException

from pipelines.orchestration import assets


def asset(name: str) -> Asset:
    return Asset(name=name, uri=assets.asset_uri(name))


def any_of(names) -> Asset:
    """A schedule that fires when any of the named Assets is updated."""
    from functools import reduce
    from operator import or_

    return reduce(or_, [asset(name) for name in names])


def landed_files_asset(source: str) -> Asset:
    """An Asset that the triggerer updates whenever a new file lands in the source's directory."""
    from pipelines.orchestration.airflow_triggers import LandedFileTrigger

    settings = _settings()
    directory = settings.landing_dir / source
    trigger = LandedFileTrigger(directory=str(directory), poll_interval=settings.watch_poll_seconds)
    return Asset(name=f"landed_{source}", uri=f"file://{directory}",
                 watchers=[AssetWatcher(name=f"landed_{source}_watcher", trigger=trigger)])


def _settings():
    from pipelines.config import load_settings

    return load_settings()


@task
def prepare_warehouse() -> None:
    """Create or migrate the warehouse and refresh the reference data."""
    from pipelines.orchestration import flow

    flow.initialise_warehouse(_settings())


@task
def find_new_files(source: str) -> list[str]:
    from pipelines.orchestration import flow

    return flow.find_landed_files(_settings(), source)


@task
def validate(source: str, paths: list[str]) -> list[dict]:
    from pipelines.orchestration import flow

    return flow.validate_files(_settings(), source, paths, print)


@task
def load(outcomes: list[dict]) -> list[dict]:
    from pipelines.orchestration import flow

    return flow.load_files(_settings(), outcomes, print)


# One mapped task instance per landed file, so the files of a wave spread over the workers. Both
# steps are safe to rerun, so a worker lost mid-file costs one retry, on whichever worker is free.
@task(task_id="validate", retries=2)
def validate_each(source: str, path: str) -> dict:
    from pipelines.orchestration import flow

    return flow.validate_one(_settings(), source, path, print)


@task(task_id="load", retries=2)
def load_each(outcome: dict) -> dict:
    from pipelines.orchestration import flow

    return flow.load_one(_settings(), outcome, print)


def every(outcomes) -> list[dict]:
    """All outcomes of a mapped task in one request. Iterating Airflow's lazy sequence instead asks
    for one item after another until one is missing, and logs that last miss as an error."""
    return list(outcomes[:])


@task
def compute_measures(outcomes: list[dict]) -> list[dict]:
    from pipelines.orchestration import flow

    return flow.compute_results(_settings(), every(outcomes), print)


@task
def publish(outcomes: list[dict]) -> list[dict]:
    """Make new results current. Skipped (so no Asset event) when nothing new was loaded."""
    from pipelines.orchestration import flow

    if not any(o["status"] in ("staged", "loaded") for o in outcomes):
        raise AirflowSkipException("no new deliveries: nothing to publish")
    return flow.publish_results(_settings(), outcomes, print)


def announced_names(triggering_asset_events) -> list[str] | None:
    """The file names announced by the asset events that started this run: the landing watcher's
    (payload "files") and `culture notify`'s ("file"). None when any event names none (a manual
    or scheduled run): then the whole folder is looked at."""
    events = [e for asset_events in (triggering_asset_events or {}).values() for e in asset_events]
    if not events:
        return None
    names = []
    for event in events:
        extra = event.extra or {}
        named = (extra.get("payload") or {}).get("files") or ([extra["file"]] if extra.get("file") else None)
        if not named:
            return None
        names.extend(named)
    return names


@task
def take_in_landed_files(source: str, triggering_asset_events=None) -> list[dict]:
    """The announced files (else all waiting) from validation to published results in one task
    process: each task process pays for importing pandas, GX and SQLAlchemy again, which is most
    of a pulse's time to the HR view. Skipped (so no Asset event) when nothing new was loaded;
    fails at once when, besides that, a file was rejected."""
    from pipelines.orchestration import flow

    settings = _settings()
    paths = flow.find_landed_files(settings, source, announced_names(triggering_asset_events))
    validated, published = flow.take_in(settings, source, paths, print)
    if not published:
        flow.fail_on_rejections(validated)
        raise AirflowSkipException("no new deliveries: nothing to publish")
    return validated


@task(trigger_rule="none_failed")
def fail_on_rejected_files(*validations: list[dict]) -> None:
    """Fail the run, naming every rejected file, after the good files were loaded."""
    from pipelines.orchestration import flow

    flow.fail_on_rejections([o for outcomes in validations for o in every(outcomes)])


@task
def compute_interview_measures(*loads: list[dict]) -> dict:
    """Rebuild leaving rates, leaver reasons and stay factors. Skipped (so no Asset event) when no
    load changed their inputs."""
    from pipelines.orchestration import flow

    counts = flow.refresh_interview_results(_settings(), [o for outcomes in loads for o in outcomes], print)
    if not counts:
        raise AirflowSkipException("no interview, workforce or org-unit loads: nothing to recompute")
    return counts


@task
def process_comments() -> dict:
    """Redact, theme and flag new comments; rebuild theme prevalence."""
    from pipelines.orchestration import flow

    return flow.process_comments(_settings(), print)


@task
def build_report() -> str:
    """Write the HTML culture report and its exports; returns the report's path."""
    from pipelines.report.build import build_report as build

    return str(build(_settings(), progress=print)[0])
