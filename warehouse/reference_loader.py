"""Loads the shipped reference data (question bank, benchmarks, code lists) into ref_* tables."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pipelines.shared import contract, reference
from pipelines.measures import measure_catalogue
from warehouse.db import table
from warehouse.load_log import lock_source


INTERVIEW_SPLITS = {
    "hard_to_recruit_role": {"1": "Hard-to-recruit role", "0": "Other roles"},
    "considering_leaving": {"1": "Considering leaving", "2": "Not considering leaving", "3": "Unsure about leaving"},
}


def _benchmark_measure_name(measure: str) -> str:
    """Normalise the benchmark file's spellings to the warehouse's measure names.

    The 2023 rows spell split shares `E03_YES`, the 2024 rows `E03_yes`; C02 reasons are numbered
    there (`C02_04`) and named here (`C02_pay_benefits`).
    """
    head, _, tail = measure.rpartition("_")
    if head and tail in ("YES", "NO", "PNTS"):
        return f"{head}_{tail.lower()}"
    by_number = {number: name for name, number in reference.c02_benchmark_codes().items()}
    return by_number.get(measure, measure)


def benchmark_rows() -> list[dict]:
    rows = []
    for row in reference.read_reference_csv("cs_benchmarks.csv"):
        rows.append({
            "year": int(row["year"]),
            "measure": _benchmark_measure_name(row["measure"]),
            "cs_benchmark_median": float(row["cs_benchmark_median"]) if row["cs_benchmark_median"] else None,
            "cs_mean": float(row["cs_mean"]) if row["cs_mean"] else None,
        })
    return rows


def code_rows() -> list[dict]:
    rows = [
        {"list_name": name, "code": str(code), "label": label, "attribute": None}
        for name, codes in contract.DEMOGRAPHIC_CODES.items()
        for code, label in codes.items()
    ]
    rows += [
        {"list_name": "grade", "code": r["grade"], "label": r["label"], "attribute": r["rank"]}
        for r in reference.read_reference_csv("grades.csv")
    ]
    rows += [
        {"list_name": "leaving_reason", "code": r["code"], "label": r["label"], "attribute": r["csps_c02_equivalent"] or None}
        for r in reference.read_reference_csv("leaving_reasons.csv")
    ]
    rows += [
        {"list_name": "stay_factor", "code": r["code"], "label": r["label"], "attribute": None}
        for r in reference.stay_factors()
    ]
    rows += [
        {"list_name": "pulse_item", "code": item.code, "label": item.label, "attribute": item.cultural_shift}
        for item in reference.pulse_items()
    ]
    # The stay-interview splits, so that every view's group_value has a readable label.
    rows += [
        {"list_name": list_name, "code": code, "label": label, "attribute": None}
        for list_name, codes in INTERVIEW_SPLITS.items()
        for code, label in codes.items()
    ]
    return rows


def measure_rows() -> list[dict]:
    """One row per measure name the warehouse can report, from the one measure catalogue."""
    return [measure.row() for measure in measure_catalogue.catalogue()]


def question_rows() -> list[dict]:
    return [
        {"code": row["code"], "theme": row["theme"] or None, "scale": row["scale"],
         "positive_codes": row["positive_codes"] or None, "asked_if": row["asked_if"] or None,
         "label": row["label"]}
        for row in reference.read_reference_csv("question_bank.csv")
    ]


def load_reference_data(engine: Engine) -> dict[str, int]:
    """Replace every ref_* table with the shipped files, in one transaction (safe to rerun)."""
    contents = {
        "ref_question": question_rows(),
        "ref_benchmark": benchmark_rows(),
        "ref_code": code_rows(),
        "ref_measure": measure_rows(),
    }
    with engine.begin() as connection:
        lock_source(connection, "reference")  # two loaders at once would insert the same keys
        for name, rows in contents.items():
            target = table(engine, name)
            connection.execute(sa.delete(target))
            connection.execute(sa.insert(target), rows)
    return {name: len(rows) for name, rows in contents.items()}
