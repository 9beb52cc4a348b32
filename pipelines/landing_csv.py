"""Reads a landed CSV the way the contract's general rules say (UTF-8, optional BOM, RFC 4180)."""
from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pandas as pd

from pipelines.problems import FileRejected, Problem


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _decode(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise FileRejected(path.name, [Problem("file_not_empty", "the file is empty")])
    if b"\x00" in data[:65536]:
        raise FileRejected(path.name, [Problem("file_is_text", "the file contains binary data, not CSV text")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(path.name, [Problem(
            "file_is_utf8", f"the file is not UTF-8 (bad byte at offset {error.start}); export it as CSV UTF-8")]) from None


def read_landed_csv(path: Path, canonical_name) -> tuple[pd.DataFrame, list[str]]:
    """All cells as trimmed strings ('' = blank), headers mapped by `canonical_name`.

    Returns the frame and the unknown extra columns (kept out of the frame, listed in reports).
    `canonical_name(header)` returns the contract's spelling of a header, or None if unknown.
    """
    text = _decode(path)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileRejected(path.name, [Problem("header_present", "the file has no header row")])
    header = [cell.strip() for cell in rows[0]]
    body = [row for row in rows[1:] if any(cell.strip() for cell in row)]
    if not body:
        raise FileRejected(path.name, [Problem("has_data_rows", "the file has a header but no data rows")])
    if len(header) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        raise FileRejected(path.name, [Problem(
            "comma_separated", "the header has a single column containing ';', tab or '|': the file must be comma separated")])
    ragged = [i for i, row in enumerate(body) if len(row) != len(header)]
    if ragged:
        from pipelines.problems import problem_at_rows

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
    frame = pd.DataFrame([[row[i].strip() for i in keep] for row in body], columns=[names[i] for i in keep], dtype=object)
    return frame, extras
