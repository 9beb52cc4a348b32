"""Comments a safeguarding lead must see, and HR analysts must not: flagged by explicit rules.

Rules on the raw text (before redaction), since the safeguarding lead needs to act on it. The
flagged comment goes to the restricted raw_flagged_comment table and never into an hr_* view.
"""
from __future__ import annotations

import re

RULES: dict[str, re.Pattern] = {
    "sexual_harassment_or_assault": re.compile(
        r"\b(sexual(ly)?\s+(assault\w*|harass\w*|comments?|advances?|nature|jokes?|remarks?)|rape[ds]?|raped|grop\w+|"
        r"touch(ed|ing)\s+(me\s+)?inappropriately|indecent\w*)\b", re.I),
    "threat_or_assault": re.compile(
        r"\b(threaten\w*\s+to\s+(kill|hurt|harm|beat)|death\s+threats?|kill\s+(me|you|him|her)|"
        r"(hit|punched|attacked|assaulted)\s+me)\b", re.I),
    "self_harm": re.compile(
        r"\b(suicid\w*|self[-\s]?harm\w*|kill\s+myself|end\s+(my|it\s+all)\s*(life)?|take\s+my\s+own\s+life|hurt\s+myself)\b", re.I),
}
MISCONDUCT = re.compile(r"\b(bull(y|ies|ied|ying)|harass\w*|racis\w*|abus\w*|corrupt\w*|fraud\w*|steal\w*|stole|misconduct|"
                        r"shouts?|threaten\w*|humiliat\w*)\b", re.I)


def flag_reasons(raw_text: str, persons_named: int) -> list[str]:
    """Why a comment needs safeguarding attention (empty when it does not)."""
    reasons = [name for name, rule in RULES.items() if rule.search(raw_text)]
    if persons_named and MISCONDUCT.search(raw_text):
        reasons.append("named_person_misconduct")
    return reasons
