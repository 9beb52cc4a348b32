"""Reads a landed SPSS file (.sav) into the same frame of trimmed strings as a CSV.

Survey suppliers deliver respondent-level data as SPSS files: one variable per question, numeric
codes with value labels. Variables are mapped to the contract's columns (by name, or through the
supplier's column mapping), and every coded variable's value labels are checked against the
contract's codes, so that a reversed or shifted scale (1 = Strongly agree) is rejected rather than
loaded upside down. Problems name the SPSS variable; rows are case numbers.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyreadstat

from pipelines.shared import contract, reference
from pipelines.ingest.cell_locator import VariableLocator
from pipelines.ingest.column_mapping import ColumnMapping
from pipelines.ingest.landing_csv import open_regular
from pipelines.ingest.problems import FileRejected, Problem
from pipelines.ingest.landing_excel import DATE_COLUMNS


def contract_labels(column: str) -> dict[int, str] | None:
    """The contract's code -> label for a coded column, or None for columns without labelled codes."""
    if column in contract.DEMOGRAPHIC_CODES:
        return contract.DEMOGRAPHIC_CODES[column]
    for question in reference.question_bank():
        if question.code == column:
            return contract.SCALE_CODES[question.scale]
    return None


def _same_label(ours: str, theirs: str) -> bool:
    return " ".join(ours.lower().split()) == " ".join(str(theirs).lower().split())


def label_problems(variables: dict[str, str], value_labels: dict[str, dict]) -> list[Problem]:
    """Coded variables whose value labels disagree with the contract. Messages quote codes only."""
    problems = []
    for column, variable in variables.items():
        ours, theirs = contract_labels(column), value_labels.get(variable)
        if not ours or not theirs:
            continue
        unknown = sorted(v for v in theirs if not (float(v).is_integer() and int(v) in ours))
        differing = sorted(int(v) for v in theirs if v not in unknown and not _same_label(ours[int(v)], theirs[v]))
        if unknown or differing:
            said = []
            if differing:
                said.append(f"code{'s' if len(differing) > 1 else ''} {', '.join(map(str, differing))} "
                            "labelled differently from the contract")
            if unknown:
                said.append(f"{len(unknown)} labelled value{'s' if len(unknown) > 1 else ''} the contract does not have")
            problems.append(Problem("value_labels_match_contract", "the variable's value labels do not match the "
                                    f"contract's codes ({'; '.join(said)}): recode the variable or correct its labels",
                                    column, origin=f"SPSS variable {variable}"))
    return problems


def _as_text(value, column: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat() if column in DATE_COLUMNS else str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _read(path: Path):
    """pyreadstat reads from a path, so the regular file (never a link) is copied to a private one."""
    with open_regular(path) as handle:
        data = handle.read()
    if not data.strip():
        raise FileRejected(path.name, [Problem("file_not_empty", "the file is empty")])
    descriptor, private = tempfile.mkstemp(suffix=".sav")
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        return pyreadstat.read_sav(private, apply_value_formats=False, user_missing=False)
    except pyreadstat.ReadstatError:
        raise FileRejected(path.name, [Problem("file_is_spss", "the file is not a readable SPSS .sav file")]) from None
    finally:
        os.unlink(private)


def read_landed_spss(path: Path, canonical_name, mapping: ColumnMapping) -> tuple[pd.DataFrame, list[str], VariableLocator]:
    raw, meta = _read(path)
    locator = VariableLocator()
    extras = []
    for variable in raw.columns:
        name = canonical_name(mapping.header(variable))
        if name is None:
            extras.append(variable)
        elif name in locator.variables:
            raise FileRejected(path.name, [Problem("unique_columns", f"column {name} is given by two variables", name)])
        else:
            locator.variables[name] = variable
    if raw.empty:
        raise FileRejected(path.name, [Problem("has_data_rows", "the file has variables but no cases")])
    # A column the mapping recodes carries the supplier's codes, whose labels are theirs to choose.
    checked = {c: v for c, v in locator.variables.items() if c not in mapping.codes}
    problems = label_problems(checked, meta.variable_value_labels)
    if problems:
        raise FileRejected(path.name, problems)
    # Index = case number - 2, so that the row numbers in problems are case numbers.
    frame = pd.DataFrame({name: [_as_text(v, name) for v in raw[variable]] for name, variable in locator.variables.items()},
                         index=pd.Index(range(-1, len(raw) - 1)), dtype=object)
    return mapping.recode(frame), extras, locator
