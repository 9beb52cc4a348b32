"""The hand-written labelled comment set (nlp/eval/*.tsv) and how themes and flags are scored on it.

Each file holds one source's comments, tab-separated: source, themes (comma-separated taxonomy
themes the text supports; empty means "other"), flags (the safeguarding reasons nlp.sensitive must
raise) and the text. Names in it are invented.

The split is fixed by a hash of the text, so adding comments never moves an existing one between
parts: about 60% form the development part (the classifier is trained and its threshold chosen
there), the rest the held-out test part, which nothing is tuned on and only bench/nlp_quality.py
reads.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from nlp.taxonomy import CORE_THEMES, TAXONOMY

EVAL_DIR = Path(__file__).resolve().parent / "eval"
DEV_SHARE = 60  # per cent


@dataclass(frozen=True)
class LabelledComment:
    source: str
    themes: frozenset[str]
    flags: frozenset[str]
    text: str

    @property
    def part(self) -> str:
        bucket = int(hashlib.sha256(self.text.encode("utf-8")).hexdigest(), 16) % 100
        return "dev" if bucket < DEV_SHARE else "test"


def _split(cell: str) -> frozenset[str]:
    return frozenset(v.strip() for v in cell.split(",") if v.strip())


def labelled_comments(part: str | None = None) -> list[LabelledComment]:
    """Every labelled comment (files in name order), or only the "dev" or "test" part."""
    rows = []
    for path in sorted(EVAL_DIR.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                rows.append(LabelledComment(record["source"], _split(record["themes"]), _split(record["flags"]),
                                            record["text"]))
    unknown = {t for r in rows for t in r.themes} - set(TAXONOMY)
    if unknown:
        raise ValueError(f"labelled set names themes outside the taxonomy: {sorted(unknown)}")
    return [r for r in rows if part is None or r.part == part]


def theme_scores(truth: list[frozenset[str]], predicted: list[frozenset[str]]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per theme (multi-label: each comment counts once per theme)."""
    scores = {}
    for theme in TAXONOMY:
        tp = sum(theme in t and theme in p for t, p in zip(truth, predicted))
        fp = sum(theme not in t and theme in p for t, p in zip(truth, predicted))
        fn = sum(theme in t and theme not in p for t, p in zip(truth, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[theme] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return scores


def core_macro_f1(scores: dict[str, dict[str, float]]) -> float:
    return sum(scores[t]["f1"] for t in CORE_THEMES) / len(CORE_THEMES)


def macro_f1(scores: dict[str, dict[str, float]]) -> float:
    return sum(s["f1"] for s in scores.values()) / len(scores)
