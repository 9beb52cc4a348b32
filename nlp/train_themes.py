"""Trains the theme classifier on the development part of the labelled set and writes nlp/theme_model.json.

    python -m nlp.train_themes --version themes-lr-6     # then `culture retheme` re-themes stored comments

Of the hand-written labelled set only the development part (nlp/eval/dev) is read: the
regularisation strength, the word model's share of the blended score and the threshold are chosen
by leaving out one writer at a time (each earlier held-out part, written independently, is one
writer: nlp/eval/dev/round-N), training on every other comment and scoring that writer's, so the
settings are the ones that carry best to wording the model has not seen. The held-out part is
left to bench/nlp_quality.py.
The template-generated comments of the older test set add training examples (they helped in
cross-validation). Deterministic (liblinear, fixed folds): the same labelled set and embeddings
give the same file.
"""
from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.evaluation import PROJECT_WRITER, core_macro_f1, labelled_comments, macro_f1, theme_scores
from nlp.lexical import term_weights, vocabulary
from nlp.taxonomy import TAXONOMY
from nlp.themes import MODEL_FILE, features, theme_centroids, theme_text

TEMPLATED = Path(__file__).resolve().parent.parent / "tests" / "data" / "comment_eval.jsonl"

STRENGTHS = (2.0, 4.0, 8.0, 16.0)
LEXICAL_STRENGTH = 8.0
LEXICAL_SHARES = (0.0, 0.25, 0.4, 0.5, 0.6)
THRESHOLDS = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
MIN_DOCUMENTS = 2  # a word pair seen once says more about its writer than about a theme


@dataclass(frozen=True)
class Comments:
    """What the classifier reads of a set of comments, and their 0/1 theme labels (taxonomy order)."""
    reading: list[str]
    semantic: np.ndarray
    labels: np.ndarray
    writers: np.ndarray  # who wrote each comment (nlp.evaluation's writer), for the folds

    def subset(self, mask: np.ndarray) -> "Comments":
        return Comments([t for t, keep in zip(self.reading, mask) if keep], self.semantic[mask], self.labels[mask],
                        self.writers[mask])

    def __add__(self, other: "Comments") -> "Comments":
        return Comments(self.reading + other.reading, np.vstack([self.semantic, other.semantic]),
                        np.vstack([self.labels, other.labels]), np.concatenate([self.writers, other.writers]))

    @property
    def held_out_writers(self) -> list[str]:
        """The writers left out in turn: every independent one (the project's comments always train)."""
        return sorted(set(self.writers.tolist()) - {PROJECT_WRITER})


def _comments(texts: list[str], labels: np.ndarray, centroids: np.ndarray, writers: list[str]) -> Comments:
    from nlp.embeddings import embed
    from nlp.redaction import redact_texts

    reading = [theme_text(r.text) for r in redact_texts(texts)]
    return Comments(reading, features(embed(reading), reading, centroids), labels, np.array(writers))


def prepared(centroids: np.ndarray) -> tuple[Comments, Comments]:
    """The development part, then the template-generated comments (tests/data/comment_eval.jsonl,
    one theme each), which are only ever added to the training folds: the folds score on the
    hand-written comments alone."""
    rows = labelled_comments("dev")
    labels = np.array([[theme in row.themes for theme in TAXONOMY] for row in rows], dtype=int)
    extra = [json.loads(line) for line in TEMPLATED.read_text(encoding="utf-8").splitlines()]
    extra_labels = np.array([[row["theme"] == theme for theme in TAXONOMY] for row in extra], dtype=int)
    return (_comments([r.text for r in rows], labels, centroids, [r.writer for r in rows]),
            _comments([r["text"] for r in extra], extra_labels, centroids, [PROJECT_WRITER] * len(extra)))


def fit(x: np.ndarray, y: np.ndarray, strength: float) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    coef, intercept = [], []
    for column in range(y.shape[1]):
        model = LogisticRegression(C=strength, solver="liblinear", class_weight="balanced").fit(x, y[:, column])
        coef.append(model.coef_[0])
        intercept.append(model.intercept_[0])
    return np.array(coef), np.array(intercept)


def _probabilities(x: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(x @ coef.T + intercept)))


