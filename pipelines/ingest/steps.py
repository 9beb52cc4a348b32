"""Validate, load and publish landed files: the steps the DAGs run as tasks and the CLI runs in a row.

Outcomes travel between steps (and between Airflow tasks, through XCom) as small dicts of paths
and ids, never as data frames.

Every file ends with a verdict, whatever goes wrong: `rejected` when it breaks its contract,
`failed` when a fault of ours stopped it. Either way it gets a report, a load-log row and a place
in the quarantine, nothing of it is published, and the other files of the batch carry on.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipelines.config import Settings
from pipelines.shared.faults import describe_fault
from pipelines.ingest.column_mapping import MappingInvalid, load_mapping, mapping_for
from pipelines.ingest.landing_csv import NotARegularFile, file_checksum
from pipelines.ingest.landing_entry import checked_entry, delivered_at, shortened
from pipelines.ingest.landing_read import read_landed
from pipelines.ingest.problems import FileRejected, Problem, summarise
from pipelines.ingest.quarantine import quarantine_file
from pipelines.ingest.sources import get_source, validate
from pipelines.ingest.validation.gx_runner import DataDocsTarget
from warehouse import load_log, waves
from warehouse.db import get_engine


@dataclass
class FileOutcome:
    source: str
    path: str
    checksum: str
    status: str  # valid | unchanged | rejected | failed | loaded | staged
    message: str = ""
    wave: str | None = None
    rows: int | None = None
    wave_id: int | None = None
    report_path: str | None = None
    data_docs: str | None = None
    problems: list[dict] = field(default_factory=list)
    # When the file landed (its modification time as first found): decides which of two
    # deliveries of one wave is the later, whatever order their loads finish in.
    delivered_at: str | None = None
    # The supplier's column mapping file the file was read with (None: the contract's own names).
    mapping: str | None = None

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "FileOutcome":
        return cls(**data)


FINAL_FAILURES = ("rejected", "failed", "withheld")
# Problems that are our fault (a rule that could not run, our own mapping file), not the file's.
OUR_FAULTS = ("validation_error", "column_mapping")


def _unread_checksum(path: Path) -> str:
    """A stand-in checksum for an entry that was not read (a link, a device): never a real one."""
    return hashlib.sha256(f"unread:{path.name}".encode("utf-8", "surrogateescape")).hexdigest()


def _report_path(settings: Settings, source: str, path: Path, checksum: str) -> Path:
    return settings.reports_dir / source / f"{shortened(path.stem)}.{checksum[:12]}.json"


def _write_report(settings: Settings, outcome: FileOutcome, extra_columns: list[str]) -> str:
    target = _report_path(settings, outcome.source, Path(outcome.path), outcome.checksum)
    target.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "file": outcome.path, "source": outcome.source, "checksum_sha256": outcome.checksum,
        "status": outcome.status, "rows": outcome.rows, "wave": outcome.wave,
        "ignored_extra_columns": extra_columns, "problems": outcome.problems, "data_docs": outcome.data_docs,
        "delivered_at": outcome.delivered_at,
        "validated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    target.write_text(json.dumps(report, indent=2), encoding="utf-8", errors="surrogateescape")
    return str(target)


def _known_delivery(connection, outcome: FileOutcome) -> bool:
    """Mark a file seen before: 'unchanged' if it was taken in, 'staged' to resume an interrupted load."""
    previous = load_log.previous_load(connection, outcome.source, outcome.checksum)
    if previous is None:
        return False
    outcome.wave = outcome.wave or previous.wave
    outcome.rows = outcome.rows if outcome.rows is not None else previous.rows
    if previous.outcome == "staged":
        wave_id = waves.staged_wave_of_load(connection, previous.load_id)
        if wave_id is None:
            return False
        outcome.status, outcome.wave_id = "staged", wave_id
        outcome.message = "resuming a load that was interrupted before it was published"
        return True
    outcome.status, outcome.message = "unchanged", "identical to a file already loaded"
    return True


def validate_file(settings: Settings, source_name: str, path: str | Path, mapping: str | Path | None = None) -> FileOutcome:
    """Check one file against its contract. Unchanged re-deliveries are recognised by checksum
    (of the file as delivered, whatever its format). `mapping` is a supplier's column mapping file
    (default: the landing directory's own, if the file sits there and it has one).

    Never raises for anything about the file or the warehouse: the outcome carries the verdict.
    """
    source = get_source(source_name)
    path = Path(os.path.abspath(path))  # not resolve(): a link is judged as the link it is
    outcome = FileOutcome(source=source_name, path=str(path), checksum=_unread_checksum(path), status="valid",
                          mapping=mapping_for(settings.landing_dir, source_name, path, mapping))
    extra_columns: list[str] = []
    problems: list[Problem] = []
    try:
        outcome.delivered_at = delivered_at(checked_entry(settings, path))
        outcome.checksum = file_checksum(path)
        engine = get_engine(settings.warehouse_url)
        with engine.connect() as connection:
            if _known_delivery(connection, outcome):
                return outcome
            try:
                landed = read_landed(path, source.canonical_name, load_mapping(outcome.mapping))
                frame, extra_columns = landed.frame, landed.extra_columns
                docs = DataDocsTarget(settings.data_docs_dir, f"{shortened(path.stem)}-{outcome.checksum[:12]}")
                # The suite runs on the mapped frame; problems point back at the supplier's cells.
                problems = landed.locator.annotate(validate(source, frame, connection, docs))
                outcome.data_docs = docs.page
                outcome.rows = len(frame)
                if not problems:
                    outcome.wave = source.wave_of(frame)
            except FileRejected as rejected:
                problems = rejected.problems
    except FileRejected as rejected:
        problems = rejected.problems
    except MappingInvalid as invalid:
        problems = [Problem("column_mapping", f"the column mapping file cannot be used: {invalid}")]
    except NotARegularFile:
        problems = [Problem("regular_file", "this is not a regular file (or it was swapped for a link); it was not read")]
    except Exception as error:  # noqa: BLE001 - every fault becomes a verdict, never a traceback
        return conclude_failed(settings, outcome, "validating", error)
    if problems:
        # A rule that could not be evaluated is our fault, not the file's.
        outcome.status = "failed" if any(p.rule in OUR_FAULTS for p in problems) else "rejected"
        outcome.problems = [p.as_dict() for p in problems]
        outcome.message = summarise(problems)
        return _set_aside(settings, outcome, extra_columns)
    try:
        outcome.report_path = _write_report(settings, outcome, extra_columns)
    except OSError as error:
        return conclude_failed(settings, outcome, "writing its report", error)
    return outcome


def conclude_failed(settings: Settings, outcome: FileOutcome, stage: str, error: BaseException) -> FileOutcome:
    """A fault of ours while `stage`: the file fails, with a report and a quarantine like a rejection."""
    message = describe_fault(stage, error)
    outcome.status, outcome.message = "failed", message
    outcome.problems = [Problem("pipeline_fault", message).as_dict()]
    return _set_aside(settings, outcome, [])


def _set_aside(settings: Settings, outcome: FileOutcome, extra_columns: list[str]) -> FileOutcome:
    """Report, quarantine and log a rejected or failed file. Each step is tried on its own, so
    that one that fails (a full disk, a warehouse gone away) does not stop the others."""
    path = Path(outcome.path)
    try:
        outcome.report_path = _write_report(settings, outcome, extra_columns)
    except OSError:
        outcome.report_path = None
        outcome.message += " — the report could not be written"
    try:
        quarantined = quarantine_file(settings, outcome.source, path, outcome.report_path)
        outcome.message += f" — quarantined as {quarantined}" if quarantined else " — not read, nothing quarantined"
    except OSError:
        outcome.message += " — it could not be moved to the quarantine"
    try:
        with get_engine(settings.warehouse_url).begin() as connection:
            load_log.record(connection, source=outcome.source, file_name=shortened(path.name),
                            checksum=outcome.checksum, outcome=outcome.status, rows=outcome.rows,
                            message=outcome.message, report_path=outcome.report_path)
    except Exception:  # noqa: BLE001 - the warehouse may be the fault; the verdict still stands
        outcome.message += " — the load log could not be written"
    return outcome


def load_file(settings: Settings, outcome: FileOutcome) -> FileOutcome:
    """Load a validated file in one transaction; nothing of it is written if any step fails."""
    if outcome.status != "valid":
        return outcome
    try:
        return _load(settings, outcome)
    except FileRejected as rejected:
        outcome.status, outcome.problems = "rejected", [p.as_dict() for p in rejected.problems]
        outcome.message = summarise(rejected.problems)
        return _set_aside(settings, outcome, [])
    except Exception as error:  # noqa: BLE001 - every fault becomes a verdict, never a traceback
        return conclude_failed(settings, outcome, "loading", error)


def _load(settings: Settings, outcome: FileOutcome) -> FileOutcome:
    source = get_source(outcome.source)
    path = Path(outcome.path)
    if file_checksum(path) != outcome.checksum:
        outcome.status = "failed"
        outcome.message = "the file changed after it was validated; it was not loaded and the next run takes it"
        return outcome
    frame = read_landed(path, source.canonical_name, load_mapping(outcome.mapping)).frame
    engine = get_engine(settings.warehouse_url)
    # The attempt is logged (and committed) before the load's own transaction, so that a worker
    # killed half-way leaves a trace: its writes roll back, its 'loading' row stays until the next
    # attempt marks it 'interrupted'.
    with engine.begin() as connection:
        load_id = load_log.record(connection, source=outcome.source, file_name=shortened(path.name),
                                  checksum=outcome.checksum, outcome="loading", wave=outcome.wave, rows=len(frame),
                                  report_path=outcome.report_path, delivered_at=outcome.delivered_at)
    try:
        with engine.begin() as connection:
            load_log.lock_source(connection, source.lock)
            load_log.mark_interrupted(connection, outcome.source, outcome.checksum, load_id)
            if _known_delivery(connection, outcome):  # another process took it in since we validated
                load_log.forget(connection, load_id)
                return outcome
            staged_or_loaded = "loaded"
            try:
                wave_id = source.load(connection, frame, load_id)
            except load_log.OlderDelivery:  # checked before the load writes anything
                load_log.set_outcome(connection, load_id, "replaced")
                outcome.status, outcome.rows = "loaded", len(frame)
                outcome.message = "a later delivery of the same data was already loaded: this one is kept in the load log only"
                return outcome
            hold_for_test(path)
            if wave_id is not None:
                waves.set_delivered_at(connection, wave_id, outcome.delivered_at)
                staged_or_loaded = "staged"  # published by a later step, which marks the log 'loaded'
            load_log.set_outcome(connection, load_id, staged_or_loaded)
    except BaseException:
        # A fault (not a killed process): the verdict gets a row of its own, as before.
        with engine.begin() as connection:
            load_log.forget(connection, load_id)
        raise
    outcome.status, outcome.wave_id, outcome.rows = staged_or_loaded, wave_id, len(frame)
    return outcome


# Test-only: the Celery integration test kills a worker while it loads a file. A file named in
# this folder makes the first load of that file claim it and wait, uncommitted, until killed.
HOLD_LOADS_ENV = "CULTURE_TEST_HOLD_LOADS_DIR"


def hold_for_test(path: Path) -> None:
    folder = os.environ.get(HOLD_LOADS_ENV)
    if not folder:
        return
    hold = Path(folder) / path.name
    claimed = hold.with_name(f"{path.name}.held.{os.getpid()}")
    try:
        hold.rename(claimed)  # atomic: only the first attempt holds; a retry goes straight on
    except FileNotFoundError:
        return
    while claimed.exists():
        time.sleep(0.5)
