"""Reads a landed CSV the way the contract's general rules say (UTF-8, optional BOM, RFC 4180).

Files are opened without following symbolic links and only if they are regular files, so a
link or a device placed in a landing directory is never read (see landing_entry.py).
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from pathlib import Path

import pandas as pd

from pipelines.ingest.problems import FileRejected, Problem, problem_at_rows
from pipelines.ingest.survey_platform import extra_header_rows

# Python's csv module stops at 131,072 characters a field unless told otherwise; the contract's
# own limits (free text, identifiers ...) are checked afterwards, with the row and column.
csv.field_size_limit(2**31 - 1)

BINARY_SNIFF_BYTES = 65536
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


class NotARegularFile(Exception):
    """The path is a link, device, pipe or directory: it is not read."""


def open_regular(path: Path):
    """A binary handle on `path`, refusing symbolic links and anything but a regular file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if os.path.islink(path):
            raise NotARegularFile(str(path)) from None
        raise error
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise NotARegularFile(str(path))
    return os.fdopen(descriptor, "rb")


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_bytes(path: Path) -> bytes:
    with open_regular(path) as handle:
        return handle.read()


def _decode(path: Path) -> str:
    """The file as text. Bytes that are not UTF-8 become lone surrogates, found later by cell."""
    data = _read_bytes(path)
    if not data.strip():
        raise FileRejected(path.name, [Problem("file_not_empty", "the file is empty")])
    if data.startswith(UTF16_BOMS) or (len(data) > 1 and b"\x00" in data[:2] and data[:2] != b"\x00\x00"):
        raise FileRejected(path.name, [Problem(
            "file_is_utf8", "the file is UTF-16 encoded, not UTF-8; export it as CSV UTF-8")])
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise FileRejected(path.name, [Problem("file_is_text", "the file contains binary data, not CSV text")])
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="surrogateescape")


def _has_undecodable(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _cell_problems(header: list[str], body: list[tuple[int, list[str]]], text: str) -> list[Problem]:
    """NUL characters and non-UTF-8 bytes anywhere in the file, by row and column."""
    checks = []
    if "\x00" in text:
        checks.append(("no_nul_bytes", "contains a NUL byte, which no CSV text may hold", lambda v: "\x00" in v))
    if _has_undecodable(text):
        checks.append(("file_is_utf8", "contains bytes that are not UTF-8; export the file as CSV UTF-8",
                       _has_undecodable))
    problems = []
    for rule, message, broken in checks:
        if any(broken(h) for h in header):
            problems.append(Problem(rule, f"the header row {message}", None, [1], 1))
        for index, name in enumerate(header):
            positions = [position for position, row in body if index < len(row) and broken(row[index])]
            if positions:
                column = name if not (broken(name) or not name.strip()) else f"column {index + 1}"
                problems.append(problem_at_rows(rule, f"a cell {message}", column, positions))
    return problems


def read_landed_csv(path: Path, canonical_name) -> tuple[pd.DataFrame, list[str]]:
    """All cells as trimmed strings ('' = blank), headers mapped by `canonical_name`.

    Returns the frame and the unknown extra columns (kept out of the frame, listed in reports).
    `canonical_name(header)` returns the contract's spelling of a header, or None if unknown.
    The frame's index is each row's position after the header (blank lines counted), so that
    index + 2 is the row a spreadsheet shows.
    """
    text = _decode(path)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        rows = list(reader)
    except csv.Error:
        raise FileRejected(path.name, [Problem(
            "csv_syntax", f"the file is not readable as CSV near line {reader.line_num}", None)]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileRejected(path.name, [Problem("header_present", "the file has no header row")])
    header = [cell.strip() for cell in rows[0]]
    # Positions count the platform's header rows too, so that row numbers stay those of the file.
    skipped = extra_header_rows(rows)
    body = [(position, row) for position, row in enumerate(rows[1 + skipped:], start=skipped)
            if any(cell.strip() for cell in row)]
    if not body:
        raise FileRejected(path.name, [Problem("has_data_rows", "the file has a header but no data rows")])
    problems = _cell_problems(header, body, text)
    if problems:
        raise FileRejected(path.name, problems)
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        raise FileRejected(path.name, [Problem(
            "comma_separated", "the header has a single column containing ';', tab or '|': the file must be comma separated")])
    ragged = [position for position, row in body if len(row) != len(header)]
    if ragged:
        raise FileRejected(path.name, [problem_at_rows(
            "row_width", f"these rows do not have {len(header)} fields like the header "
            "(check for an unescaped quote or a stray comma)", None, ragged)])

    names, extras, seen = [], [], {}
    for raw in header:
        name = canonical_name(raw)
        if name is None:
            extras.append(raw)
            names.append(None)
            continue
        if name in seen:
            raise FileRejected(path.name, [Problem("unique_columns", f"column {name} appears twice in the header", name)])
        seen[name] = True
        names.append(name)
    keep = [i for i, n in enumerate(names) if n is not None]
    frame = pd.DataFrame([[row[i].strip() for i in keep] for _, row in body], columns=[names[i] for i in keep],
                         index=pd.Index([position for position, _ in body]), dtype=object)
    return frame, extras
