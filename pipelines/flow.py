"""The ingest flow, step by step. DAG tasks call these one at a time; `culture ingest` calls `ingest`."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from pipelines.config import Settings
from pipelines.disclosure_audit import DisclosureAuditFailed
from pipelines.ingest import FileOutcome, load_file, validate_file
from pipelines.pulse_results import compute_pulse_results, publish_pulse
from pipelines.survey_results import compute_wave_results, publish_wave
from warehouse import roles
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
    if roles.roles_exist(engine):
        roles.apply_grants(engine)  # objects added by a new migration get their grants too
    return load_reference_data(engine)


def find_landed_files(settings: Settings, source: str) -> list[str]:
    """CSV files waiting in the source's landing directory, oldest delivery first."""
    folder = settings.landing_dir / source
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"]
    return [str(p) for p in sorted(files, key=lambda p: (p.stat().st_mtime, p.name))]


def validate_files(settings: Settings, source: str, paths: list[str], progress: Progress = _quiet) -> list[dict]:
    outcomes = []
    for path in paths:
        outcome = validate_file(settings, source, path)
        progress(f"validated {Path(path).name}: {outcome.status}")
        outcomes.append(outcome.as_dict())
    return outcomes


def load_files(settings: Settings, outcomes: list[dict], progress: Progress = _quiet) -> list[dict]:
    loaded = []
    for data in outcomes:
        outcome = load_file(settings, FileOutcome.from_dict(data))
        if outcome.status in ("loaded", "staged"):
            progress(f"loaded {outcome.file_name}: {outcome.rows} rows, wave {outcome.wave}")
        loaded.append(outcome.as_dict())
    return loaded


def compute_results(settings: Settings, outcomes: list[dict], progress: Progress = _quiet) -> list[dict]:
    engine = get_engine(settings.warehouse_url)
    compute = {"people_survey": compute_wave_results, "pulse": compute_pulse_results}
    for data in outcomes:
        if data["status"] == "staged" and data["source"] in compute:
            rows = compute[data["source"]](engine, data["wave_id"], settings.min_group_size)
            progress(f"computed {rows} results for {data['source']} wave {data['wave']}")
    return outcomes


# Sources whose deliveries are staged as survey waves, computed, then published.
PUBLISHERS = {"people_survey": publish_wave, "pulse": publish_pulse}


def publish_results(settings: Settings, outcomes: list[dict], progress: Progress = _quiet) -> list[dict]:
    engine = get_engine(settings.warehouse_url)
    published = []
    for data in outcomes:
        if data["status"] == "staged":
            try:
                replaced = PUBLISHERS[data["source"]](engine, data["wave_id"], settings.min_group_size)
            except DisclosureAuditFailed as failure:
                data = {**data, "status": "withheld", "message": f"{failure}; not published, the previous version stays current"}
                progress(f"withheld {data['source']} wave {data['wave']}: {data['message']}")
                published.append(data)
                continue
            data = {**data, "status": "loaded",
                    "message": "replaced the earlier delivery of this wave" if replaced else data["message"]}
            progress(f"published {data['source']} wave {data['wave']}")
        published.append(data)
    return published


# Loads that change interview figures: the interviews themselves, and the workforce and org units
# that leaving rates are read against.
INTERVIEW_INPUTS = ("exit_interviews", "stay_interviews", "workforce", "org_units")


def refresh_interview_results(settings: Settings, outcomes: list[dict], progress: Progress = _quiet) -> dict[str, int]:
    """Rebuild the exit and stay interview figures if any of this batch's loads changes them."""
    from pipelines.interview_measures import compute_interview_results

    if not any(o["source"] in INTERVIEW_INPUTS and o["status"] == "loaded" for o in outcomes):
        return {}
    counts = compute_interview_results(get_engine(settings.warehouse_url), settings.min_group_size)
    progress("interview results: " + ", ".join(f"{topic} {n} rows" for topic, n in counts.items()))
    return counts


def rejected(outcomes: list[dict]) -> list[dict]:
    return [o for o in outcomes if o["status"] == "rejected"]


def ingest(settings: Settings, source: str, paths: list[str], progress: Progress = _quiet) -> list[FileOutcome]:
    outcomes = validate_files(settings, source, paths, progress)
    outcomes = load_files(settings, outcomes, progress)
    outcomes = compute_results(settings, outcomes, progress)
    outcomes = publish_results(settings, outcomes, progress)
    refresh_interview_results(settings, outcomes, progress)
    return [FileOutcome.from_dict(o) for o in outcomes]


class RejectedFiles(RuntimeError):
    """Raised at the end of a DAG run so that a rejected delivery fails the run loudly."""


def fail_on_rejections(outcomes: list[dict]) -> None:
    bad = [o for o in outcomes if o["status"] in ("rejected", "withheld")]
    if bad:
        raise RejectedFiles("; ".join(f"{Path(o['path']).name}: {o['message']}" for o in bad))
