"""Comments a safeguarding lead must see, and HR analysts must not: flagged by explicit rules.

Rules on the raw text (before redaction), since the safeguarding lead needs to act on it. The
flagged comment goes to the restricted raw_flagged_comment table and never into an hr_* view.
"""
from __future__ import annotations

import re

from nlp.taxonomy import CUES

RULES: dict[str, re.Pattern] = {
    "sexual_harassment_or_assault": re.compile(
        r"\b(sexual(ly)?\s+(assault\w*|harass\w*|comments?|advances?|nature|jokes?|remarks?)|rape[ds]?|raped|grop\w+|"
        r"touch(ed|ing)\s+(me\s+)?inappropriately|indecent\w*|grabbed\s+(me|my)|exposed\s+(him|her)self)\b", re.I),
    "threat_or_assault": re.compile(
        r"\b(threaten\w*\s+to\s+(kill|hurt|harm|beat)|death\s+threats?|kill\s+(me|you|him|her)|"
        r"(hit|punched|attacked|assaulted|grabbed)\s+me|(hurt|harm)\s+(me|you)|beat\s+(me|you)\s+up|"
        r"sort\s+(me|you)\s+out|knows\s+where\s+(I|you)\s+live)\b", re.I),
    "self_harm": re.compile(
        r"\b(suicid\w*|self[-\s]?harm\w*|kill(ing)?\s+myself|end(ing)?\s+(my|it\s+all)\s*(life)?|take\s+my\s+own\s+life|"
        r"(hurt|harm)(ing)?\s+myself)\b", re.I),
}
# Misconduct by a named person: the taxonomy's bullying and harassment cue words (one list, so a
# word added there is flagged here too), racism, and dishonesty.
MISCONDUCT = re.compile(r"\b(" + "|".join(CUES["bullying"] + CUES["harassment"] + [
    r"racis\w*", r"abus\w*", r"corrupt\w*", r"fraud\w*", r"steal\w*", r"stole", r"misconduct"]) + r")\b", re.I)


def flag_reasons(raw_text: str, persons_named: int) -> list[str]:
    """Why a comment needs safeguarding attention (empty when it does not)."""
    reasons = [name for name, rule in RULES.items() if rule.search(raw_text)]
    if persons_named and MISCONDUCT.search(raw_text):
        reasons.append("named_person_misconduct")
    return reasons
