"""Free-text throughput: redaction, then embedding + theme + topic assignment, and a cached rerun.

    python bench/nlp.py                 # 2,000 and 20,000 comments
    python bench/nlp.py --sizes 2000

Comments are distinct pairs of sentences from the labelled evaluation set (tests/data), so the
embedding cache cannot shortcut the first run. Models are loaded and warmed up before timing.
Prints figures only: targets live in docs/performance.md, never as assertions.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def synthetic_comments(count: int, seed: int = 3) -> list[str]:
    rows = [json.loads(line)["text"] for line in (ROOT / "tests" / "data" / "comment_eval.jsonl").read_text().splitlines()]
    rng = random.Random(seed)
    pairs = set()
    while len(pairs) < count:
        pairs.add((rng.randrange(len(rows)), rng.randrange(len(rows))))
    return [f"{rows[a]} {rows[b]}" for a, b in sorted(pairs)]


def timed(work):
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20_000])
    args = parser.parse_args()

    from nlp.cache import cached_embeddings
    from nlp.embeddings import embed
    from nlp.redaction import redact_texts
    from nlp.themes import assign
    from nlp.topics import discover_topics
    from warehouse.db import get_engine, migrate

    warm = synthetic_comments(300, seed=99)
    discover_topics([r.text for r in redact_texts(warm)], embed(warm))  # loads models, JIT-compiles UMAP

    print(f"{'comments':>9}{'redact/s':>10}{'embed+theme+topic/s':>21}{'cached rerun/s':>16}{'speed-up':>10}")
    for size in args.sizes:
        comments = synthetic_comments(size)
        redacted, redact_s = timed(lambda: [r.text for r in redact_texts(comments)])
        url = f"sqlite:///{tempfile.mkdtemp(prefix='culture-bench-nlp-')}/warehouse.db"
        migrate(url)

        def themes_and_topics():
            with get_engine(url).begin() as connection:
                vectors, _ = cached_embeddings(connection, redacted)
            return assign(vectors), discover_topics(redacted, vectors)

        first, first_s = timed(themes_and_topics)
        again, again_s = timed(themes_and_topics)
        assert again == first
        print(f"{size:>9}{size / redact_s:>10.0f}{size / first_s:>21.0f}{size / again_s:>16.0f}{first_s / again_s:>9.1f}x")
    print("(CPU only; 'cached rerun' reads embeddings from the warehouse cache and refits topics)")


if __name__ == "__main__":
    main()
