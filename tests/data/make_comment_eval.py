"""Writes comment_eval.jsonl: a labelled set of staff comments for the free-text tests.

Each line: {"text", "theme", "pii": [{"type", "value"}]}. Themes follow nlp's taxonomy; PII
values are fictional. Regenerate with `python tests/data/make_comment_eval.py` (seeded).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

THEMES = {
    "bullying": [
        "My line manager shouts at me in front of the team and belittles my work.",
        "I have been bullied by a senior colleague for months and dread coming in.",
        "There is a culture of intimidation; people are humiliated in meetings.",
        "I was constantly undermined and excluded by my supervisor.",
        "A colleague keeps picking on me and making nasty remarks about my work.",
        "Staff who speak up get singled out and treated with contempt.",
        "My manager threatens us with disciplinary action to get his way.",
        "I feel bullied and isolated; my sergeant ridicules me in briefings.",
    ],
    "harassment": [
        "A colleague made unwanted sexual comments about my appearance.",
        "I was touched inappropriately at the Christmas party and nothing was done.",
        "Someone keeps sending me messages of a sexual nature after I asked them to stop.",
        "I have been harassed by a man on my team who will not leave me alone.",
        "Repeated unwanted advances from a senior officer made me feel unsafe.",
        "There were sexual jokes and remarks about women in the office every day.",
        "He kept following me around the building and commenting on my body.",
        "I experienced sexual harassment on a deployment and was afraid to report it.",
    ],
    "discrimination": [
        "I was passed over for promotion because of my race.",
        "Comments about my ethnicity were dismissed as banter.",
        "Women are treated unfairly here and overlooked for specialist roles.",
        "As a disabled officer my reasonable adjustments were refused.",
        "I have been treated differently since I came out as gay.",
        "Older staff are discriminated against when it comes to training places.",
        "Racist language goes unchallenged in our unit.",
        "My religion is mocked and I am excluded because I wear a headscarf.",
    ],
    "workload": [
        "Too many cases and not enough people; I work late every night.",
        "The workload is unmanageable since the restructure.",
        "I regularly work unpaid overtime just to keep up with my caseload.",
        "Vacancies are never filled so the rest of us cover three jobs.",
        "We are drowning in work and deadlines are impossible.",
        "I cannot take leave because there is nobody to cover my cases.",
        "Constant new tasking on top of an already excessive workload.",
        "My hours are far too long and the pressure never lets up.",
    ],
    "it_tools": [
        "The IT systems crash every day and we lose hours of work.",
        "Our laptops are ancient and the software does not work.",
        "We still use spreadsheets because the case system is broken.",
        "The VPN drops constantly when working from home.",
    ],
    "leadership_change": [
        "Senior leaders announce change after change without explaining why.",
        "The restructure was badly managed and nobody listened to staff.",
        "I have no confidence in the senior leadership team.",
        "Leaders are invisible and decisions come from nowhere.",
    ],
    "line_management": [
        "My manager never gives feedback or has one-to-ones.",
        "My line manager is supportive and always makes time for me.",
        "Managers are not trained to manage people.",
        "My performance review was rushed and unfair.",
    ],
    "learning_development": [
        "There is no training budget and no career development.",
        "I have not been offered any courses in three years.",
        "Promotion boards are opaque and there is no progression path.",
        "I would like more opportunities to learn new skills.",
    ],
    "pay": [
        "Pay has fallen far behind the private sector.",
        "I can earn much more elsewhere for the same work.",
        "The pay award was an insult given inflation.",
        "We are paid less than police colleagues doing the same job.",
    ],
    "recognition": [
        "Good work is never recognised or thanked.",
        "Nobody says well done when we get a result.",
        "My contribution goes unnoticed by senior managers.",
        "It would be nice to be appreciated once in a while.",
    ],
    "wellbeing": [
        "My mental health has suffered and I have been signed off with stress.",
        "Exposure to traumatic material is affecting my sleep.",
        "Occupational health support is hard to access.",
        "I feel burnt out and anxious most days.",
    ],
}
NAMES = ["Sarah Jenkins", "David Okafor", "Priya Sharma", "Tom Walsh", "Karen Hughes", "Mohammed Rahman",
         "Emma Clarke", "James O'Neill", "Fatima Begum", "Gareth Evans", "Helen Murray", "Daniel Kowalski"]
TITLED = ["DS Patel", "Sgt Morris", "Mr Thompson", "Mrs Green", "DI Campbell", "Ms Adebayo"]
EMAILS = ["s.jenkins@agency.gov.uk", "david.okafor@agency.gov.uk", "priya.sharma@example.org", "tom.walsh@agency.gov.uk"]
PHONES = ["07700 900123", "07700 900456", "020 7946 0018", "+44 7700 900789", "0161 496 0123"]
STAFF = ["AB123456", "NCA0045678", "EMP12345", "X9876543"]
NI = ["QQ 12 34 56 C", "AB123456D", "JT 98 76 54 A"]
POSTCODES = ["SW1A 1AA", "M1 1AE", "B33 8TH", "LS1 4AP"]
PII_PHRASES = [
    ("PERSON", NAMES, "It was {v} who did this."),
    ("PERSON", NAMES, "Please speak to {v} about it."),
    ("PERSON", TITLED, "{v} is the one responsible."),
    ("PERSON", NAMES, "I raised it with {v} but heard nothing back."),
    ("EMAIL", EMAILS, "Contact me on {v} if you want details."),
    ("PHONE", PHONES, "You can ring me on {v}."),
    ("STAFF_NUMBER", STAFF, "My staff number is {v}."),
    ("NI_NUMBER", NI, "My NI number is {v} if HR needs it."),
    ("POSTCODE", POSTCODES, "I live near {v} so the commute is long."),
]
OPENERS = ["", "", "Honestly, ", "To be frank, ", "Since last year ", "In my team, ", "As someone with ten years' service, "]


def build(seed: int = 2024, per_core_theme: int = 46, per_other_theme: int = 17) -> list[dict]:
    rng = random.Random(seed)
    records = []
    for theme, sentences in THEMES.items():
        count = per_core_theme if theme in ("bullying", "harassment", "discrimination", "workload") else per_other_theme
        for i in range(count):
            base = sentences[i % len(sentences)]
            opener = rng.choice(OPENERS)
            text = opener + (base[0].lower() + base[1:] if opener else base)
            pii = []
            if rng.random() < 0.45:
                kind, values, phrase = rng.choice(PII_PHRASES)
                value = rng.choice(values)
                text = f"{text} {phrase.format(v=value)}"
                pii.append({"type": kind, "value": value})
            records.append({"text": text, "theme": theme, "pii": pii})
    rng.shuffle(records)
    return records


if __name__ == "__main__":
    target = Path(__file__).with_name("comment_eval.jsonl")
    rows = build()
    target.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} comments to {target}")
