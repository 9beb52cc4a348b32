"""Free-text throughput: each stage on its own, then the pipeline's comment step and its rerun.

    python bench/nlp.py                 # 2,000 and 20,000 comments
    python bench/nlp.py --sizes 2000

Stages (models loaded and warmed up first, UMAP's compiled code included): redaction; theming
(embedding, denials left out, the theme classifier); BERTopic topic discovery; and theming again with the
embeddings read from the warehouse cache. Comments are distinct pairs of sentences from the
labelled evaluation set (tests/data), so no cache can shortcut a first run.

Pipeline step: a people-survey wave is ingested into a scratch SQLite warehouse, its comments are
replaced by as many distinct synthetic ones, and `process_comments` runs twice: the first run
redacts, embeds, themes and models everything; the rerun finds nothing new.

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

from harness import peak_mb, sample_warehouse  # noqa: E402  (bench/ beside this script)
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# The sample generator's fifth of respondents who comment write 0.32 comments each on average;
# the exact count is printed.
COMMENTS_PER_RESPONDENT = 0.32


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


def warm_up(largest: int) -> None:
    from nlp.embeddings import embed
    from nlp.redaction import redact_texts
    from nlp.topics import discover_topics

    # Past 4,096 points UMAP switches to nearest-neighbour descent, compiled on first use.
    for size in (300, 5000) if largest > 4096 else (300,):
        texts = synthetic_comments(size, seed=99)
        discover_topics([r.text for r in redact_texts(texts)], embed(texts))


def stage_figures(size: int) -> dict:
    from nlp.cache import cached_embeddings
    from nlp.comments import assign_cached
    from nlp.redaction import redact_texts
    from nlp.topics import discover_topics
    from warehouse.db import get_engine, migrate

    comments = synthetic_comments(size)
    redacted, redact_s = timed(lambda: [r.text for r in redact_texts(comments)])
    url = f"sqlite:///{tempfile.mkdtemp(prefix='culture-bench-nlp-')}/warehouse.db"
    migrate(url)

    def theme():
        with get_engine(url).begin() as connection:
            vectors, _ = cached_embeddings(connection, redacted)
            return vectors, assign_cached(connection, redacted, vectors)

    (vectors, first), theme_s = timed(theme)
    (_, again), cached_s = timed(theme)
    assert again == first
    _, topic_s = timed(lambda: discover_topics(redacted, vectors))
    return {"redact_s": redact_s, "theme_s": theme_s, "topic_s": topic_s, "cached_theme_s": cached_s}


def pipeline_figures(size: int) -> dict:
    import sqlalchemy as sa

    from nlp.comments import process_comments
    from pipelines.ingest.sources import comment_sources
    from pipelines.orchestration import flow
    from warehouse.db import get_engine

    settings = sample_warehouse(Path(tempfile.mkdtemp(prefix="culture-bench-nlp-")), int(size / COMMENTS_PER_RESPONDENT))
    flow.ingest(settings, "people_survey", flow.find_landed_files(settings, "people_survey"))
    engine = get_engine(settings.warehouse_url)
    with engine.begin() as connection:
        keys = connection.execute(sa.text("SELECT wave_id, respondent_id, question FROM raw_survey_comment")).all()
        connection.execute(
            sa.text("UPDATE raw_survey_comment SET text = :text WHERE wave_id = :w AND respondent_id = :r AND question = :q"),
            [{"text": text, "w": w, "r": r, "q": q} for (w, r, q), text in zip(keys, synthetic_comments(len(keys)))])
    first, first_s = timed(lambda: process_comments(engine, 10, comment_sources()))
    again, again_s = timed(lambda: process_comments(engine, 10, comment_sources()))
    assert first["processed"] == len(keys) and again["processed"] == 0
    return {"comments": len(keys), "first_s": first_s, "rerun_s": again_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20_000])
    args = parser.parse_args()
    from nlp.embeddings import precision
    from nlp.redaction import worker_processes

    warm_up(max(args.sizes))
    print(f"stages, comments per second (embeddings in {precision()}, redaction in "
          f"{worker_processes(max(args.sizes))} process(es) for the largest batch):")
    print(f"{'comments':>9}{'redact':>9}{'theme':>9}{'redact+theme':>14}{'topics':>9}{'all':>9}"
          f"{'theme (cached)':>16}{'speed-up':>10}{'wall s':>8}{'peak MB':>9}")
    for size in args.sizes:
        s = stage_figures(size)
        both = s["redact_s"] + s["theme_s"]
        print(f"{size:>9}{size / s['redact_s']:>9.0f}{size / s['theme_s']:>9.0f}{size / both:>14.0f}"
              f"{size / s['topic_s']:>9.0f}{size / (both + s['topic_s']):>9.0f}"
              f"{size / s['cached_theme_s']:>16.0f}{s['theme_s'] / s['cached_theme_s']:>9.0f}x"
              f"{both + s['topic_s'] + s['cached_theme_s']:>8.1f}{peak_mb():>9}")
    print("\npipeline comment step (process_comments on SQLite), seconds:")
    print(f"{'comments':>9}{'first run':>11}{'per second':>12}{'rerun':>9}{'speed-up':>10}{'peak MB':>9}")
    for size in args.sizes:
        p = pipeline_figures(size)
        print(f"{p['comments']:>9}{p['first_s']:>11.1f}{p['comments'] / p['first_s']:>12.0f}{p['rerun_s']:>9.2f}"
              f"{p['first_s'] / p['rerun_s']:>9.0f}x{peak_mb():>9}")
    print("(CPU only; the first pipeline run includes loading comments, flags, prevalence and disclosure control;"
          " peak MB is this process's largest resident set so far, spaCy's worker processes not counted)")


if __name__ == "__main__":
    main()