def fit_lexical(train: Comments) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The word model: vocabulary and idf from the training comments, then one regression per theme."""
    terms, idf = vocabulary(train.reading, MIN_DOCUMENTS)
    coef, intercept = fit(term_weights(train.reading, terms, idf), train.labels, LEXICAL_STRENGTH)
    return terms, idf, coef, intercept


def cross_validated(dev: Comments, extra: Comments) -> dict[tuple[float, float, float], tuple[float, float, list[float]]]:
    """For each strength, word-model share and threshold: core macro-F1 and all themes' macro-F1
    on each independent writer's comments by models trained on every other comment, averaged over
    those writers, and the core figure per writer."""
    writers = dev.held_out_writers
    if not writers:
        raise ValueError("the development part has no independently written part (nlp/eval/dev/round-N) to hold out")
    truth = [frozenset(t for t, v in zip(TAXONOMY, row) if v) for row in dev.labels]
    held = {writer: dev.writers == writer for writer in writers}
    training = {writer: dev.subset(~held[writer]) + extra for writer in writers}
    lexical = {}
    for writer in writers:
        terms, idf, coef, intercept = fit_lexical(training[writer])
        lexical[writer] = _probabilities(term_weights(dev.subset(held[writer]).reading, terms, idf), coef, intercept)
    results = {}
    for strength in STRENGTHS:
        semantic = {}
        for writer in writers:
            train = training[writer]
            semantic[writer] = _probabilities(dev.semantic[held[writer]], *fit(train.semantic, train.labels, strength))
        for share in LEXICAL_SHARES:
            for threshold in THRESHOLDS:
                per_writer = []
                for writer in writers:
                    blended = (1 - share) * semantic[writer] + share * lexical[writer]
                    predicted = [frozenset(t for t, s in zip(TAXONOMY, row) if s >= threshold) for row in blended]
                    scores = theme_scores([t for t, h in zip(truth, held[writer]) if h], predicted)
                    per_writer.append((core_macro_f1(scores), macro_f1(scores)))
                core, overall = np.mean(per_writer, axis=0)
                results[(strength, share, threshold)] = (float(core), float(overall), [round(c, 3) for c, _ in per_writer])
    return results


def fitted_weights(intercept, coef, terms, idf, lexical_intercept, lexical_coef) -> dict:
    """The two blended regressions' weights as the model file stores them, rounded so that a
    retrained file diffs readably (the flag model stores its weights the same way)."""
    return {
        "intercept": [round(float(v), 6) for v in intercept],
        "coef": [[round(float(v), 6) for v in row] for row in coef],
        "vocabulary": terms,
        "idf": [round(float(v), 5) for v in idf],
        "lexical_intercept": [round(float(v), 5) for v in lexical_intercept],
        "lexical_coef": [[round(float(v), 4) for v in row] for row in lexical_coef],
    }


def write_model(spec: dict, path: Path = MODEL_FILE) -> None:
    """One key a line, one matrix row a line: a readable diff when the model is retrained
    (nlp/train_flags.py writes its model this way too)."""
    lines = []
    for key, value in spec.items():
        if isinstance(value, list) and value and isinstance(value[0], list):
            rows = ",\n  ".join(json.dumps(row) for row in value)
            lines.append(f"{json.dumps(key)}: [\n  {rows}\n ]")
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value)}")
    path.write_text("{\n " + ",\n ".join(lines) + "\n}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", required=True, help="the model version stored with each comment it themes")
    args = parser.parse_args()
    _names, centroids = theme_centroids()
    dev, extra = prepared(centroids)
    results = cross_validated(dev, extra)
    # Core macro-F1 plus a quarter of all themes' macro-F1, to break near-ties.
    (strength, share, threshold), (core, overall, per_writer) = max(
        results.items(), key=lambda item: (round(item[1][0] + 0.25 * item[1][1], 6), -item[0][0], -item[0][1], -item[0][2]))
    everything = dev + extra
    coef, intercept = fit(everything.semantic, everything.labels, strength)
    terms, idf, lexical_coef, lexical_intercept = fit_lexical(everything)
    write_model({
        "version": args.version, "themes": list(TAXONOMY), "threshold": threshold, "C": strength,
        "lexical_share": share, "lexical_C": LEXICAL_STRENGTH,
        "features": "all-MiniLM-L6-v2 embedding (384), similarity to each theme's seed descriptions (11), "
                    f"taxonomy cue words (11); blended with words and word pairs in at least {MIN_DOCUMENTS} "
                    f"training comments (TF-IDF, {len(terms)} terms)",
        "trained_on": f"development part ({len(dev.reading)} hand-written comments) and "
                      f"{len(extra.reading)} template-generated ones",
        "cross_validated": {"held_out_writers": dev.held_out_writers, "core_macro_f1_per_writer": per_writer,
                            "core_macro_f1": round(core, 3), "macro_f1": round(overall, 3)},
        "centroids": [[round(float(v), 6) for v in row] for row in centroids],
        **fitted_weights(intercept, coef, terms, idf, lexical_intercept, lexical_coef),
    })
    print(f"C={strength} word-model share={share} threshold={threshold}: core macro-F1 {core:.3f} on a writer left out "
          f"(mean of {', '.join(f'{w} {c:.3f}' for w, c in zip(dev.held_out_writers, per_writer))}), all themes {overall:.3f}; "
          f"wrote {MODEL_FILE.name} ({args.version})")


if __name__ == "__main__":
    main()
