"""The trust boundary of the landing directories: what the pipeline agrees to read at all.

Only regular files are taken. A symbolic link, device, pipe or socket is rejected from its
directory entry alone (never opened, never followed), and so is a file reached through a
linked directory that really lies outside the landing directory: otherwise anyone who can write
to a landing directory could make the pipeline copy any file it can read into the quarantine.
"""
from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

from pipelines.config import Settings
from pipelines.ingest.problems import FileRejected, Problem

# File names are kept to this many bytes in reports and the quarantine (whose names add a time
# stamp and a suffix), so that no file-system name limit (255 bytes) is ever hit.
MAX_NAME_BYTES = 180


def shortened(name: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """`name` cut to `max_bytes` of UTF-8, keeping its extension."""
    if len(name.encode("utf-8", "surrogateescape")) <= max_bytes:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 16:
        stem, suffix = name, ""
    budget = max_bytes - len(suffix.encode("utf-8", "surrogateescape")) - (2 if suffix else 1)
    cut = stem.encode("utf-8", "surrogateescape")[:budget].decode("utf-8", "ignore")
    return f"{cut}~.{suffix}" if suffix else f"{cut}~"


def in_landing_directory(settings: Settings, path: Path) -> bool:
    """Whether the entry itself (not what a link points to) sits under the landing directory."""
    entry = Path(os.path.abspath(path))
    return entry.is_relative_to(Path(os.path.abspath(settings.landing_dir)))


def escapes_landing_directory(settings: Settings, path: Path) -> bool:
    """Whether an entry under the landing directory really lies elsewhere (through a linked directory)."""
    real_parent = Path(os.path.realpath(Path(os.path.abspath(path)).parent))
    return in_landing_directory(settings, path) and not real_parent.is_relative_to(
        Path(os.path.realpath(settings.landing_dir)))


def checked_entry(settings: Settings, path: Path) -> os.stat_result:
    """The entry's own status if the pipeline may read it; FileRejected otherwise."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise FileRejected(path.name, [Problem("file_exists", "the file disappeared before it could be read")]) from None
    if stat.S_ISLNK(info.st_mode):
        raise FileRejected(path.name, [Problem(
            "regular_file", "this is a symbolic link; only regular files are accepted and links are never followed")])
    if not stat.S_ISREG(info.st_mode):
        raise FileRejected(path.name, [Problem(
            "regular_file", "this is not a regular file (a directory, device, pipe or socket); it was not read")])
    if escapes_landing_directory(settings, path):
        raise FileRejected(path.name, [Problem(
                "inside_landing_directory", "this file lies outside the landing directory (reached through a link); "
                "it was not read")])
    return info


def delivered_at(info: os.stat_result) -> str:
    """When the file landed: its modification time as found, before anything is loaded."""
    return dt.datetime.fromtimestamp(info.st_mtime_ns / 1e9, dt.timezone.utc).isoformat(timespec="microseconds")
