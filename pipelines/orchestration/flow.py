"""The ingest flow, step by step. Most DAG tasks call these one at a time; the pulse DAG calls
`take_in` (every step in one task process); `culture ingest` calls `ingest`."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from pipelines.config import Settings
from pipelines.disclosure.audit import DisclosureAuditFailed
from pipelines.shared.faults import PipelineFault, describe_fault
from pipelines.ingest.landing_read import is_landed_name, landed_entries
from pipelines.ingest.sources import all_sources, comment_sources, get_source
from pipelines.ingest.sources.record import results_step
from pipelines.ingest.steps import FINAL_FAILURES, FileOutcome, conclude_failed, load_file, validate_file
from warehouse import load_log, roles
from warehouse.db import forget_reflected_schema, get_engine, migrate
from warehouse.reference_loader import load_reference_data

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def initialise_warehouse(settings: Settings) -> dict[str, int]:
    """Create or migrate the warehouse and (re)load the shipped reference data. Safe to rerun."""
    migrate(settings.warehouse_url)
    forget_reflected_schema()
    engine = get_engine(settings.warehouse_url)
    with engine.begin() as connection:
        load_log.ensure_locks(connection, [source.lock for source in all_sources()])
    if roles.roles_exist(engine):
        roles.apply_grants(engine)  # objects added by a new migration get their grants too
    return load_reference_data(engine)


def find_landed_files(settings: Settings, source: str, names: list[str] | None = None) -> list[str]:
    """Entries named *.csv, *.xlsx or *.sav waiting in the source's landing directory, oldest delivery first.

    Links, devices and the like are listed too (judged by the entry itself, never followed), so
    that validation rejects and quarantines them rather than leaving them there unexplained.
    `names` (those announced by the landing watcher) limits the look to those entries, so that a
    run does not re-read every earlier delivery; one already gone (quarantined) is left out.
    """
    folder = settings.landing_dir / source
    if not folder.is_dir():
        return []
    if names is None:
        entries = landed_entries(folder)
    else:  # only a bare name is looked up: an announcement cannot point outside the folder
        entries = [folder / Path(n).name for n in dict.fromkeys(names) if is_landed_name(folder / Path(n).name)]
        entries = [p for p in entries if p.is_symlink() or (p.exists() and not p.is_dir())]
    return [str(p) for p in sorted(entries, key=lambda p: (p.lstat().st_mtime, p.name))]


def validate_one(settings: Settings, source: str, path: str, progress: Progress = _quiet,
                 mapping: str | None = None) -> dict:
    """One landed file's verdict: what a mapped DAG task runs for each file of a batch."""
    outcome = validate_file(settings, source, path, mapping)
    progress(f"validated {Path(path).name}: {outcome.status}")
    return outcome.as_dict()


def validate_files(settings: Settings, source: str, paths: list[str], progress: Progress = _quiet,
                   mapping: str | None = None) -> list[dict]:
    return [validate_one(settings, source, path, progress, mapping) for path in paths]


def load_one(settings: Settings, data: dict, progress: Progress = _quiet) -> dict:
    """Load one validated file (anything else passes through unchanged). Safe to run again after
    an attempt died half-way: that attempt's transaction never committed, and its load-log row
    is marked 'interrupted'."""
    outcome = load_file(settings, FileOutcome.from_dict(data))
    if outcome.status in ("loaded", "staged"):
        progress(f"loaded {outcome.file_name}: {outcome.rows} rows, wave {outcome.wave}")
    elif outcome.status in FINAL_FAILURES and data["status"] not in FINAL_FAILURES:
        # Only a verdict reached while loading is news here; its reasons are in its report.
        progress(f"{outcome.status} while loading {outcome.file_name}")
    return outcome.as_dict()


def load_files(settings: Settings, outcomes: list[dict], progress: Progress = _quiet) -> list[dict]:
    return [load_one(settings, data, progress) for data in outcomes]


def _failed(settings: Settings, data: dict, stage: str, error: Exception, progress: Progress) -> dict:
    outcome = conclude_failed(settings, FileOutcome.from_dict(data), stage, error)
    progress(f"failed {outcome.file_name}: {outcome.message}")
    return outcome.as_dict()


def compute_results(settings: Settings, outcomes: list[dict], progress: Progress = _quiet) -> list[dict]:
    """Compute each staged wave's figures. A wave that cannot be computed fails on its own: it
    stays staged (never published), and the rest of the batch carries on."""
    engine = get_engine(settings.warehouse_url)
    computed = []
    for data in outcomes:
        if data["status"] == "staged":
            try:
                rows = results_step(get_source(data["source"])).compute(engine, data["wave_id"], settings.min_group_size)
                progress(f"computed {rows} results for {data['source']} wave {data['wave']}")
            except Exception as error:  # noqa: BLE001 - every fault becomes a verdict, never a traceback
                data = _failed(settings, data, "computing its results", error, progress)
        computed.append(data)
    return computed


