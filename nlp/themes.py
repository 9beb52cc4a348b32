"""Assigns each comment every taxonomy theme its text supports, with a score each.

Two small logistic-regression classifiers per theme (nlp/theme_model.json, trained by
`python -m nlp.train_themes` on the development part of the hand-written labelled set): one reads
the comment's MiniLM embedding, its similarity to each theme's seed descriptions and which of the
taxonomy's cue words it uses; the other its words and word pairs (nlp/lexical.py). Their scores
are blended, and a theme whose blended score reaches the model's threshold is assigned; a comment with none is "other". Clauses that deny a
problem ("I have never been bullied here, but...") are left out first, so a denial never counts
as the theme it denies; a plain statement that one happened ("I have been bullied here") counts
as its theme whatever the score (`stated_experiences`).

Deterministic: the same text always gets the same themes under the same model version, and adding
comments never changes earlier ones. The stored model version travels with each comment, so a new
model changes earlier comments only through the explicit re-theming command (`culture retheme`).

Topics (nlp/topics.py) have no text of their own, only a centroid: they are named after the
nearest seed description (`nearest_theme`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from nlp.embeddings import embed
from nlp.lexical import term_weights
from nlp.taxonomy import CUES, DENIABLE_CUES, EXPERIENCED, OTHER, TAXONOMY

MODEL_FILE = Path(__file__).resolve().parent / "theme_model.json"
MIN_SIMILARITY = 0.2  # a topic centroid further than this from every theme is "other"

_CUE_PATTERNS = {theme: re.compile(r"\b(" + "|".join(words) + r")\b", re.I) for theme, words in CUES.items()}
_NEGATED = re.compile(
    r"\b(never|not|no|nobody|none|haven't|hasn't|hadn't|wasn't|weren't|isn't|aren't|didn't|without)\b"
    r"(\W+\w+){0,4}?\W+(" + "|".join(DENIABLE_CUES) + r")\b", re.I)
# Clauses end at sentence punctuation, commas and dashes, and before "but", "though" and "however".
_CLAUSE = re.compile(r"[^.!?;,\u2013\u2014-]+(?:[.!?;,\u2013\u2014-]+|$)|[.!?;,\u2013\u2014-]+")
_TURN = re.compile(r"\b(?=but\b|though\b|although\b|however\b)", re.I)
_SUFFERER = (r"\b(?:i|i've|ive|i'm|im|we|we've|me|my colleagues?|colleagues|staff)\s+(?:have\s+|has\s+|had\s+)?"
             r"(?:been|was|were|am|are|being|got|get|getting|felt|feel)\s+(?:\w+\s+){0,2}?")
_STATED = {theme: re.compile(rf"{_SUFFERER}(?:{done})\b|\b(?:{doing})\s+(?:me|us)\b", re.I)
           for theme, (done, doing) in EXPERIENCED.items()}
# "If I was ever harassed...", "people keep asking if I've been bullied": not a statement that it happened.
_HYPOTHETICAL = re.compile(r"\b(if|whether|ask|asks|asking|asked|would|wonder|wondered)\b", re.I)


@dataclass(frozen=True)
class ThemeAssignment:
    theme: str  # the main theme: the highest-scoring one assigned, or "other"
    similarity: float  # the main theme's score
    themes: tuple[tuple[str, float], ...] = ()  # every theme assigned, highest score first


def theme_text(text: str) -> str:
    """The text the themes are read from: `text` without the clauses that deny a problem."""
    if not _NEGATED.search(text):
        return text
    kept = [clause for piece in _TURN.split(text) for clause in _CLAUSE.findall(piece)
            if clause.strip() and not _NEGATED.search(clause)]
    return " ".join(c.strip() for c in kept if re.search(r"\w", c))


def stated_experiences(text: str) -> set[str]:
    """The core themes a text says happened to the writer or their colleagues ("I have been
    bullied", "he harasses me"), outside a question or a hypothetical in the same sentence."""
    found = set()
    for theme, pattern in _STATED.items():
        for match in pattern.finditer(text):
            if not _HYPOTHETICAL.search(re.split(r"[.!?]", text[:match.start()])[-1]):
                found.add(theme)
                break
    return found


def cue_features(texts: list[str]) -> np.ndarray:
    """1 where a text uses a theme's cue words (columns in taxonomy order)."""
    return np.array([[1.0 if _CUE_PATTERNS[t].search(text) else 0.0 for t in TAXONOMY] for text in texts],
                    dtype=np.float32).reshape(len(texts), len(TAXONOMY))


def features(vectors: np.ndarray, texts: list[str], centroids: np.ndarray) -> np.ndarray:
    """Embedding, similarity to each theme's seed descriptions, and cue words."""
    return np.hstack([vectors, vectors @ centroids.T, cue_features(texts)])


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits))


