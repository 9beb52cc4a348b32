"""Validate, load and publish landed files: the steps the DAGs run as tasks and the CLI runs in a row.

Outcomes travel between steps (and between Airflow tasks, through XCom) as small dicts of paths
and ids, never as data frames.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipelines.config import Settings
from pipelines.landing_csv import file_checksum, read_landed_csv
from pipelines.problems import FileRejected, Problem, summarise
from pipelines.quarantine import quarantine_file
from pipelines.sources import get_source, validate
from pipelines.validation.gx_runner import DataDocsTarget
from warehouse import load_log, waves
from warehouse.db import get_engine


@dataclass
class FileOutcome:
    source: str
    path: str
    checksum: str
    status: str  # valid | unchanged | rejected | loaded | staged
    message: str = ""
    wave: str | None = None
    rows: int | None = None
    wave_id: int | None = None
    report_path: str | None = None
    data_docs: str | None = None
    problems: list[dict] = field(default_factory=list)

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "FileOutcome":
        return cls(**data)


def _report_path(settings: Settings, source: str, path: Path, checksum: str) -> Path:
    return settings.reports_dir / source / f"{path.stem}.{checksum[:12]}.json"


def _write_report(settings: Settings, outcome: FileOutcome, extra_columns: list[str]) -> str:
    target = _report_path(settings, outcome.source, Path(outcome.path), outcome.checksum)
    target.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "file": outcome.path, "source": outcome.source, "checksum_sha256": outcome.checksum,
        "status": outcome.status, "rows": outcome.rows, "wave": outcome.wave,
        "ignored_extra_columns": extra_columns, "problems": outcome.problems, "data_docs": outcome.data_docs,
        "validated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    target.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return str(target)


def _known_delivery(connection, outcome: FileOutcome) -> bool:
    """Mark a file seen before: 'unchanged' if it was taken in, 'staged' to resume an interrupted load."""
    previous = load_log.previous_load(connection, outcome.source, outcome.checksum)
    if previous is None:
        return False
    if previous.outcome == "staged":
        wave_id = waves.staged_wave_of_load(connection, previous.load_id)
        if wave_id is None:
            return False
        outcome.status, outcome.wave_id = "staged", wave_id
        outcome.message = "resuming a load that was interrupted before it was published"
        return True
    outcome.status, outcome.message = "unchanged", "identical to a file already loaded"
    return True


def validate_file(settings: Settings, source_name: str, path: str | Path) -> FileOutcome:
    """Check one file against its contract. Unchanged re-deliveries are recognised by checksum."""
    source = get_source(source_name)
    path = Path(path).resolve()
    checksum = file_checksum(path)
    engine = get_engine(settings.warehouse_url)
    outcome = FileOutcome(source=source_name, path=str(path), checksum=checksum, status="valid")
    with engine.connect() as connection:
        if _known_delivery(connection, outcome):
            return outcome
        extra_columns: list[str] = []
        try:
            frame, extra_columns = read_landed_csv(path, source.canonical_name)
            docs = DataDocsTarget(settings.data_docs_dir, f"{path.stem}-{checksum[:12]}")
            problems: list[Problem] = validate(source, frame, connection, docs)
            outcome.data_docs = docs.page
            outcome.rows = len(frame)
            if not problems:
                outcome.wave = source.wave_of(frame)
        except FileRejected as rejected:
            problems = rejected.problems
    if problems:
        outcome.status = "rejected"
        outcome.problems = [p.as_dict() for p in problems]
        outcome.message = summarise(problems)
    outcome.report_path = _write_report(settings, outcome, extra_columns)
    if outcome.status == "rejected":
        quarantined = quarantine_file(settings, source_name, path, outcome.report_path)
        outcome.message += f" — quarantined as {quarantined}"
        with engine.begin() as connection:
            load_log.record(connection, source=source_name, file_name=path.name, checksum=checksum,
                            outcome="rejected", rows=outcome.rows, message=outcome.message,
                            report_path=outcome.report_path)
    return outcome


def load_file(settings: Settings, outcome: FileOutcome) -> FileOutcome:
    """Load a validated file in one transaction; nothing of it is written if any step fails."""
    if outcome.status != "valid":
        return outcome
    source = get_source(outcome.source)
    path = Path(outcome.path)
    if file_checksum(path) != outcome.checksum:
        raise RuntimeError(f"{path.name} changed after it was validated; it will be picked up by the next run")
    frame, _ = read_landed_csv(path, source.canonical_name)
    engine = get_engine(settings.warehouse_url)
    with engine.begin() as connection:
        load_log.lock_source(connection, outcome.source)
        if _known_delivery(connection, outcome):  # another process took it in since we validated
            return outcome
        staged_or_loaded = "loaded"
        load_id = load_log.record(connection, source=outcome.source, file_name=path.name, checksum=outcome.checksum,
                                  outcome="loading", wave=outcome.wave, rows=len(frame),
                                  report_path=outcome.report_path)
        wave_id = source.load(connection, frame, load_id)
        if wave_id is not None:
            staged_or_loaded = "staged"  # published by a later step, which marks the log 'loaded'
        load_log.set_outcome(connection, load_id, staged_or_loaded)
    outcome.status, outcome.wave_id, outcome.rows = staged_or_loaded, wave_id, len(frame)
    return outcome