def publish_results(settings: Settings, outcomes: list[dict], progress: Progress = _quiet) -> list[dict]:
    engine = get_engine(settings.warehouse_url)
    published = []
    for data in outcomes:
        if data["status"] == "staged":
            source = get_source(data["source"])
            try:
                replaced = results_step(source).publish(engine, data["wave_id"], settings.min_group_size,
                                                        source.wave_tables)
            except DisclosureAuditFailed as failure:  # the file is fine: our protection was not
                data = {**data, "status": "withheld", "message": f"{failure}; not published, the previous version stays current"}
                progress(f"withheld {data['source']} wave {data['wave']}: {data['message']}")
                published.append(data)
                continue
            except Exception as error:  # noqa: BLE001 - every fault becomes a verdict, never a traceback
                published.append(_failed(settings, data, "publishing its results", error, progress))
                continue
            data = {**data, "status": "loaded",
                    "message": "replaced the earlier delivery of this wave" if replaced else data["message"]}
            progress(f"published {data['source']} wave {data['wave']}")
        published.append(data)
    return published


def refresh_interview_results(settings: Settings, outcomes: list[dict], progress: Progress = _quiet) -> dict[str, int]:
    """Rebuild the exit and stay interview figures if any of this batch's loads changes them."""
    from pipelines.publish.improvement_tracker import refresh_tracker
    from pipelines.publish.interview_results import compute_interview_results

    if not any(o["status"] == "loaded" and get_source(o["source"]).changes_interview_results for o in outcomes):
        return {}
    try:
        engine = get_engine(settings.warehouse_url)
        counts = compute_interview_results(engine, settings.min_group_size)
        tracked = refresh_tracker(engine)  # exit and stay measures evidence the inspection's areas too
        if tracked is not None:
            counts["improvement_tracker"] = tracked
    except Exception as error:  # noqa: BLE001 - reported without its text, which may quote rows
        raise PipelineFault(describe_fault("computing the interview figures", error)) from None
    progress("interview results: " + ", ".join(f"{topic} {n} rows" for topic, n in counts.items()))
    return counts


def audited_views() -> dict:
    """Source -> the HR view its waves are published in, for every source whose results step
    declares one (`audited`): what `culture audit disclosure` attacks."""
    steps = {source.name: results_step(source) for source in all_sources() if source.results}
    return {name: step.audited for name, step in steps.items() if getattr(step, "audited", None)}


def process_comments(settings: Settings, progress: Progress = _quiet) -> dict:
    """Redact, theme and flag every source's new free text; rebuild theme prevalence."""
    from nlp.comments import process_comments as run

    return run(get_engine(settings.warehouse_url), settings.min_group_size, comment_sources(), progress)


def rejected(outcomes: list[dict]) -> list[dict]:
    """Files that were rejected, failed for a fault of ours, or whose results were withheld."""
    return [o for o in outcomes if o["status"] in FINAL_FAILURES]


def ingest(settings: Settings, source: str, paths: list[str], progress: Progress = _quiet,
           mapping: str | None = None) -> list[FileOutcome]:
    """`mapping`: a supplier's column mapping file (column_mapping.py) for every file of the batch."""
    outcomes = validate_files(settings, source, paths, progress, mapping)
    outcomes = load_files(settings, outcomes, progress)
    outcomes = compute_results(settings, outcomes, progress)
    outcomes = publish_results(settings, outcomes, progress)
    refresh_interview_results(settings, outcomes, progress)
    return [FileOutcome.from_dict(o) for o in outcomes]


class RejectedFiles(RuntimeError):
    """Raised at the end of a DAG run so that a rejected or failed delivery fails the run loudly.
    Its message carries file names and verdicts only (no cell values)."""


def take_in(settings: Settings, source: str, paths: list[str], progress: Progress = _quiet) -> tuple[list[dict], list[dict]]:
    """A delivery from landing to published results in one process: prepare the warehouse, then
    validate, load, compute and publish. Returns the validation outcomes and the published ones
    (empty when nothing new was loaded)."""
    initialise_warehouse(settings)
    validated = validate_files(settings, source, paths, progress)
    computed = compute_results(settings, load_files(settings, validated, progress), progress)
    if not any(o["status"] in ("staged", "loaded") for o in computed):
        return validated, []
    return validated, publish_results(settings, computed, progress)


def fail_on_rejections(outcomes: list[dict]) -> None:
    bad = rejected(outcomes)
    if bad:
        raise RejectedFiles("; ".join(f"{Path(o['path']).name}: {o['status']}: {o['message']}" for o in bad))
