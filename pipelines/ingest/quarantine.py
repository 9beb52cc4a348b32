"""The quarantine: rejected files with their reports, waiting for a fix and a retry."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from pipelines.config import Settings
from pipelines.ingest.landing_csv import open_regular
from pipelines.ingest.landing_entry import escapes_landing_directory, in_landing_directory, shortened

REPORT_SUFFIX = ".report.json"
STAMP = re.compile(r"^\d{8}T\d{6}Z-")


@dataclass
class QuarantinedFile:
    source: str
    path: Path
    original_name: str
    quarantined_at: str
    reason: str


def _free_target(directory: Path, name: str) -> Path:
    target = directory / name
    counter = 1
    while os.path.lexists(target):  # two rejections of one name in the same second
        counter += 1
        target = directory / f"{Path(name).stem}.{counter}{Path(name).suffix}"
    return target


def quarantine_file(settings: Settings, source: str, path: Path, report_path: str | None) -> Path | None:
    """Move a rejected landed file (copy one from elsewhere) with its report into quarantine.

    A landed entry moves as itself: a link stays a link and its target is never read. Returns
    the quarantined path, or None when nothing could be kept (a link or device from elsewhere).
    """
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target_dir = settings.quarantine_dir / source
    target_dir.mkdir(parents=True, exist_ok=True)
    target = _free_target(target_dir, f"{stamp}-{shortened(path.name)}")
    if escapes_landing_directory(settings, path):  # not ours to move, and never to be read
        return None
    if in_landing_directory(settings, path):
        try:
            os.rename(path, target)
        except OSError:
            if not _is_regular(path):  # never copy a link's target or a device across file systems
                return None
            shutil.move(path, target)
    elif _is_regular(path):  # never move a user's own file from elsewhere
        with open_regular(path) as source_file, open(target, "wb") as copy:
            shutil.copyfileobj(source_file, copy)
    else:
        return None
    if report_path:
        shutil.copy2(report_path, target.with_name(target.name + REPORT_SUFFIX))
    return target


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _reason(report: Path) -> str:
    try:
        problems = json.loads(report.read_text(encoding="utf-8")).get("problems") or []
    except (OSError, ValueError):
        return "(no readable report)"
    if not problems:
        return "(no problems recorded)"
    first = problems[0]
    where = f" [{first['column']}]" if first.get("column") else ""
    return f"{first['rule']}{where}: {first['message']}" + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else "")


def list_quarantined(settings: Settings) -> list[QuarantinedFile]:
    found = []
    if not settings.quarantine_dir.is_dir():
        return found
    for source_dir in sorted(p for p in settings.quarantine_dir.iterdir() if p.is_dir()):
        for path in sorted(source_dir.iterdir()):
            if path.name.endswith(REPORT_SUFFIX) or path.name.startswith(".") or path.is_dir():
                continue
            stamp = STAMP.match(path.name)
            found.append(QuarantinedFile(
                source=source_dir.name, path=path, original_name=STAMP.sub("", path.name),
                quarantined_at=stamp.group(0)[:-1] if stamp else "",
                reason=_reason(path.with_name(path.name + REPORT_SUFFIX)),
            ))
    return found


@dataclass
class Retry:
    source: str
    landed: Path
    description: str  # which file is ingested, said to the user


def release_for_retry(settings: Settings, file: str, replacement: str | None = None) -> Retry:
    """Put a quarantined file back in its landing directory for ingest: the quarantined copy
    (fixed in place), or, given `replacement`, that file in its stead (the copy is discarded)."""
    entry = _quarantined_entry(settings, file)
    target = settings.landing_dir / entry.source / entry.original_name
    if os.path.lexists(target):
        raise ValueError(f"{target} already exists in the landing directory; move it away first")
    target.parent.mkdir(parents=True, exist_ok=True)
    report = entry.path.with_name(entry.path.name + REPORT_SUFFIX)
    if replacement is not None:
        fixed = Path(replacement)
        if not _is_regular(fixed):
            raise ValueError(f"{replacement} is not a regular file; only regular files are ingested")
        partial = target.with_name(target.name + ".partial")  # not *.csv: no watcher takes it half-written
        with open_regular(fixed) as source_file, open(partial, "wb") as copy:
            shutil.copyfileobj(source_file, copy)
        partial.replace(target)
        entry.path.unlink()
        description = f"ingesting the replacement {fixed} in place of the quarantined {entry.path.name}"
    else:
        if not _is_regular(entry.path):
            raise ValueError(f"{entry.path.name} is not a regular file (a link or device); it cannot be retried")
        shutil.move(entry.path, target)
        description = f"ingesting the quarantined file {entry.path.name} as it now is in the quarantine"
    report.unlink(missing_ok=True)
    return Retry(entry.source, target, description)


def _quarantined_entry(settings: Settings, file: str) -> QuarantinedFile:
    given = Path(file)
    as_path = Path(os.path.abspath(given))
    matches = [q for q in list_quarantined(settings)
               if (given.name == str(given) and q.path.name == given.name) or Path(os.path.abspath(q.path)) == as_path]
    if matches:
        return matches[0]
    if os.path.lexists(given):
        raise ValueError(
            f"{file} is not a quarantined file. To ingest it in place of a quarantined file, run "
            f"`culture quarantine retry QUARANTINED_NAME --replacement {file}`; to ingest it as a new delivery, "
            "run `culture ingest`")
    raise ValueError(f"{file} is not in the quarantine ({settings.quarantine_dir}); see `culture quarantine list`")
