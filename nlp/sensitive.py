"""Comments a safeguarding lead must see, and HR analysts must not: flagged by explicit rules and
by a small learned model, which adds the reasons the rules did not find.

The rules read the raw text (before redaction), since the safeguarding lead needs to act on it. The
phrases are the ones the theme cues read too (nlp/harm_phrases.py, nlp/taxonomy.py), so a phrase
added for one is used by both. The rules are a floor: a comment a rule matches is always flagged.

The model (nlp/flag_model.json, trained by `python -m nlp.train_flags` on the development part of
the labelled set) scores each reason twice and blends the two, as the theme model does: once from
the comment's MiniLM embedding, the one the pipeline already computed and cached for theming (of
the redacted text: the cache keeps no vector of raw text, which is purged, and placeholders stand
where names were), with how often the reason's phrases occur; once from the redacted text's words
and word pairs. It catches harm described without the words the rules know ("stockpiling my
tablets"). Each reason the model scores high enough and no rule raised is added, prefixed
"possible_" (e.g. "possible_self_harm"), so the safeguarding lead can tell a learned guess from a
matched rule.

Every flagged comment goes to the restricted raw_flagged_comment table. A comment a rule flags never
reaches an hr_* view. A comment only the model flags stays in them, redacted, as it would without
the model: about a third of its guesses are wrong (cross-validated), and taking them out of the views
would take a large share of the bullying and harassment comments out of the figures the culture
team reads (in the demo, bullying comments fell from 14% to 8% of the survey's), so the model
only adds a copy for the safeguarding lead (`withheld_from_analysts`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from nlp.harm_phrases import ASSAULT, DISHONESTY, SELF_HARM, SEXUAL_CONDUCT, THREATS, UNWANTED_TOUCHING
from nlp.lexical import term_weights
from nlp.redaction import Redaction
from nlp.taxonomy import CUES

FLAG_MODEL_FILE = Path(__file__).resolve().parent / "flag_model.json"
# The model file this code reads; a retrained file with another layout needs this raised with it.
FLAG_MODEL_VERSION = "flags-lr-6"
MODEL_REASON_PREFIX = "possible_"


def _any_of(phrases: list[str]) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(phrases) + r")\b", re.I)


RULES: dict[str, re.Pattern] = {
    "sexual_harassment_or_assault": _any_of(SEXUAL_CONDUCT + UNWANTED_TOUCHING),
    "threat_or_assault": _any_of(THREATS + ASSAULT),
    "self_harm": _any_of(SELF_HARM),
}
NAMED_PERSON_MISCONDUCT = "named_person_misconduct"
# Misconduct by a named person: the taxonomy's bullying and harassment cues (one list, so a
# word added there is flagged here too), racism, abuse and dishonesty.
MISCONDUCT = _any_of(CUES["bullying"] + CUES["harassment"] + DISHONESTY)
REASONS = (*RULES, NAMED_PERSON_MISCONDUCT)


def rule_reasons(raw_text: str, persons_named: int) -> list[str]:
    """The reasons the explicit rules find in a raw comment (empty when none matches)."""
    reasons = [name for name, rule in RULES.items() if rule.search(raw_text)]
    if persons_named and MISCONDUCT.search(raw_text):
        reasons.append(NAMED_PERSON_MISCONDUCT)
    return reasons


# The phrases each reason's rule reads; the model counts them too, since a phrase that falls short
# of a rule's match (a threat word without its object, a misconduct word without a name) still says something.
REASON_PHRASES: dict[str, re.Pattern] = {**RULES, NAMED_PERSON_MISCONDUCT: MISCONDUCT}


def cue_counts(raw_text: str, persons_named: int) -> np.ndarray:
    """log(1 + how often each reason's phrases occur in the raw comment), in `REASONS` order, then 1 when a name was redacted."""
    counts = [np.log1p(len(REASON_PHRASES[reason].findall(raw_text))) for reason in REASONS]
    return np.array(counts + [1.0 if persons_named else 0.0])


def _sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-logits))


@dataclass(frozen=True)
class FlagModel:
    version: str
    reasons: tuple[str, ...]
    threshold: float  # on the highest reason's blended probability
    coef: np.ndarray  # per reason (rows in `reasons` order): logistic regression on the embedding and `cue_counts`
    intercept: np.ndarray
    vocabulary: tuple[str, ...]  # the word model (nlp/lexical.py) on the redacted text
    idf: np.ndarray
    lexical_coef: np.ndarray
    lexical_intercept: np.ndarray
    lexical_share: float  # the word model's weight in the blended score

    def reason_scores(self, raw_texts: list[str], redactions: list[Redaction], vectors: np.ndarray) -> np.ndarray:
        """One row per comment: the blended probability of each reason (columns in `reasons` order).
        `vectors` are the redacted texts' embeddings; rounded, as theme scores are, so that batch
        padding's movement in an embedding's 7th decimal never moves a flag."""
        cues = np.array([cue_counts(raw, red.counts.get("PERSON", 0)) for raw, red in zip(raw_texts, redactions)])
        semantic = _sigmoid(np.hstack([np.asarray(vectors, dtype=np.float64), cues]) @ self.coef.T + self.intercept)
        words = term_weights([red.text for red in redactions], self.vocabulary, self.idf)
        lexical = _sigmoid(words @ self.lexical_coef.T + self.lexical_intercept)
        return np.round((1 - self.lexical_share) * semantic + self.lexical_share * lexical, 4)


@lru_cache(maxsize=1)
def flag_model() -> FlagModel:
    spec = json.loads(FLAG_MODEL_FILE.read_text(encoding="utf-8"))
    if spec["version"] != FLAG_MODEL_VERSION or tuple(spec["reasons"]) != REASONS:
        raise ValueError(f"{FLAG_MODEL_FILE.name} is not the model this code reads: retrain with python -m nlp.train_flags")
    arrays = {key: np.asarray(spec[key], dtype=np.float64)
              for key in ("coef", "intercept", "idf", "lexical_coef", "lexical_intercept")}
    return FlagModel(spec["version"], tuple(spec["reasons"]), float(spec["threshold"]), arrays["coef"],
                     arrays["intercept"], tuple(spec["vocabulary"]), arrays["idf"], arrays["lexical_coef"],
                     arrays["lexical_intercept"], float(spec["lexical_share"]))


def withheld_from_analysts(reasons: list[str]) -> bool:
    """Whether flagging keeps the comment out of every hr_* view: a rule's reason does, the
    model's "possible_" guess does not (see the module's docstring)."""
    return any(not reason.startswith(MODEL_REASON_PREFIX) for reason in reasons)


def flag_reasons(raw_text: str, redaction: Redaction, vector: np.ndarray) -> list[str]:
    """Why a comment needs safeguarding attention (empty when it does not): the rules' reasons, then
    each other reason the model scores at or above its threshold, likeliest first, marked as possible.
    A comment often carries more than one (a named manager who also threatens), and a rule that
    finds one must not hide the others from the safeguarding lead.
    `redaction` is the comment's (nlp.redaction.redact_texts) and `vector` its text's embedding."""
    reasons = rule_reasons(raw_text, redaction.counts.get("PERSON", 0))
    model = flag_model()
    scores = model.reason_scores([raw_text], [redaction], vector[np.newaxis, :])[0]
    likeliest_first = sorted(zip(scores, model.reasons), key=lambda pair: -pair[0])
    return reasons + [MODEL_REASON_PREFIX + reason for score, reason in likeliest_first
                      if score >= model.threshold and reason not in reasons]
