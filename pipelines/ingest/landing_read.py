"""Reads a landed file of any accepted format into the contract's frame, by its extension."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.ingest.cell_locator import NoLocator
from pipelines.ingest.column_mapping import NO_MAPPING, ColumnMapping
from pipelines.ingest.problems import FileRejected, Problem

# What the landing directories pick up; every source accepts each of them.
LANDED_SUFFIXES = (".csv", ".xlsx", ".sav")


def is_landed_name(path: Path) -> bool:
    return path.suffix.lower() in LANDED_SUFFIXES and not path.name.startswith(".")


def landed_entries(folder: Path) -> list[Path]:
    """The landing directory's entries with a landed name, links and devices included: judged by the
    entry itself, never followed, so that validation rejects and quarantines them."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if is_landed_name(p) and (p.is_symlink() or not p.is_dir()))


@dataclass
class LandedFrame:
    frame: pd.DataFrame
    extra_columns: list[str]
    # Points problems at the supplier's own cells or variables (see cell_locator.py).
    locator: object


def read_landed(path: Path, canonical_name, mapping: ColumnMapping = NO_MAPPING) -> LandedFrame:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from pipelines.ingest.landing_excel import read_landed_workbook

        return LandedFrame(*read_landed_workbook(path, canonical_name, mapping))
    if suffix == ".sav":
        from pipelines.ingest.landing_spss import read_landed_spss

        return LandedFrame(*read_landed_spss(path, canonical_name, mapping))
    if suffix in (".xls", ".xlsm", ".xlsb", ".ods"):
        raise FileRejected(path.name, [Problem(
            "accepted_format", "only .xlsx workbooks are accepted; save the file as Excel Workbook (.xlsx)")])
    from pipelines.ingest.landing_csv import read_landed_csv

    frame, extras = read_landed_csv(path, lambda header: canonical_name(mapping.header(header)))
    return LandedFrame(mapping.recode(frame), extras, NoLocator())
