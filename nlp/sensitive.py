"""Comments a safeguarding lead must see, and HR analysts must not: flagged by explicit rules and,
where no rule matches, by a small learned model.

The rules read the raw text (before redaction), since the safeguarding lead needs to act on it. The
phrases are the ones the theme cues read too (nlp/harm_phrases.py, nlp/taxonomy.py), so a phrase
added for one is used by both. The rules are a floor: a comment a rule matches is always flagged.

The model (nlp/flag_model.json, trained by `python -m nlp.train_flags` on the development part of
the labelled set) reads the comment's MiniLM embedding, the one the pipeline already computed and
cached for theming (of the redacted text: the cache keeps no vector of raw text, which is purged,
and placeholders stand where names were). It catches harm described without the words the rules
know ("stockpiling my tablets"). A comment only the model flags is given the reason with the
highest model score, prefixed "possible_" (e.g. "possible_self_harm"), so the safeguarding lead
can tell a learned guess from a matched rule.

Every flagged comment goes to the restricted raw_flagged_comment table. A comment a rule flags never
reaches an hr_* view. A comment only the model flags stays in them, redacted, as it would without
the model: its guesses are wrong about a quarter of the time, and taking them out of the views
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

from nlp.harm_phrases import DISHONESTY, SELF_HARM, SEXUAL_CONDUCT, THREATS, UNWANTED_TOUCHING
from nlp.taxonomy import CUES

FLAG_MODEL_FILE = Path(__file__).resolve().parent / "flag_model.json"
# The model file this code reads; a retrained file with another layout needs this raised with it.
FLAG_MODEL_VERSION = "flags-lr-1"
MODEL_REASON_PREFIX = "possible_"


def _any_of(phrases: list[str]) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(phrases) + r")\b", re.I)


RULES: dict[str, re.Pattern] = {
    "sexual_harassment_or_assault": _any_of(SEXUAL_CONDUCT + UNWANTED_TOUCHING),
    "threat_or_assault": _any_of(THREATS),
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


@dataclass(frozen=True)
class FlagModel:
    version: str
    reasons: tuple[str, ...]
    threshold: float  # on the "needs safeguarding" probability
    coef: np.ndarray  # "needs safeguarding" logistic regression on the 384-dimensional embedding
    intercept: float
    reason_coef: np.ndarray  # one logistic regression per reason (rows in `reasons` order), to name it
    reason_intercept: np.ndarray

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """The probability that each comment needs safeguarding attention."""
        return 1.0 / (1.0 + np.exp(-(np.asarray(vectors, dtype=np.float64) @ self.coef + self.intercept)))

    def likeliest_reason(self, vector: np.ndarray) -> str:
        return self.reasons[int(np.argmax(np.asarray(vector, dtype=np.float64) @ self.reason_coef.T + self.reason_intercept))]


@lru_cache(maxsize=1)
def flag_model() -> FlagModel:
    spec = json.loads(FLAG_MODEL_FILE.read_text(encoding="utf-8"))
    if spec["version"] != FLAG_MODEL_VERSION or tuple(spec["reasons"]) != REASONS:
        raise ValueError(f"{FLAG_MODEL_FILE.name} is not the model this code reads: retrain with python -m nlp.train_flags")
    return FlagModel(spec["version"], tuple(spec["reasons"]), float(spec["threshold"]),
                     np.asarray(spec["coef"], dtype=np.float64), float(spec["intercept"]),
                     np.asarray(spec["reason_coef"], dtype=np.float64), np.asarray(spec["reason_intercept"], dtype=np.float64))


def withheld_from_analysts(reasons: list[str]) -> bool:
    """Whether flagging keeps the comment out of every hr_* view: a rule's reason does, the
    model's "possible_" guess does not (see the module's docstring)."""
    return any(not reason.startswith(MODEL_REASON_PREFIX) for reason in reasons)


def flag_reasons(raw_text: str, persons_named: int, vector: np.ndarray) -> list[str]:
    """Why a comment needs safeguarding attention (empty when it does not): the rules' reasons, or,
    when no rule matches and the model flags the comment, its likeliest reason marked as possible.
    `vector` is the comment's embedding (nlp.embeddings.embed of its redacted text)."""
    reasons = rule_reasons(raw_text, persons_named)
    if reasons:
        return reasons
    model = flag_model()
    if model.scores(vector[np.newaxis, :])[0] >= model.threshold:
        return [MODEL_REASON_PREFIX + model.likeliest_reason(vector)]
    return []
