"""A supplier's column mapping: their column names (or SPSS variables) and codes to the contract's.

A renamed column or a supplier's own codes are configuration, not code. The file is small YAML:

    sheet: Workforce          # optional: the workbook sheet to read
    columns:                  # supplier column -> contract column (matched ignoring case and spaces)
      Unit: unit_code
      Snapshot: snapshot_date
    codes:                    # contract column -> supplier value -> contract code
      sex: {F: 1, M: 2}

Columns not listed keep their own names (so a file already in the contract's names needs no entry).

A supplier who always delivers into the same landing directory needs no option at all: a
`column-mapping.yml` in `landing/<source>/` applies to every file landed there (by the DAGs, the
watcher or `culture ingest`), unless a mapping is given explicitly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

KNOWN_KEYS = {"sheet", "columns", "codes"}


LANDING_MAPPING_NAME = "column-mapping.yml"


def mapping_for(landing_dir: Path, source: str, path: str | Path, given: str | Path | None) -> str | None:
    """The mapping file to read `path` with: the one given, else its landing directory's own."""
    if given:
        return str(given)
    folder = Path(landing_dir) / source
    candidate = folder / LANDING_MAPPING_NAME
    if Path(path).parent == folder and candidate.is_file() and not candidate.is_symlink():
        return str(candidate)
    return None


class MappingInvalid(ValueError):
    """The mapping file cannot be used; the message names the key at fault, never a data value."""


@dataclass(frozen=True)
class ColumnMapping:
    sheet: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # keys trimmed and lower-cased
    codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def header(self, supplier_header: str) -> str:
        """The contract's name for a supplier's header, or the header itself if it is not mapped."""
        return self.columns.get(supplier_header.strip().lower(), supplier_header)

    def recode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Supplier codes replaced by the contract's; values not listed are left for the suite to judge."""
        for column, codes in self.codes.items():
            if column in frame:
                frame[column] = frame[column].map(lambda value: codes.get(value, value))
        return frame


NO_MAPPING = ColumnMapping()


def _text(value, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise MappingInvalid(f"{where} must be a name or a code")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_mapping(data) -> ColumnMapping:
    if data is None:
        return NO_MAPPING
    if not isinstance(data, dict):
        raise MappingInvalid("the mapping file must hold keys sheet, columns and codes")
    unknown = sorted(str(k) for k in data if k not in KNOWN_KEYS)
    if unknown:
        raise MappingInvalid(f"unknown key(s) {', '.join(unknown)}; use sheet, columns and codes")
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise MappingInvalid("sheet must be a sheet name")
    columns = data.get("columns") or {}
    codes = data.get("codes") or {}
    if not isinstance(columns, dict) or not isinstance(codes, dict):
        raise MappingInvalid("columns and codes must each map names to names")
    mapped_columns = {_text(k, "a supplier column").lower(): _text(v, f"the target of column {k}")
                      for k, v in columns.items()}
    mapped_codes = {}
    for column, table in codes.items():
        if not isinstance(table, dict):
            raise MappingInvalid(f"codes of {column} must map supplier values to contract codes")
        mapped_codes[_text(column, "a coded column")] = {
            _text(k, f"a supplier code of {column}"): _text(v, f"a contract code of {column}") for k, v in table.items()}
    return ColumnMapping(sheet=sheet, columns=mapped_columns, codes=mapped_codes)


def load_mapping(path: str | Path | None) -> ColumnMapping:
    if not path:
        return NO_MAPPING
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise MappingInvalid("the mapping file cannot be read as UTF-8 text") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        raise MappingInvalid("the mapping file is not valid YAML") from None
    return parse_mapping(data)