@dataclass(frozen=True)
class ThemeModel:
    version: str
    themes: tuple[str, ...]
    threshold: float
    centroids: np.ndarray  # stored with the weights: editing a seed description needs a new version
    coef: np.ndarray
    intercept: np.ndarray
    vocabulary: tuple[str, ...]
    idf: np.ndarray
    lexical_coef: np.ndarray
    lexical_intercept: np.ndarray
    lexical_share: float  # the word model's weight in the blended score

    def scores(self, vectors: np.ndarray, texts: list[str]) -> np.ndarray:
        semantic = _sigmoid(features(vectors, texts, self.centroids) @ self.coef.T + self.intercept)
        lexical = _sigmoid(term_weights(texts, self.vocabulary, self.idf) @ self.lexical_coef.T + self.lexical_intercept)
        return (1 - self.lexical_share) * semantic + self.lexical_share * lexical


@lru_cache(maxsize=1)
def theme_model() -> ThemeModel:
    spec = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    if tuple(spec["themes"]) != tuple(TAXONOMY):
        raise ValueError(f"{MODEL_FILE.name} was trained for other themes: retrain with python -m nlp.train_themes")
    arrays = {k: np.asarray(spec[k], dtype=np.float64)
              for k in ("centroids", "coef", "intercept", "idf", "lexical_coef", "lexical_intercept")}
    return ThemeModel(spec["version"], tuple(spec["themes"]), float(spec["threshold"]), arrays["centroids"],
                      arrays["coef"], arrays["intercept"], tuple(spec["vocabulary"]), arrays["idf"],
                      arrays["lexical_coef"], arrays["lexical_intercept"], float(spec["lexical_share"]))


def model_version() -> str:
    return theme_model().version


def assign(vectors: np.ndarray, texts: list[str]) -> list[ThemeAssignment]:
    """Themes for texts already passed through `theme_text`, given their embeddings (same order)."""
    if len(vectors) == 0:
        return []
    model = theme_model()
    # Rounded: batch padding moves an embedding in the 7th decimal, which must not show as a change.
    scores = np.round(model.scores(vectors.astype(np.float64), texts), 4)
    for row, text in enumerate(texts):
        # The word model learnt that "bullied" is often said harmlessly (training, the news,
        # denials): a plain statement that it happened must not depend on the balance of those.
        for theme in stated_experiences(text):
            column = model.themes.index(theme)
            scores[row, column] = max(scores[row, column], model.threshold)
    assignments = []
    for text, row in zip(texts, scores):
        chosen = sorted(((model.themes[i], float(s)) for i, s in enumerate(row) if s >= model.threshold),
                        key=lambda pair: (-pair[1], pair[0])) if text.strip() else []
        main, score = chosen[0] if chosen else (OTHER, float(row.max()) if text.strip() else 0.0)
        assignments.append(ThemeAssignment(main, score, tuple(chosen)))
    return assignments


def assign_themes(texts: list[str]) -> list[ThemeAssignment]:
    """Themes for redacted comments, embedding them here (the pipeline reads embeddings from its cache)."""
    reading = [theme_text(t) for t in texts]
    return assign(embed(reading), reading)


@lru_cache(maxsize=1)
def theme_centroids() -> tuple[tuple[str, ...], np.ndarray]:
    names = tuple(TAXONOMY)
    centroids = []
    for name in names:
        centre = embed(TAXONOMY[name]).mean(axis=0)
        centroids.append(centre / np.linalg.norm(centre))
    return names, np.vstack(centroids)


def nearest_theme(vector: np.ndarray) -> str:
    """The theme whose seed descriptions lie nearest a unit vector (a topic's centroid)."""
    names, centroids = theme_centroids()
    similarity = centroids @ vector
    best = int(similarity.argmax())
    return names[best] if similarity[best] >= MIN_SIMILARITY else OTHER
