"""Embeddings cached in the warehouse by hash of the redacted text: reruns and new pulses embed
only text never seen before."""
from __future__ import annotations

import hashlib

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from nlp.embeddings import embed
from warehouse.db import table

MODEL_NAME = "all-MiniLM-L6-v2"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached_embeddings(connection: Connection, texts: list[str]) -> tuple[np.ndarray, int]:
    """Embeddings for `texts` (rows in order) and how many had to be computed (in the caller's transaction)."""
    cache = table(connection.engine, "embedding_cache")
    hashes = [text_hash(t) for t in texts]
    wanted = sorted(set(hashes))
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(wanted), 2000):
        chunk = wanted[start:start + 2000]
        for row in connection.execute(sa.select(cache.c.text_hash, cache.c.vector).where(
                cache.c.model == MODEL_NAME, cache.c.text_hash.in_(chunk))):
            found[row.text_hash] = np.frombuffer(row.vector, dtype=np.float32)
    missing = [h for h in wanted if h not in found]
    if missing:
        text_of = dict(zip(hashes, texts))
        vectors = embed([text_of[h] for h in missing]).astype(np.float32)
        connection.execute(sa.insert(cache), [
            {"text_hash": h, "model": MODEL_NAME, "vector": v.tobytes()} for h, v in zip(missing, vectors)])
        found.update(zip(missing, vectors))
    return (np.vstack([found[h] for h in hashes]) if hashes else np.zeros((0, 384), np.float32)), len(missing)
