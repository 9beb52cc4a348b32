"""Theme assignment against the documented taxonomy, on the labelled evaluation set."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sklearn.metrics import f1_score

from nlp.cache import cached_embeddings
from nlp.embeddings import embed
from nlp.redaction import redact_texts
from nlp.taxonomy import CORE_THEMES, TAXONOMY
from nlp.themes import assign, assign_themes
from warehouse.db import get_engine, migrate

EVAL = Path(__file__).resolve().parent / "data" / "comment_eval.jsonl"


@pytest.fixture(scope="module")
def labelled():
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]
    # Themes are assigned to redacted text, as in the pipeline.
    return [r.text for r in redact_texts([row["text"] for row in rows])], [row["theme"] for row in rows]


def test_macro_f1_on_bullying_harassment_discrimination_and_workload(labelled):
    texts, truth = labelled
    predicted = [a.theme for a in assign_themes(texts)]
    assert f1_score(truth, predicted, labels=list(CORE_THEMES), average="macro") >= 0.8


def test_the_same_comments_get_the_same_themes_every_time(labelled):
    texts, _ = labelled
    assert assign_themes(texts[:60]) == assign_themes(texts[:60])


def test_new_comments_do_not_change_the_themes_of_earlier_ones(labelled, sqlite_url):
    """Exactly so through the embedding cache, as the pipeline embeds: the model alone (in bfloat16
    especially) moves a similarity in the fourth decimal when the batch around a text changes."""
    texts, _ = labelled
    migrate(sqlite_url)
    with get_engine(sqlite_url).begin() as connection:
        earlier = assign(cached_embeddings(connection, texts[:40])[0])
    with get_engine(sqlite_url).begin() as connection:
        together = assign(cached_embeddings(connection, texts[:40] + texts[200:260])[0])
    assert together[:40] == earlier
    assert [a.theme for a in assign_themes(texts[:40] + texts[200:260])[:40]] == [a.theme for a in earlier]


def test_a_small_corpus_is_fine():
    themes = assign_themes(["Far too much work.", "My manager bullies and humiliates me."])
    assert [t.theme for t in themes] == ["workload", "bullying"]
    assert assign_themes([]) == []


def test_taxonomy_covers_the_themes_the_issue_names():
    required = {"bullying", "harassment", "discrimination", "workload", "it_tools", "leadership_change",
                "line_management", "learning_development", "pay", "recognition", "wellbeing"}
    assert required <= set(TAXONOMY)


def test_embedding_precision_is_a_setting_and_bfloat16_stays_close(labelled, monkeypatch):
    texts = labelled[0][:20]
    monkeypatch.setenv("CULTURE_EMBEDDING_PRECISION", "float32")
    full = embed(texts)
    monkeypatch.setenv("CULTURE_EMBEDDING_PRECISION", "bfloat16")
    half = embed(texts)
    assert half.dtype == full.dtype == "float32"
    assert (full * half).sum(axis=1).min() > 0.999
    monkeypatch.setenv("CULTURE_EMBEDDING_PRECISION", "half")
    with pytest.raises(ValueError, match="CULTURE_EMBEDDING_PRECISION must be one of auto, float32, bfloat16"):
        embed(texts)
