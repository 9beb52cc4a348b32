"""The learned safeguarding flag (nlp/flag_model.json) on real MiniLM embeddings: it raises harm
described in words no rule knows, leaves ordinary comments alone, and the rules stay a floor.
Recall and precision on the labelled set are printed by bench/nlp_quality.py, not asserted."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from nlp import sensitive
from nlp.embeddings import embed
from nlp.redaction import Redaction, redact_texts
from nlp.sensitive import FLAG_MODEL_FILE, FLAG_MODEL_VERSION, REASONS, flag_model, flag_reasons, rule_reasons
from nlp.train_flags import threshold_for_recall


def _flags(texts: list[str]) -> list[list[str]]:
    """flag_reasons as the pipeline calls it: the raw text, names counted by redaction, the redacted text's embedding."""
    redacted = redact_texts(texts)
    vectors = embed([r.text for r in redacted])
    return [flag_reasons(text, r, v) for text, r, v in zip(texts, redacted, vectors)]


INDIRECT = [
    # Written for this test in the development part's manner; no rule matches either.
    "He keeps sending me messages late at night saying he can't stop thinking about my body.",
    "My team leader keeps turning up at my house at weekends and sitting outside in his car.",
]


def test_the_model_flags_harm_no_rule_matches_with_a_possible_reason():
    assert all(rule_reasons(text, 0) == [] for text in INDIRECT)
    for reasons in _flags(INDIRECT):
        assert reasons and all(r.startswith("possible_") and r.removeprefix("possible_") in REASONS for r in reasons)


def test_the_model_adds_the_reasons_a_rule_did_not_find():
    """A named sergeant's bullying is a rule's reason; the threat to a career that follows it no
    rule knows, and it must reach the safeguarding lead too, as the model's possible reason."""
    text = "Sergeant Cole bullied me for months and told me he would make sure I never got promoted if I complained."
    reasons, = _flags([text])
    assert rule_reasons(text, 1) == ["named_person_misconduct"] == reasons[:1]
    assert "possible_threat_or_assault" in reasons and "possible_named_person_misconduct" not in reasons


@pytest.mark.parametrize("text", [
    "It would be career suicide to raise anything with senior leadership here.",
    "The safeguarding course covered threats to staff and how to report them properly.",
    "We had a fire drill and the whole building was evacuated in four minutes.",
    "My manager is brilliant and always makes time for a chat about how I'm doing.",
    "The new case management system keeps crashing and we lose hours of work.",
])
def test_hard_negatives_stay_unflagged(text):
    assert _flags([text]) == [[]]


def test_a_rule_match_is_flagged_whatever_the_model_scores(monkeypatch):
    text = "Priya shouted at me again."
    redaction = Redaction("[PERSON] shouted at me again.", {"PERSON": 1})
    vector = embed([redaction.text])[0]
    unreachable = dataclasses.replace(flag_model(), threshold=1.01)  # a model that flags nothing
    monkeypatch.setattr(sensitive, "flag_model", lambda: unreachable)
    assert flag_reasons("Priya was kind to me again.", redaction, vector) == []
    assert flag_reasons(text, redaction, vector) == ["named_person_misconduct"]


def test_the_model_file_is_the_version_the_code_reads():
    spec = json.loads(FLAG_MODEL_FILE.read_text(encoding="utf-8"))
    assert spec["version"] == FLAG_MODEL_VERSION == flag_model().version
    assert tuple(spec["reasons"]) == REASONS
    model = flag_model()
    assert model.coef.shape == (len(REASONS), 384 + len(REASONS) + 1)
    assert model.lexical_coef.shape == (len(REASONS), len(model.vocabulary)) == (len(REASONS), len(model.idf))
    assert 0 <= model.lexical_share < 1 and 0 < model.threshold < 1


def test_a_model_file_of_another_version_is_refused(tmp_path, monkeypatch):
    spec = json.loads(FLAG_MODEL_FILE.read_text(encoding="utf-8"))
    stale = tmp_path / "flag_model.json"
    stale.write_text(json.dumps({**spec, "version": "flags-lr-0"}), encoding="utf-8")
    monkeypatch.setattr(sensitive, "FLAG_MODEL_FILE", stale)
    flag_model.cache_clear()
    try:
        with pytest.raises(ValueError, match="retrain"):
            flag_model()
    finally:
        flag_model.cache_clear()


def test_the_threshold_is_the_highest_that_keeps_the_recall_aimed_at():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    labels = np.array([1, 0, 1, 1, 0, 1])
    assert threshold_for_recall(scores, labels, 0.75) == 0.6
    assert threshold_for_recall(scores, labels, 1.0) == 0.4
