"""Data-driven topics beside the taxonomy: BERTopic, guided by the taxonomy's seed words.

Themes (nlp/themes.py) say *what kind* of comment it is, the same way in every wave; topics say
what this batch of comments is talking about in its own words ("overtime, rota, cover"). Each
topic is mapped onto the taxonomy theme whose seed descriptions lie nearest its centroid, so a
topic id that differs between runs never changes what a theme means. BERTopic needs a corpus of
some size (UMAP and HDBSCAN fail or put everything in the outlier topic on a pulse's 20 comments),
so smaller batches get no topic and rely on the themes alone.

Deterministic: UMAP has a fixed random_state (which also makes it single-threaded), HDBSCAN and
the vectoriser are deterministic, and the embeddings are passed in (read from the cache).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nlp.taxonomy import SEED_WORDS
from nlp.themes import nearest_theme

MIN_TOPIC_CORPUS = 200
TOPIC_WORDS = 5
RANDOM_STATE = 42
# Placeholders such as [PERSON] are redaction artefacts, not topic words.
TOKEN_PATTERN = r"(?u)\b(?!person\b|email\b|phone\b|staff_number\b|ni_number\b|postcode\b)[a-zA-Z][a-zA-Z-]+\b"


@dataclass(frozen=True)
class TopicAssignment:
    topic: str | None  # "<theme>: word, word, word"; None for outliers and small batches
    probability: float | None


@lru_cache(maxsize=1)
def _keep_umaps_compiled_code() -> None:
    """UMAP and the nearest-neighbour search it uses (pynndescent) compile most of their numba
    functions on first use in every process, paid again by every Airflow task process and worker.
    With numba's on-disk cache turned on for them (once per process), a later process loads the
    compiled code instead: the first topic model in a process took 20-22 s of CPU before, 9-10 s
    after, on a 2-core AMD EPYC. Numba keys the cache by the function's source file and signature
    and by the CPU, so an upgraded UMAP or another machine compiles again; where no cache
    directory is writable the function is compiled in memory, as before."""
    import sys

    import umap  # noqa: F401 - imports the numba functions (and pynndescent's), compiling none yet
    from numba.core.dispatcher import Dispatcher

    modules = [module for name, module in list(sys.modules.items()) if name.split(".")[0] in ("umap", "pynndescent")]
    for module in modules:
        for function in list(vars(module).values()):
            if isinstance(function, Dispatcher) and not function._cache.cache_path:
                try:
                    function.enable_caching()
                except RuntimeError:  # numba found no writable place for the cache
                    pass


def _model(corpus_size: int):
    _keep_umaps_compiled_code()
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    from nlp.embeddings import model as sentence_model

    return BERTopic(
        embedding_model=sentence_model(),
        # 200 layout epochs (UMAP's own choice above 10,000 points) at every size: below that UMAP
        # would spend 500, for clusters HDBSCAN finds just as well, at 2.5 times the cost.
        umap_model=UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=RANDOM_STATE,
                        n_jobs=1, n_epochs=200),
        hdbscan_model=HDBSCAN(min_cluster_size=max(10, corpus_size // 100), metric="euclidean",
                              cluster_selection_method="eom", prediction_data=True),
        vectorizer_model=CountVectorizer(stop_words="english", token_pattern=TOKEN_PATTERN, min_df=2),
        seed_topic_list=list(SEED_WORDS.values()),
        top_n_words=TOPIC_WORDS,
    )


def _frequent_words(texts: list[str]) -> list[str]:
    """The topic's most frequent words, most frequent first (stop words and placeholders left out)."""
    from sklearn.feature_extraction.text import CountVectorizer

    try:
        counts = CountVectorizer(stop_words="english", token_pattern=TOKEN_PATTERN).fit(texts)
    except ValueError:  # nothing but stop words
        return []
    totals = np.asarray(counts.transform(texts).sum(axis=0)).ravel()
    vocabulary = counts.get_feature_names_out()
    return [vocabulary[i] for i in sorted(range(len(vocabulary)), key=lambda i: (-totals[i], vocabulary[i]))]


def discover_topics(texts: list[str], vectors: np.ndarray) -> list[TopicAssignment]:
    """One assignment per text (redacted text and its embedding, in the same order)."""
    if len(texts) < MIN_TOPIC_CORPUS:
        return [TopicAssignment(None, None)] * len(texts)
    topic_model = _model(len(texts))
    # Guided modelling nudges the embeddings it is given in place: hand it a copy.
    topics, probabilities = topic_model.fit_transform(texts, embeddings=np.array(vectors, copy=True))
    topics = np.asarray(topics)
    labels: dict[int, str] = {}
    for topic_id in sorted(set(topics) - {-1}):
        members = vectors[topics == topic_id]
        centre = members.mean(axis=0)
        theme = nearest_theme(centre / np.linalg.norm(centre))
        # BERTopic pads a topic's key words with "" where c-TF-IDF scores a word 0 (common with
        # short, similar comments), which made labels such as "harassment: , , , ,".
        words = [word for word, _ in topic_model.get_topic(topic_id) if word.strip()][:TOPIC_WORDS]
        if len(words) < TOPIC_WORDS:
            words += [w for w in _frequent_words([t for t, member in zip(texts, topics == topic_id) if member])
                      if w not in words][:TOPIC_WORDS - len(words)]
        labels[topic_id] = f"{theme}: {', '.join(words)}" if words else theme
    return [TopicAssignment(labels[t], round(float(p), 4)) if t != -1 else TopicAssignment(None, None)
            for t, p in zip(topics, probabilities)]
