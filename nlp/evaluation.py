"""The hand-written labelled comment set (nlp/eval/<part>/*.tsv) and how themes and flags are scored on it.

Each file holds one source's comments, tab-separated: source, themes (comma-separated taxonomy
themes the text supports; empty means "other"), flags (the safeguarding reasons nlp.sensitive must
raise) and the text. Names in it are invented.

The part is the folder a file sits in, so a comment never moves between parts unless its line is
moved in a commit: nlp/eval/dev (the development part: the classifier is trained, its thresholds
chosen and the safeguarding rules extended there) and nlp/eval/test (the held-out part, written
and committed before any change it scores; nothing is tuned on it and only bench/nlp_quality.py
reads it). docs/methodology-choices.md records when each part was fixed.

Within the development part, the comments of each earlier held-out part, each written
independently by one engineer from a labelling brief, keep their own folder (nlp/eval/dev/round-N):
the writer is that folder, and the files directly in nlp/eval/dev are the project's own. Settings
are chosen by how well a model trained without one writer's comments reads that writer's.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from nlp.taxonomy import CORE_THEMES, TAXONOMY

EVAL_DIR = Path(__file__).resolve().parent / "eval"
PARTS = ("dev", "test")
PROJECT_WRITER = "project"  # the comments written by the project itself, directly in nlp/eval/dev
HELD_OUT_WRITER = "held-out"  # the writer of the current held-out part, directly in nlp/eval/test


@dataclass(frozen=True)
class LabelledComment:
    part: str
    writer: str  # PROJECT_WRITER, HELD_OUT_WRITER or the folder of an earlier held-out part (round-N)
    source: str
    themes: frozenset[str]
    flags: frozenset[str]
    text: str


def _split(cell: str) -> frozenset[str]:
    return frozenset(v.strip() for v in cell.split(",") if v.strip())


def labelled_comments(part: str | None = None) -> list[LabelledComment]:
    """Every labelled comment (development part first), or only the "dev" or "test" part."""
    if part is not None and part not in PARTS:
        raise ValueError(f"no labelled part {part!r}: choose from {PARTS}")
    rows = []
    for folder in PARTS if part is None else (part,):
        # The project's own files first, then each writer's folder in name order.
        paths = sorted((EVAL_DIR / folder).rglob("*.tsv"), key=lambda p: (len(p.parts), p.parts))
        for path in paths:
            at_top = path.parent == EVAL_DIR / folder
            writer = (PROJECT_WRITER if folder == "dev" else HELD_OUT_WRITER) if at_top else path.parent.name
            rows.extend(read_labelled(path, folder, writer))
    return rows


def read_labelled(path: Path, part: str = "", writer: str = "") -> list[LabelledComment]:
    """One labelled file (columns source, themes, flags, text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [LabelledComment(part, writer, record["source"], _split(record["themes"]), _split(record["flags"]), record["text"])
                for record in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    unknown = {t for r in rows for t in r.themes} - set(TAXONOMY)
    if unknown:
        raise ValueError(f"labelled set names themes outside the taxonomy: {sorted(unknown)} ({path.name})")
    return rows


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
