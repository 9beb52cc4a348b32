"""Trains the theme classifier on the development part of the labelled set and writes nlp/theme_model.json.

    python -m nlp.train_themes --version 2026-11-30.1     # then `culture retheme` re-themes stored comments

Of the hand-written labelled set only the development part is read: the regularisation strength
and the threshold are chosen by five-fold cross-validation inside it, and the held-out part is
left to bench/nlp_quality.py. The template-generated comments of the older test set add training
examples (they helped in cross-validation, 0.80 to 0.84 core macro-F1).
Deterministic (liblinear, fixed folds): the same labelled set and embeddings give the same file.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from nlp.evaluation import core_macro_f1, labelled_comments, theme_scores
from nlp.taxonomy import TAXONOMY
from nlp.themes import MODEL_FILE, features, theme_centroids, theme_text

TEMPLATED = Path(__file__).resolve().parent.parent / "tests" / "data" / "comment_eval.jsonl"

STRENGTHS = (2.0, 4.0, 8.0, 16.0)
THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55)
FOLDS = 5


def _features(texts: list[str], centroids: np.ndarray) -> np.ndarray:
    from nlp.embeddings import embed
    from nlp.redaction import redact_texts

    reading = [theme_text(r.text) for r in redact_texts(texts)]
    return features(embed(reading), reading, centroids)


def prepared(centroids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features and 0/1 label matrices (themes in taxonomy order): the development part, then the
    template-generated comments (tests/data/comment_eval.jsonl, one theme each), which are only
    ever added to the training folds: the folds score on the hand-written comments alone."""
    rows = labelled_comments("dev")
    labels = np.array([[theme in row.themes for theme in TAXONOMY] for row in rows], dtype=int)
    extra = [json.loads(line) for line in TEMPLATED.read_text(encoding="utf-8").splitlines()]
    extra_labels = np.array([[row["theme"] == theme for theme in TAXONOMY] for row in extra], dtype=int)
    return (_features([r.text for r in rows], centroids), labels,
            _features([r["text"] for r in extra], centroids), extra_labels)


def fit(x: np.ndarray, y: np.ndarray, strength: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    coef, intercept = [], []
    for column in range(y.shape[1]):
        model = LogisticRegression(C=strength, solver="liblinear", class_weight="balanced").fit(x, y[:, column])
        coef.append(model.coef_[0])
        intercept.append(model.intercept_[0])
    return np.array(coef), np.array(intercept)


def _predicted(x, coef, intercept, threshold) -> list[frozenset[str]]:
    scores = 1.0 / (1.0 + np.exp(-(x @ coef.T + intercept)))
    return [frozenset(t for t, s in zip(TAXONOMY, row) if s >= threshold) for row in scores]


def cross_validated(x: np.ndarray, y: np.ndarray, x_extra: np.ndarray, y_extra: np.ndarray
                    ) -> dict[tuple[float, float], float]:
    """Core macro-F1 (plus a quarter of all themes' macro-F1, to break near-ties) of the
    out-of-fold predictions for each strength and threshold (folds by position: fixed)."""
    folds = np.arange(len(x)) % FOLDS
    truth = [frozenset(t for t, v in zip(TAXONOMY, row) if v) for row in y]
    results = {}
    for strength in STRENGTHS:
        held: list[tuple[int, np.ndarray, np.ndarray]] = []
        for fold in range(FOLDS):
            coef, intercept = fit(np.vstack([x[folds != fold], x_extra]), np.vstack([y[folds != fold], y_extra]), strength)
            held.append((fold, coef, intercept))
        for threshold in THRESHOLDS:
            predicted: list = [None] * len(x)
            for fold, coef, intercept in held:
                for i, p in zip(np.flatnonzero(folds == fold), _predicted(x[folds == fold], coef, intercept, threshold)):
                    predicted[i] = p
            scores = theme_scores(truth, predicted)
            results[(strength, threshold)] = core_macro_f1(scores) + 0.25 * np.mean([s["f1"] for s in scores.values()])
    return results


def write_model(spec: dict) -> None:
    """One key a line, one matrix row a line: a readable diff when the model is retrained."""
    lines = []
    for key, value in spec.items():
        if isinstance(value, list) and value and isinstance(value[0], list):
            rows = ",\n  ".join(json.dumps(row) for row in value)
            lines.append(f"{json.dumps(key)}: [\n  {rows}\n ]")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}")
    MODEL_FILE.write_text("{\n " + ",\n ".join(lines) + "\n}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", required=True, help="the model version stored with each comment it themes")
    args = parser.parse_args()
    _names, centroids = theme_centroids()
    x, y, x_extra, y_extra = prepared(centroids)
    results = cross_validated(x, y, x_extra, y_extra)
    (strength, threshold), best = max(results.items(), key=lambda item: (round(item[1], 6), -item[0][0], -item[0][1]))
    coef, intercept = fit(np.vstack([x, x_extra]), np.vstack([y, y_extra]), strength)
    write_model({
        "version": args.version, "themes": list(TAXONOMY), "threshold": threshold, "C": strength,
        "features": "all-MiniLM-L6-v2 embedding (384), similarity to each theme's seed descriptions (11), "
                    "taxonomy cue words (11)",
        "trained_on": f"development part ({len(x)} hand-written comments) and {len(x_extra)} template-generated ones",
        "centroids": [[round(float(v), 6) for v in row] for row in centroids],
        "intercept": [round(float(v), 6) for v in intercept],
        "coef": [[round(float(v), 6) for v in row] for row in coef],
    })
    print(f"C={strength} threshold={threshold} cross-validated score {best:.3f}; wrote {MODEL_FILE.name} ({args.version})")


if __name__ == "__main__":
    main()
