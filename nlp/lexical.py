"""Words and word pairs as features (TF-IDF), the part of the theme classifier that reads wording.

The sentence embedding captures what a comment is about but blurs the wording that separates
neighbouring themes ("cover" and "vacancies" from "covering letter"; "eye rolling" from an eye
test); a linear model on word and word-pair weights reads it. Written out here rather than kept as a
fitted scikit-learn object so that the weights live in nlp/theme_model.json beside the rest of
the model and score the same in any environment.
"""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def terms(text: str) -> list[str]:
    """Lower-cased words of two or more characters, then each adjacent pair."""
    words = _TOKEN.findall(text.lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def vocabulary(texts: list[str], min_documents: int) -> tuple[list[str], np.ndarray]:
    """The terms used in at least `min_documents` texts, sorted, and their smoothed inverse document frequency."""
    documents = Counter(term for text in texts for term in set(terms(text)))
    kept = sorted(term for term, count in documents.items() if count >= min_documents)
    idf = np.array([math.log((1 + len(texts)) / (1 + documents[term])) + 1 for term in kept])
    return kept, idf


def term_weights(texts: list[str], vocabulary_: list[str] | tuple[str, ...], idf: np.ndarray) -> np.ndarray:
    """One row per text: (1 + log count) × idf for each vocabulary term, scaled to unit length."""
    index = {term: i for i, term in enumerate(vocabulary_)}
    matrix = np.zeros((len(texts), len(vocabulary_)))
    for row, text in enumerate(texts):
        for term, count in Counter(t for t in terms(text) if t in index).items():
            matrix[row, index[term]] = (1 + math.log(count)) * idf[index[term]]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)
