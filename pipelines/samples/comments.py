"""Free-text comments for the synthetic organisation, by theme (the themes of nlp/taxonomy.py).

A comment is one situation and one consequence or request from the same theme, so each theme has
dozens of distinct comments and the sample as a whole hundreds. Sources choose a comment's theme
from what the respondent told us (a leaver's reason, the question the box follows), so that theme
shares in the demo track the structured answers: exit notes mention bullying about as often as
leavers give bullying as a reason. A few comments name a (fictional) person on purpose, so that
redaction has work to do; nothing else in them identifies anyone.
"""
from __future__ import annotations

import numpy as np

# theme -> (situations, consequences or requests); any pairing reads as one comment.
PHRASES: dict[str, tuple[list[str], list[str]]] = {
    "workload": ([
        "Too many cases and not enough people to work them.", "Workload has been unmanageable since the restructure.",
        "I regularly work late to keep up with my caseload.", "Vacancies are not filled so the rest of us cover the work.",
        "Deadlines are set without asking whether they can be met.", "I cannot take my annual leave because there is nobody to cover.",
        "Every week brings new priorities on top of the old ones.", "My team is running at half its proper strength.",
        "Unpaid overtime has become normal in this team.", "The caseload doubled and the staffing stayed the same.",
    ], [
        "Something has to give.", "Please fill the vacancies.", "The hours are not sustainable.",
        "We are understaffed and it shows.", "We need realistic targets and deadlines.", "The caseload cannot be managed.",
    ]),
    "bullying": ([
        "My manager shouts at people in front of the team.", "I was belittled and excluded by senior colleagues.",
        "A supervisor picks on the same people every week.", "I was humiliated in a meeting for asking a question.",
        "One officer intimidates anyone who disagrees with him.", "Colleagues ridicule people who are new to the team.",
        "I was undermined for months after I raised a concern.", "Toxic behaviour is tolerated because he gets results.",
    ], [
        "I reported the bullying but nothing happened.", "I did not report it for fear of being picked on more.",
        "HR called the bullying a personality clash.", "Several of us have asked to move away from him.",
        "Being bullied like this has affected my health.", "Everyone knows he is a bully and nothing is done.",
    ]),
    "harassment": ([
        "A colleague made unwanted sexual comments about me.", "I received inappropriate messages from a senior officer.",
        "Someone kept making lewd remarks about women in the office.", "A co-worker followed me after a night shift.",
        "Unwanted touching at a team event was laughed off.", "I was sent explicit jokes on the team chat.",
    ], [
        "I no longer feel safe at work.", "When I complained I was moved, not him.",
        "Nobody challenged it.", "I want a confidential way to report this.", "It is still going on.",
    ]),
    "discrimination": ([
        "Comments about my ethnicity were treated as banter.", "Promotion boards still feel unfair to minority staff.",
        "My request for reasonable adjustments took a year.", "Women here are passed over for specialist roles.",
        "I have heard racist remarks in the canteen.", "Older staff are treated as if we cannot learn new systems.",
        "Being gay is still something I hide at work.",
    ], [
        "It wears you down.", "The prejudice is never challenged.", "The inclusion networks are not listened to.",
        "I am looking for a fairer employer.", "Discrimination like this should not be tolerated.",
    ]),
    "it_tools": ([
        "IT keeps crashing and we lose hours every week.", "My laptop takes twenty minutes to start.",
        "The case management system is slow and loses our work.", "The VPN drops out whenever I work from home.",
        "We still use spreadsheets for work that needs a proper system.", "Half the team is waiting for working equipment.",
    ], [
        "Better IT that actually works.", "Fix the basics before buying anything new.", "It makes a long day longer.",
        "We cannot do the job without the tools.", "Please replace the old kit.",
    ]),
    "leadership_change": ([
        "Senior leaders do not listen to the front line.", "Another restructure was announced with no explanation.",
        "Decisions are made at the top and reversed a month later.", "We rarely see senior leaders in person.",
        "Change is announced by email and never explained.", "I have no confidence in the direction of the agency.",
    ], [
        "Senior leaders who listen.", "Explain why before telling us what.", "Come and see the work we do.",
        "Stop changing the structure every year.", "Tell us the truth about what is happening.",
    ]),
    "line_management": ([
        "My line manager never has time for one-to-ones.", "I have not had a proper performance review in two years.",
        "Managers are promoted for casework, not for managing people.", "My manager gives useful feedback every month.",
        "My line manager lets me get on with the job.", "My manager cancels our meetings at the last minute.",
    ], [
        "Train managers to manage people.", "Good managers make all the difference.", "Give managers time to manage.",
        "I would like regular feedback.", "It depends entirely on who your manager is.",
    ]),
    "learning_development": ([
        "Training courses are cancelled for operational reasons.", "There is no clear career path for analysts.",
        "Promotion processes reward who you know.", "I have not been on a course in three years.",
        "Development opportunities go to the same few people.", "I had to pay for my own qualification.",
    ], [
        "Fair promotion processes.", "Protected time for learning.", "Invest in our skills.",
        "Show us how to progress.", "People leave to get on.",
    ]),
    "pay": ([
        "Pay has fallen far behind the private sector.", "The pay award did not cover the cost of living.",
        "I am paid less than people doing the same job elsewhere.", "Allowances for specialist work were cut.",
        "Better pay elsewhere for the same work.", "New starters are paid more than experienced staff.",
    ], [
        "Pay us properly.", "Good people are leaving for more money.", "It is hard to make ends meet.",
        "Recognise specialist skills in pay.", "The pension is the only reason I stay.",
    ]),
    "recognition": ([
        "Nobody thanks us for the extra cover we do.", "Good work goes unnoticed unless something goes wrong.",
        "My contribution was recognised at the team awards.", "Only senior staff get credit for operational results.",
        "A simple thank you from leaders would go a long way.", "Our team's work on the case was never acknowledged.",
    ], [
        "People want to feel valued.", "Recognition costs nothing.", "Celebrate good work.",
        "It matters more than people think.", "It makes me want to do more.",
    ]),
    "wellbeing": ([
        "Stress is high and occupational health takes months.", "The trauma from some cases stays with you.",
        "Several colleagues are off sick with stress.", "I struggle to sleep after difficult shifts.",
        "Wellbeing support exists on paper only.", "My mental health has got worse this year.",
    ], [
        "We need proper support after traumatic cases.", "Take wellbeing seriously.", "People are at breaking point.",
        "Managers need time to check in on people.", "Make occupational health quicker.",
    ]),
    "positive": ([
        "The mission and my team.", "I believe in what the agency does.", "My colleagues are the best part of the job.",
        "Flexible working lets me care for my children.", "A supportive line manager.", "Training I could not get elsewhere.",
        "The work is interesting and it matters.", "Other teams do share information now, which helps.",
    ], [
        "That keeps me here.", "I would recommend it to friends.", "It makes the hard days worth it.",
        "I want to stay.", "",
    ]),
    "personal": ([
        "Relocating for family reasons.", "Retiring after thirty years' service.", "My contract came to an end.",
        "Moving closer to my elderly parents.", "Caring responsibilities at home.", "Just want a change after many years.",
        "The commute became too long after the office moved.", "A new job in another department.",
    ], [
        "No complaints about the agency.", "I would come back.", "The team was good to work with.", "",
    ]),
}
# Fictional names, planted in a few comments so that redaction is exercised.
PLANTED_NAMES = ["Sarah Jenkins", "Tom Okafor", "Priya Nair", "Gareth Lloyd", "Helen Marsh"]
PLANTED_THEMES = ("bullying", "harassment", "line_management")

