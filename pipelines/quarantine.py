"""The quarantine: rejected files with their reports, waiting for a fix and a retry."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipelines.config import Settings

REPORT_SUFFIX = ".report.json"
STAMP = re.compile(r"^\d{8}T\d{6}Z-")


@dataclass
class QuarantinedFile:
    source: str
    path: Path
    original_name: str
    quarantined_at: str
    reason: str


def quarantine_file(settings: Settings, source: str, path: Path, report_path: str | None) -> Path:
    """Move a rejected landed file (copy one from elsewhere) with its report into quarantine."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target_dir = settings.quarantine_dir / source
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{stamp}-{path.name}"
    if path.resolve().is_relative_to(settings.landing_dir):
        shutil.move(path, target)
    else:  # never move a user's own file from elsewhere
        shutil.copy2(path, target)
    if report_path:
        shutil.copy2(report_path, target.with_name(target.name + REPORT_SUFFIX))
    return target


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
            if path.name.endswith(REPORT_SUFFIX) or not path.is_file():
                continue
            stamp = STAMP.match(path.name)
            found.append(QuarantinedFile(
                source=source_dir.name, path=path, original_name=STAMP.sub("", path.name),
                quarantined_at=stamp.group(0)[:-1] if stamp else "",
                reason=_reason(path.with_name(path.name + REPORT_SUFFIX)),
            ))
    return found


def release_for_retry(settings: Settings, file: str) -> tuple[str, Path]:
    """Move a (fixed) quarantined file back to its landing directory. Returns (source, landed path)."""
    matches = [q for q in list_quarantined(settings) if q.path.name == Path(file).name or q.path == Path(file).resolve()]
    if not matches:
        raise ValueError(f"{file} is not in the quarantine ({settings.quarantine_dir}); see `culture quarantine list`")
    entry = matches[0]
    target = settings.landing_dir / entry.source / entry.original_name
    if target.exists():
        raise ValueError(f"{target} already exists in the landing directory; move it away first")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(entry.path, target)
    entry.path.with_name(entry.path.name + REPORT_SUFFIX).unlink(missing_ok=True)
    return entry.source, target
