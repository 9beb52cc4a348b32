"""Comments a safeguarding lead must see, and HR analysts must not: flagged by explicit rules.

Rules on the raw text (before redaction), since the safeguarding lead needs to act on it. The
flagged comment goes to the restricted raw_flagged_comment table and never into an hr_* view.
The phrases are the ones the theme cues read too (nlp/harm_phrases.py, nlp/taxonomy.py), so a
phrase added for one is used by both.
"""
from __future__ import annotations

import re

from nlp.harm_phrases import DISHONESTY, SELF_HARM, SEXUAL_CONDUCT, THREATS, UNWANTED_TOUCHING
from nlp.taxonomy import CUES


def _any_of(phrases: list[str]) -> re.Pattern:
    return re.compile(r"\b(" + "|".join(phrases) + r")\b", re.I)


RULES: dict[str, re.Pattern] = {
    "sexual_harassment_or_assault": _any_of(SEXUAL_CONDUCT + UNWANTED_TOUCHING),
    "threat_or_assault": _any_of(THREATS),
    "self_harm": _any_of(SELF_HARM),
}
# Misconduct by a named person: the taxonomy's bullying and harassment cues (one list, so a
# word added there is flagged here too), racism, abuse and dishonesty.
MISCONDUCT = _any_of(CUES["bullying"] + CUES["harassment"] + DISHONESTY)


def flag_reasons(raw_text: str, persons_named: int) -> list[str]:
    """Why a comment needs safeguarding attention (empty when it does not)."""
    reasons = [name for name, rule in RULES.items() if rule.search(raw_text)]
    if persons_named and MISCONDUCT.search(raw_text):
        reasons.append("named_person_misconduct")
    return reasons
