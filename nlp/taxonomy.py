"""The documented theme taxonomy for free-text comments, with seed descriptions per theme.

Themes are stable names; models map onto them, so a theme means the same thing in every wave
and pulse whatever topic ids a model produces. Harassment includes sexual harassment.
"""
from __future__ import annotations

from nlp.harm_phrases import SELF_HARM, SEXUAL_CONDUCT, THREATS, UNWANTED_TOUCHING

TAXONOMY: dict[str, list[str]] = {
    "bullying": [
        "bullying by a manager or colleague", "being shouted at, belittled or humiliated at work",
        "intimidation and undermining by a supervisor", "being picked on, ridiculed and excluded by colleagues",
        "a boss who threatens and intimidates staff", "toxic behaviour and victimisation in the team",
    ],
    "harassment": [
        "sexual harassment at work", "unwanted sexual comments, jokes or touching",
        "unwanted advances and inappropriate messages from a colleague", "being stalked or followed by a co-worker",
        "harassment that made me feel unsafe", "lewd remarks about women's bodies",
    ],
    "discrimination": [
        "racial discrimination and racist remarks", "unfair treatment because of sex, race, religion, age or disability",
        "sexism and homophobia at work", "refused reasonable adjustments for a disability",
        "overlooked for promotion because of ethnicity or gender", "prejudice against minority staff",
    ],
    "workload": [
        "excessive workload and too many cases", "working long hours and unpaid overtime",
        "not enough staff, unfilled vacancies and cover", "impossible deadlines and constant pressure of work",
        "unable to take annual leave because of work", "caseloads that cannot be managed",
    ],
    "it_tools": [
        "IT systems and computers that do not work", "old laptops, slow software and poor equipment",
        "broken case management system", "network and VPN problems",
    ],
    "leadership_change": [
        "senior leadership and organisational change", "restructures that are badly managed",
        "no confidence in senior leaders' decisions", "invisible leaders and poor communication of change",
    ],
    "line_management": [
        "my line manager and one-to-one meetings", "feedback and performance reviews from my manager",
        "managers who are not trained to manage people", "a supportive or unsupportive line manager",
    ],
    "learning_development": [
        "training courses and learning opportunities", "career development and progression",
        "promotion processes and career paths", "developing new skills",
    ],
    "pay": [
        "pay and salary compared with other employers", "the annual pay award and cost of living",
        "being underpaid for the job", "pensions and allowances",
    ],
    "recognition": [
        "recognition and thanks for good work", "feeling appreciated and valued",
        "contribution noticed by managers", "praise and rewards for achievements",
    ],
    "wellbeing": [
        "mental health, stress and burnout", "anxiety, sleep problems and trauma",
        "occupational health and wellbeing support", "sickness absence due to stress",
    ],
}
# Seed words guide BERTopic's data-driven topics towards the taxonomy (guided topic modelling).
SEED_WORDS: dict[str, list[str]] = {
    "bullying": ["bullying", "bullied", "bully", "belittled", "humiliated", "intimidated", "shouted", "undermined"],
    "harassment": ["harassment", "harassed", "sexual", "unwanted", "touching", "advances", "inappropriate", "stalked"],
    "discrimination": ["discrimination", "racist", "racism", "sexism", "disability", "adjustments", "prejudice", "unfair"],
    "workload": ["workload", "cases", "caseload", "overtime", "hours", "deadlines", "vacancies", "understaffed"],
    "it_tools": ["it", "laptop", "system", "software", "computer", "network", "vpn", "equipment"],
    "leadership_change": ["leaders", "leadership", "senior", "restructure", "change", "communication", "decisions"],
    "line_management": ["manager", "line", "management", "feedback", "appraisal", "supportive", "one-to-one"],
    "learning_development": ["training", "development", "career", "promotion", "learning", "skills", "courses"],
    "pay": ["pay", "salary", "underpaid", "pension", "allowance", "award", "cost"],
    "recognition": ["recognition", "thanks", "appreciated", "valued", "praise", "reward", "noticed"],
    "wellbeing": ["stress", "mental", "health", "burnout", "anxiety", "wellbeing", "sickness", "sleep"],
}
# Words that name a theme (regular expressions, matched case-insensitively on word boundaries).
_WORDS: dict[str, list[str]] = {
    "bullying": [r"bull(y|ies|ied|ying)", r"belittl\w*", r"humiliat\w*", r"intimidat\w*", r"undermin\w*",
                 r"shout(s|ed|ing)?(?!\s+-?outs?\b)", r"scream\w*", r"pick(ed|ing|s)? on", r"singled out", r"ridicul\w*", r"mock\w*",
                 r"victimi[sz]\w*", r"(frozen|freeze|froze) out", r"gang(ed)? up", r"demean\w*", r"toxic",
                 r"threaten\w*", r"talk(s|ed)? down to"],
    "harassment": [r"harass\w*", r"sexual\w*", r"unwanted", r"advances", r"touch(ed|ing|es)? (me|my)",
                   r"stalk\w*", r"explicit", r"handsy", r"creepy", r"inappropriate (messages|comments|remarks)",
                   r"comments? about my (body|appearance|looks|figure|legs)"],
    "discrimination": [r"discriminat\w*", r"racis\w*", r"sexis\w*", r"homophob\w*", r"transphob\w*", r"ageis\w*",
                       r"xenophob\w*", r"prejudic\w*", r"adjustments?", r"disab\w*", r"wheelchair", r"accessible",
                       r"access to work", r"misgender\w*", r"religio\w*", r"ethnic\w*", r"bame", r"pregnan\w*",
                       r"maternity", r"deaf", r"dyslexi\w*", r"autis\w*"],
    "workload": [r"workload\w*", r"case ?loads?", r"cases", r"overtime", r"understaffed", r"vacanc\w*", r"deadlines?",
                 r"backlog", r"too much work", r"long hours", r"overwork\w*", r"capacity", r"swamped", r"drowning",
                 r"toil", r"flexi", r"annual leave", r"staffing", r"too few"],
    "it_tools": [r"laptops?", r"systems?", r"software", r"computers?", r"network", r"vpn", r"wi-?fi", r"printers?",
                 r"scanners?", r"outlook", r"kit", r"screens?", r"helpdesk", r"logins?", r"passwords?", r"it"],
    "leadership_change": [r"leaders?", r"leadership", r"senior (leaders|team|managers|management)", r"scs", r"slt",
                          r"board", r"directors?", r"restructur\w*", r"reorganis\w*", r"transformation", r"merger",
                          r"perm(anent)? sec(retary)?", r"chief exec\w*", r"operating model", r"office move", r"dg"],
    "line_management": [r"line manag\w*", r"managers?", r"manger", r"lm", r"one[- ]to[- ]ones?", r"1[:-]?1s?", r"1-2-1s?",
                        r"appraisal", r"(end of|mid) year review", r"objectives", r"feedback", r"micromanag\w*"],
    "learning_development": [r"training", r"courses?", r"careers?", r"promot\w*", r"progression", r"develop\w*",
                             r"learning", r"skills", r"secondments?", r"mentor\w*", r"coaching", r"apprentice\w*",
                             r"qualifications?", r"act(ing)? up", r"grade"],
    "pay": [r"pay", r"paid", r"salar\w*", r"wages?", r"underpaid", r"pensions?", r"allowances?", r"bonus\w*",
            r"money", r"cost of living", r"earn\w*"],
    "recognition": [r"recogni\w*", r"thank\w*", r"appreciat\w*", r"valued", r"undervalued", r"prais\w*", r"rewards?",
                    r"noticed?", r"credit", r"acknowledg\w*", r"shout out"],
    "wellbeing": [r"stress\w*", r"mental health", r"burn(t|ed)? ?out", r"anxi\w*", r"well-?being", r"sick\w*",
                  r"sleep\w*", r"panic", r"exhaust\w*", r"depress\w*", r"counselling", r"eap", r"occupational health",
                  r"menopause", r"isolated", r"lonely", r"tired", r"knackered"],
}
# Behaviour described without the theme's name ("eye rolling in meetings", "follows me to my car").
_BEHAVIOUR: dict[str, list[str]] = {
    "bullying": [r"swear\w*", r"mimic\w*", r"sneer\w*", r"rumou?rs?", r"snide", r"sarcas\w*", r"scapegoat\w*",
                 r"made\s+(?:\w+\s+){0,3}cry", r"eye[- ]?roll\w*", r"roll\w*\s+(?:his|her|their)\s+eyes",
                 r"blank(?:ed|ing|s)\s+(?:me|her|him|us|them|people)", r"silent treatment", r"excluded", r"ostraci[sz]\w*",
                 r"put-?downs?", r"nit-?pick\w*", r"slamm\w*", r"snigger\w*", r"laugh\w*\s+at\s+(?:me|us|my|them|people)",
                 r"lies about", r"hostile", r"contempt", r"degrad\w*", r"worthless", r"talked over", r"hard time",
                 r"(?:life|working life)\s+(?:hell|a misery)", r"public(?:ly)?\s+(?:sham|humiliat|criticis)\w*",
                 r"call(?:s|ed|ing)?\s+(?:\w+\s+){0,3}\W*(?:the\s+)?(?:stupid|useless|thick\w*|idiots?|incompetent|pathetic)"],
    "harassment": [r"follow\w*\s+me", r"wait\w*\s+(?:for\s+me|by\s+my|at\s+my|outside\s+my)", r"star(?:e|es|ed|ing)\s+at",
                   r"(?:ask|asks|asked|asking)\s+me\s+out", r"won'?t\s+take\s+no", r"obsess\w*",
                   r"turn(?:s|ed)?\s+up\s+at\s+my", r"unwelcome"],
    "discrimination": [r"turbans?", r"hijabs?", r"headscarf", r"accents?", r"really from", r"you people", r"gay", r"lesbian",
                       r"bisexual", r"trans", r"lgbt\w*", r"black", r"asian", r"muslims?", r"jewish", r"sikhs?", r"hindus?",
                       r"too old", r"older", r"ramadan", r"hearing aids?", r"screen reader", r"partially sighted", r"blind",
                       r"crutches", r"ivf"],
    "workload": [r"weekends?", r"evenings?", r"volumes?", r"queues?", r"(?:work|job)s? of (?:two|three|2|3)", r"snowed under",
                 r"firefight\w*", r"lunch breaks?", r"on[- ]call", r"demand", r"covering", r"vacant", r"targets?",
                 r"(?:two|three|2|3) (?:jobs|roles|posts)", r"half (?:of )?(?:someone|the staff|the people|the team)",
                 r"on top of", r"no cover", r"picking up", r"extra (?:load|work)", r"flat out", r"\d+ hour (?:days|weeks)",
                 r"running on fumes", r"more work", r"no resource", r"absorb", r"priorit(?:y|ies)", r"rotas?",
                 r"(?:leave|holiday)\s+(?:request\s+)?(?:refused|cancelled|denied)", r"refused\s+(?:my\s+)?leave",
                 r"no time", r"behind on", r"piled", r"through lunch", r"under establishment", r"without the people",
                 r"(?:never|not|wasn'?t|weren'?t)\s+(?:been\s+)?replaced", r"staffing gaps?", r"resourc\w*"],
    "wellbeing": [r"wor(?:e|n|ing)\s+(?:me|us|people)\s+down", r"wearing\s+(?:me|us)\s+down", r"dread\w*", r"gp",
                  r"signed\s+(?:me\s+)?off", r"shattered", r"dead on my feet", r"exhausting", r"killing me",
                  r"antidepressants?", r"tearful", r"crying", r"phased return", r"dse", r"(?:back|neck) pain",
                  r"(?:wasn'?t|not)\s+(?:ok|okay|myself)", r"nothing left", r"rested", r"feel(?:ing)?\s+(?:so\s+)?low",
                  r"referral", r"checks? in on", r"bereave\w*", r"died"],
    "leadership_change": [r"from the top", r"g6", r"exco", r"dd", r"change programmes?", r"constant change",
                          r"redundanc\w*", r"relocat\w*", r"office closure", r"mandate", r"consultation",
                          r"decisions?\s+(?:come|came|made)", r"top[- ]down", r"never done our job"],
}
# The classifier reads the cues beside the embedding. Harm phrases (nlp/harm_phrases.py) are
# theme cues too; the safeguarding rules (nlp/sensitive.py) read the same lists and take their
# misconduct words from the bullying and harassment cues, so no word is kept twice.
CUES: dict[str, list[str]] = {theme: words + _BEHAVIOUR.get(theme, []) for theme, words in _WORDS.items()}
CUES["bullying"] += THREATS
CUES["harassment"] += UNWANTED_TOUCHING + SEXUAL_CONDUCT
CUES["wellbeing"] += SELF_HARM
# Denying a problem ("I have never been bullied here, but...") is no evidence of it: a clause that
# negates one of these words is left out before theming (nlp.themes.theme_text). Only the words
# that name a problem: a clause with a described act ("no one did anything when he grabbed me") stays.
DENIABLE_CUES = _WORDS["bullying"] + _WORDS["harassment"] + [
    r"discriminat\w*", r"racis\w*", r"sexis\w*", r"overwork\w*", r"stress\w*", r"anxious"]
# Saying it happened is the mirror of a denial: "I have been bullied here", "he harasses me" carry the
# theme whatever else the comment is about (nlp.themes.stated_experiences). Each theme's words as
# done to someone (after "I have been", "we were"), then as done to me or us ("bullies me").
EXPERIENCED: dict[str, tuple[str, str]] = {
    "bullying": (r"bullied|picked on|belittled|victimi[sz]ed|humiliated|ridiculed", r"bull(?:y|ies|ied|ying)|belittles?"),
    "harassment": (r"(?:sexually\s+)?harassed", r"(?:sexually\s+)?harass(?:es|ed|ing)?"),
    "discrimination": (r"discriminated\s+against", r"discriminat(?:es|ed|ing)\s+against"),
}
CORE_THEMES = ("bullying", "harassment", "discrimination", "workload")
OTHER = "other"
