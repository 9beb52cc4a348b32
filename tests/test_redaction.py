"""Redaction of personal data, measured on a labelled evaluation set (tests/data/comment_eval.jsonl)."""
from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from pathlib import Path

import pytest

from nlp.redaction import PLACEHOLDER_TYPES, redact, redact_texts, usable_cores, worker_processes

EVAL = Path(__file__).resolve().parent / "data" / "comment_eval.jsonl"


@pytest.fixture(scope="module")
def evaluation():
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]
    return rows, redact_texts([r["text"] for r in rows])


def test_the_evaluation_set_is_big_and_varied(evaluation):
    rows, _ = evaluation
    assert len(rows) >= 300
    kinds = Counter(p["type"] for r in rows for p in r["pii"])
    assert set(kinds) == {"PERSON", "EMAIL", "PHONE", "STAFF_NUMBER", "NI_NUMBER", "POSTCODE"}


def test_recall_is_at_least_95_percent_for_each_kind_of_personal_data(evaluation):
    rows, redacted = evaluation
    caught, total = Counter(), Counter()
    for row, result in zip(rows, redacted):
        for pii in row["pii"]:
            total[pii["type"]] += 1
            caught[pii["type"]] += pii["value"] not in result.text
    for kind in total:
        assert caught[kind] / total[kind] >= 0.95, f"{kind}: {caught[kind]}/{total[kind]}"


def test_at_most_2_percent_of_other_words_are_removed(evaluation):
    rows, redacted = evaluation
    removed = kept_total = 0
    for row, result in zip(rows, redacted):
        text = row["text"]
        for pii in row["pii"]:
            text = text.replace(pii["value"], "")
        words = text.split()
        remaining = set(result.text.split())
        kept_total += len(words)
        removed += sum(word not in remaining for word in words)
    assert removed / kept_total <= 0.02, f"{removed} of {kept_total} ordinary words removed"


def test_placeholders_are_typed_and_only_counts_are_recorded():
    result = redact("Ask Sarah Jenkins (s.jenkins@agency.gov.uk, 07700 900123, staff no AB123456, NI QQ 12 34 56 C, SW1A 1AA).")
    for kind in PLACEHOLDER_TYPES:
        assert f"[{kind}]" in result.text, kind
    assert result.counts == {kind: 1 for kind in PLACEHOLDER_TYPES}
    assert "Jenkins" not in result.text and "900123" not in result.text


def test_ordinary_comments_are_untouched():
    text = "Workload is unmanageable since 2023: 40 cases each and two vacancies in the team."
    assert redact(text).text == text


def test_worker_processes_redact_exactly_as_one_process_does(evaluation, monkeypatch):
    rows, alone = evaluation
    monkeypatch.setenv("CULTURE_NLP_PROCESSES", "2")
    assert redact_texts([r["text"] for r in rows]) == alone


def test_worker_processes_follow_the_batch_size_and_the_setting(monkeypatch):
    monkeypatch.delenv("CULTURE_NLP_PROCESSES", raising=False)
    assert worker_processes(20) == 1, "a pulse-sized batch is not worth a second process"
    assert worker_processes(100_000) == usable_cores()
    monkeypatch.setenv("CULTURE_NLP_PROCESSES", "2")
    assert worker_processes(20) == 2
    monkeypatch.setenv("CULTURE_NLP_PROCESSES", "two")
    with pytest.raises(ValueError, match="CULTURE_NLP_PROCESSES must be a whole number"):
        worker_processes(100_000)


def test_only_forked_worker_processes_are_used(monkeypatch):
    monkeypatch.setenv("CULTURE_NLP_PROCESSES", "2")
    monkeypatch.setattr(multiprocessing, "get_start_method", lambda: "spawn")
    assert worker_processes(100_000) == 1, "a spawned child would not know the pipeline's own component"
