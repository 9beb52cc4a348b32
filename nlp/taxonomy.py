"""The documented theme taxonomy for free-text comments, with seed descriptions per theme.

Themes are stable names; models map onto them, so a theme means the same thing in every wave
and pulse whatever topic ids a model produces. Harassment includes sexual harassment.
"""
from __future__ import annotations

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
CORE_THEMES = ("bullying", "harassment", "discrimination", "workload")
OTHER = "other"