# Leaving reasons (leaving_reasons.csv) to the theme a leaver talks about.
REASON_THEMES = {
    "workload": "workload", "work_life_balance": "workload", "pay_benefits": "pay", "line_management": "line_management",
    "culture": "leadership_change", "leadership": "leadership_change", "bullying_harassment": "bullying",
    "work_relationships": "bullying", "inclusion_fair_treatment": "discrimination", "it_tools": "it_tools",
    "learning_development": "learning_development", "promotion_inside_cs": "learning_development",
    "promotion_outside_cs": "learning_development", "interesting_work": "learning_development",
    "personal_circumstances": "personal", "relocation": "personal", "retiring": "personal",
    "end_contract": "personal", "just_want_change": "personal", "other": "personal",
}


# A leaver who gives "bullying or harassment" as a reason writes about one or the other; bullying is
# the commoner (as in the survey's bullying and harassment box, sample_data.HARASSMENT_BOX_THEMES).
BULLYING_OR_HARASSMENT = {"bullying": 0.75, "harassment": 0.25}


def reason_themes(rng: np.random.Generator, reasons: list[str]) -> np.ndarray:
    """The theme each leaving reason leads someone to write about (REASON_THEMES; bullying or harassment split)."""
    themes = np.array([REASON_THEMES.get(reason, "personal") for reason in reasons], dtype=object)
    split = rng.choice(list(BULLYING_OR_HARASSMENT), size=len(themes), p=list(BULLYING_OR_HARASSMENT.values()))
    return np.where(themes == "bullying", split, themes)


def comment(rng: np.random.Generator, theme: str) -> str:
    situations, follow_ups = PHRASES[theme]
    text = f"{situations[rng.integers(len(situations))]} {follow_ups[rng.integers(len(follow_ups))]}".strip()
    if theme in PLANTED_THEMES and rng.random() < 0.03:
        text = f"{text} It was {PLANTED_NAMES[rng.integers(len(PLANTED_NAMES))]}."
    return text


def comments(rng: np.random.Generator, themes: np.ndarray, writes: np.ndarray) -> np.ndarray:
    """A comment on `themes[i]` where `writes[i]`, else the empty string."""
    return np.array([comment(rng, theme) if write else "" for theme, write in zip(themes, writes)], dtype=object)


def distinct_comments() -> int:
    """How many different comments the phrase lists can make (before planted names)."""
    return sum(len(s) * len(f) for s, f in PHRASES.values())
