"""Assigns comments to the taxonomy by embedding similarity to each theme's seed descriptions.

This is the path for every corpus size (a pulse may bring 20 comments); BERTopic's data-driven
topics are added beside it for large corpora. Deterministic: the same text always gets the same
theme, and adding comments never changes earlier ones.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nlp.embeddings import embed
from nlp.taxonomy import OTHER, TAXONOMY

MIN_SIMILARITY = 0.2


@dataclass(frozen=True)
class ThemeAssignment:
    theme: str
    similarity: float


@lru_cache(maxsize=1)
def theme_centroids() -> tuple[tuple[str, ...], np.ndarray]:
    names = tuple(TAXONOMY)
    centroids = []
    for name in names:
        seeds = embed(TAXONOMY[name])
        centre = seeds.mean(axis=0)
        centroids.append(centre / np.linalg.norm(centre))
    return names, np.vstack(centroids)


def assign(vectors: np.ndarray) -> list[ThemeAssignment]:
    names, centroids = theme_centroids()
    if len(vectors) == 0:
        return []
    similarity = vectors @ centroids.T
    best = similarity.argmax(axis=1)
    # Rounded: batch padding moves similarities in the 7th decimal, which must not show as a change.
    return [ThemeAssignment(names[b] if s[b] >= MIN_SIMILARITY else OTHER, round(float(s[b]), 4))
            for b, s in zip(best, similarity)]


def assign_themes(texts: list[str]) -> list[ThemeAssignment]:
    return assign(embed(texts))
