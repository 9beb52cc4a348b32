"""Reference data shipped with the project (copied from the product owner's `reference/`).

Source of the question bank numbering and Civil Service benchmark figures: Civil Service
People Survey results, Cabinet Office, Open Government Licence v3.0.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference_data"

# The nine CSPS themes that get a THEME:<name> score (methodology.md, "Indices and themes").
SCORED_THEMES = (
    "my_work", "objectives_purpose", "my_manager", "my_team", "learning_development",
    "inclusion_fair_treatment", "resources_workload", "pay_benefits", "leadership_change",
)
ENGAGEMENT_ITEMS = ("B47", "B48", "B49", "B50", "B51")
# Annual-survey questions every pulse asks again (contract §2), on their question-bank scales.
PULSE_REPEATED_QUESTIONS = ("B33", "B57", "E03", "W10")


@dataclass(frozen=True)
class Question:
    code: str
    theme: str
    scale: str
    positive_codes: frozenset[int]
    asked_if: tuple[str, int] | None  # (question code, required answer)
    label: str

    @property
    def column(self) -> str:
        """Column name in the warehouse (lower case, so PostgreSQL needs no quoting)."""
        return self.code.lower()


@dataclass(frozen=True)
class PulseItem:
    code: str
    cultural_shift: str
    scale: str
    label: str


def read_reference_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _parse_asked_if(text: str) -> tuple[str, int] | None:
    if not text.strip():
        return None
    code, _, value = text.partition("==")
    return code.strip(), int(value)


@lru_cache(maxsize=1)
def question_bank() -> tuple[Question, ...]:
    return tuple(
        Question(
            code=row["code"],
            theme=row["theme"],
            scale=row["scale"],
            positive_codes=frozenset(int(c) for c in row["positive_codes"].split(";") if c),
            asked_if=_parse_asked_if(row["asked_if"]),
            label=row["label"],
        )
        for row in read_reference_csv("question_bank.csv")
    )


@lru_cache(maxsize=1)
def pulse_items() -> tuple[PulseItem, ...]:
    return tuple(PulseItem(code=row["code"], cultural_shift=row["cultural_shift"], scale=row["scale"], label=row["label"])
                 for row in read_reference_csv("pulse_items.csv"))


def pulse_repeated_scales() -> dict[str, str]:
    """The annual questions a pulse repeats, with each one's scale from the question bank."""
    scales = {question.code: question.scale for question in question_bank()}
    return {code: scales[code] for code in PULSE_REPEATED_QUESTIONS}


def question_codes() -> tuple[str, ...]:
    return tuple(q.code for q in question_bank())


@lru_cache(maxsize=1)
def leaving_reasons() -> tuple[dict[str, str], ...]:
    return tuple(read_reference_csv("leaving_reasons.csv"))


def leaving_reason_codes() -> set[str]:
    return {r["code"] for r in leaving_reasons()}


@lru_cache(maxsize=1)
def stay_factors() -> tuple[dict[str, str], ...]:
    return tuple(read_reference_csv("stay_factors.csv"))


def stay_factor_codes() -> set[str]:
    return {r["code"] for r in stay_factors()}


def c02_benchmark_codes() -> dict[str, str]:
    """Map `C02_<reason>` (our column) to the benchmark file's numbered `C02_NN`.

    The benchmark numbers the CSPS C02 reasons 01..16 without names. We assume they follow
    the order of the reasons that have a `csps_c02_equivalent` in leaving_reasons.csv (16 of
    them, the published CSPS order); see docs/methodology-choices.md.
    """
    with_equivalent = [r["csps_c02_equivalent"] for r in leaving_reasons() if r["csps_c02_equivalent"]]
    return {name: f"C02_{i:02d}" for i, name in enumerate(with_equivalent, start=1)}


@lru_cache(maxsize=1)
def grade_codes() -> tuple[str, ...]:
    return tuple(row["grade"] for row in read_reference_csv("grades.csv"))


@lru_cache(maxsize=1)
def grade_labels() -> dict[str, str]:
    return {row["grade"]: row["label"] for row in read_reference_csv("grades.csv")}
