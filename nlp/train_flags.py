"""Trains the learned safeguarding flag on the development part of the labelled set and writes nlp/flag_model.json.

    python -m nlp.train_flags

Reads only the development part (nlp/eval/dev); the held-out part is left to bench/nlp_quality.py.
The features are the MiniLM embedding of each redacted comment, the vector the pipeline already has
(nlp/sensitive.py says why not the raw text's). The regularisation strength and the threshold are
chosen by five-fold cross-validation inside the development part: the threshold is the highest at
which the model alone finds at least TARGET_RECALL of the flagged comments out of fold, and the
strength the one with the best precision there. The model alone is what is aimed, because the rules
were written from these same comments and find all of them, which says nothing about new wording.
Deterministic (liblinear, fixed folds): the same labelled set and embeddings give the same file.
"""
from __future__ import annotations

import numpy as np

from nlp.evaluation import labelled_comments
from nlp.sensitive import FLAG_MODEL_FILE, FLAG_MODEL_VERSION, REASONS, rule_reasons
from nlp.train_themes import fit, write_model

STRENGTHS = (0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
TARGET_RECALL = 0.95
FOLDS = 5


def _fit(x: np.ndarray, y: np.ndarray, strength: float) -> tuple[np.ndarray, float]:
    """One balanced logistic regression, fitted as the theme model's are."""
    coef, intercept = fit(x, y[:, np.newaxis], strength)
    return coef[0], float(intercept[0])


def _probabilities(x: np.ndarray, coef: np.ndarray, intercept: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ coef + intercept)))


def out_of_fold(x: np.ndarray, y: np.ndarray, strength: float) -> np.ndarray:
    """Each comment's probability from the model trained on the other folds (folds by position: fixed)."""
    folds = np.arange(len(y)) % FOLDS
    scores = np.zeros(len(y))
    for fold in range(FOLDS):
        held = folds == fold
        scores[held] = _probabilities(x[held], *_fit(x[~held], y[~held], strength))
    return scores


def threshold_for_recall(scores: np.ndarray, y: np.ndarray, recall: float) -> float:
    """The highest threshold (4 decimals) at which at least `recall` of the positives score at or above it."""
    positives = np.sort(scores[y == 1])[::-1]
    needed = int(np.ceil(recall * len(positives)))
    return float(np.floor(positives[needed - 1] * 10_000) / 10_000)


def _precision_recall(raised: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    hits = int((raised & (y == 1)).sum())
    return (hits / raised.sum() if raised.sum() else 0.0), hits / int((y == 1).sum())


def main() -> None:
    from nlp.embeddings import embed
    from nlp.redaction import redact_texts

    rows = labelled_comments("dev")
    redacted = redact_texts([r.text for r in rows])
    x = embed([r.text for r in redacted]).astype(np.float64)
    y = np.array([bool(r.flags) for r in rows], dtype=int)
    by_rule = np.array([bool(rule_reasons(r.text, red.counts.get("PERSON", 0))) for r, red in zip(rows, redacted)])
    results = {}
    for strength in STRENGTHS:
        scores = out_of_fold(x, y, strength)
        threshold = threshold_for_recall(scores, y, TARGET_RECALL)
        precision, recall = _precision_recall(scores >= threshold, y)
        both_precision, both_recall = _precision_recall((scores >= threshold) | by_rule, y)
        results[strength] = (precision, threshold, recall, both_precision, both_recall)
        print(f"C={strength:<5} threshold {threshold:.4f}: model alone precision {precision:.2f} recall {recall:.2f}; "
              f"rules or model precision {both_precision:.2f} recall {both_recall:.2f} (cross-validated)")
    strength = max(results, key=lambda c: (round(results[c][0], 6), -c))
    precision, threshold, recall, both_precision, both_recall = results[strength]
    coef, intercept = _fit(x, y, strength)
    reason_coef, reason_intercept = zip(*(_fit(x, np.array([reason in r.flags for r in rows], dtype=int), strength)
                                          for reason in REASONS))
    write_model(path=FLAG_MODEL_FILE, spec={
        "version": FLAG_MODEL_VERSION, "reasons": list(REASONS), "threshold": threshold, "C": strength,
        "features": "all-MiniLM-L6-v2 embedding (384) of the redacted comment",
        "trained_on": f"development part ({len(rows)} hand-written comments, {int(y.sum())} to flag)",
        "cross_validated": {"folds": FOLDS, "target_recall": TARGET_RECALL,
                            "model_alone": {"precision": round(precision, 3), "recall": round(recall, 3)},
                            "rules_or_model": {"precision": round(both_precision, 3), "recall": round(both_recall, 3)}},
        "intercept": round(intercept, 6),
        "coef": [round(float(v), 6) for v in coef],
        "reason_intercept": [round(v, 6) for v in reason_intercept],
        "reason_coef": [[round(float(v), 6) for v in row] for row in reason_coef],
    })
    print(f"chose C={strength} threshold={threshold}; wrote {FLAG_MODEL_FILE.name} ({FLAG_MODEL_VERSION})")


if __name__ == "__main__":
    main()
