"""Notices files landing in a source's landing directory, once per file content.

The event-driven DAGs' trigger asks `claim_new_files` every few seconds. A file is announced
once: its SHA-256 is recorded in a ledger (`.announced.json` beside the files) *before* the
event goes out, so a restarted triggerer, or the same file copied in twice, never starts a
second run for the same content. A corrected file has new content and is announced again.
The ledger is a convenience against duplicate runs, not the guard against double loads: the
load itself is idempotent (the load log's checksums). Two writers of the ledger at the same
moment (the triggerer and `culture notify`) could at worst start one extra, harmless run.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from pipelines.ingest.landing_csv import file_checksum
from pipelines.ingest.landing_read import landed_entries

LEDGER_NAME = ".announced.json"


def _ledger(directory: Path) -> dict[str, str]:
    try:
        return json.loads((directory / LEDGER_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write_ledger(directory: Path, ledger: dict[str, str]) -> None:
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".announced-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(ledger, out, indent=1, sort_keys=True)
    os.replace(temporary, directory / LEDGER_NAME)  # atomic: a crash never leaves half a ledger


def record_announced(directory: str | Path, name: str, checksum: str) -> bool:
    """Record one file as announced; False if its content was announced before."""
    directory = Path(directory)
    ledger = _ledger(directory)
    if checksum in ledger.values():
        return False
    ledger[f"{name}@{checksum[:12]}"] = checksum
    _write_ledger(directory, ledger)
    return True


def _content_key(path: Path) -> str:
    """The file's SHA-256, or for a link or device (never read) a key of its name and time."""
    if path.is_symlink() or not path.is_file():
        stat = path.lstat()
        return hashlib.sha256(f"unread:{path.name}:{stat.st_mtime_ns}".encode("utf-8", "surrogateescape")).hexdigest()
    return file_checksum(path)


def claim_new_files(directory: str | Path, seen: dict[str, tuple] | None = None) -> list[str]:
    """Names of CSV files whose content was never announced; records them as announced.

    `seen` (kept by the caller between polls) remembers each file's size, modification time and
    checksum: a file still being written (size or time changed since the last poll) is held
    back, and a settled file is hashed once, not at every poll. Without it, every file is taken
    as settled.
    """
    directory = Path(directory)
    ledger = _ledger(directory)
    announced = set(ledger.values())
    fresh = []
    for path in landed_entries(directory):
        stat = path.lstat()
        shape = (stat.st_size, stat.st_mtime_ns)
        if seen is not None:
            previous = seen.get(path.name)
            if previous is None or previous[0] != shape:
                seen[path.name] = (shape, None)
                continue
            checksum = previous[1] or _content_key(path)
            seen[path.name] = (shape, checksum)
        else:
            checksum = _content_key(path)
        if checksum not in announced:
            ledger[f"{path.name}@{checksum[:12]}"] = checksum
            announced.add(checksum)
            fresh.append(path.name)
    if fresh:
        _write_ledger(directory, ledger)
    return fresh
