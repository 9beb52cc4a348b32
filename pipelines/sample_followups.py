"""What follows an annual survey in the synthetic organisation: bi-monthly pulses, exit and stay
interviews, with free text (some of it naming people, so that redaction has work to do)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines import reference
from pipelines.sample_data import GRADE_SHARES, team_codes

PULSE_COMMENTS = [
    "Other teams do share information now, which helps.", "Nobody thanks us for the extra cover we do.",
    "Too many cases and not enough staff to work them.", "My manager lets me get on with the job.",
    "IT keeps crashing and we lose hours every week.", "I was shouted at by a supervisor in front of the team.",
    "Promotion boards still feel unfair to minority staff.", "Leaders explain changes better than last year.",
    "Stress is high and occupational health takes months.", "Sarah Jenkins in the control room belittles people daily.",
]
EXIT_NOTES = [
    "Workload became unmanageable after two vacancies went unfilled.", "Better pay elsewhere for the same work.",
    "My line manager never had time for one-to-ones.", "Left because of bullying by a senior officer; HR did nothing.",
    "Relocating for family reasons.", "No development or promotion in five years.",
    "Retiring after thirty years' service.", "The culture punishes people who raise concerns.",
]
STAY_NOTES = [
    "The mission and my team.", "Flexible working lets me care for my children.", "A supportive line manager.",
    "Pay falling behind the private sector.", "Another restructure would push me out.", "Training I could not get elsewhere.",
]
REASON_WEIGHTS = {"workload": 5, "pay_benefits": 5, "line_management": 3, "culture": 3, "bullying_harassment": 2,
                  "promotion_outside_cs": 3, "promotion_inside_cs": 2, "work_life_balance": 3, "personal_circumstances": 2,
                  "relocation": 2, "learning_development": 2, "leadership": 2, "other": 1}


def _choice(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    keys = list(weights)
    values = np.array(list(weights.values()), dtype=float)
    return rng.choice(keys, size=size, p=values / values.sum())


def _staff(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    teams = [t[0] for t in team_codes()]
    grades = rng.choice(list(GRADE_SHARES), size=count, p=list(GRADE_SHARES.values()))
    return rng.choice(teams, size=count), grades


def _comments(rng: np.random.Generator, phrases: list[str], count: int, rate: float) -> np.ndarray:
    return np.where(rng.random(count) < rate, rng.choice(phrases, size=count), "").astype(object)


def pulse_frame(pulse_id: str, respondents: int, seed: int, drift: float) -> pd.DataFrame:
    """One pulse: the twelve cultural-shift items drift upwards by `drift` log-odds per pulse."""
    rng = np.random.default_rng(seed)
    start = dt.date.fromisoformat(f"{pulse_id}-01")
    units, grades = _staff(rng, respondents)
    # Senior grades answer more often and more positively: the reason to weight.
    latent = rng.normal(0, 1, respondents) + 0.4 * np.isin(grades, ("G7", "G6", "SCS1")) + drift
    frame = pd.DataFrame({
        "respondent_id": [f"P{pulse_id}-{i:05d}" for i in range(respondents)], "pulse_id": pulse_id,
        "response_date": [(start + dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, 28, respondents)],
        "unit_code": units, "grade": grades, "sex": rng.choice([1, 2, 3], size=respondents, p=[0.44, 0.5, 0.06]),
    })
    for item in reference.read_reference_csv("pulse_items.csv"):
        score = latent + rng.normal(0, 1.2, respondents)
        frame[item["code"]] = np.clip(np.round(3.2 + score), 1, 5).astype(int)
    frame["B33"] = np.clip(np.round(3.0 + latent + rng.normal(0, 1.2, respondents)), 1, 5).astype(int)
    frame["text_comment"] = _comments(rng, PULSE_COMMENTS, respondents, 0.25)
    return frame


def exit_frame(year: int, leavers: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    units, grades = _staff(rng, leavers)
    leaving = [dt.date(year, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 180, leavers)]
    leaving_type = rng.choice([1, 2, 3, 4, 5, 6], size=leavers, p=[0.62, 0.12, 0.08, 0.12, 0.02, 0.04])
    primary = np.where(np.isin(leaving_type, (1, 4)), _choice(rng, REASON_WEIGHTS, leavers), "")
    others = [";".join(sorted(set(_choice(rng, REASON_WEIGHTS, int(k))))) for k in rng.integers(0, 3, leavers)]
    return pd.DataFrame({
        "leaver_id": [f"L{year}-{i:05d}" for i in range(leavers)],
        "interview_date": [(d + dt.timedelta(days=int(o))).isoformat() for d, o in zip(leaving, rng.integers(-20, 30, leavers))],
        "leaving_date": [d.isoformat() for d in leaving], "unit_code": units, "grade": grades,
        "sex": rng.choice([1, 2], size=leavers), "tenure_years": np.round(rng.gamma(2.0, 4.0, leavers).clip(0, 45), 1),
        "employment_type": 1, "leaving_type": leaving_type, "primary_reason": primary, "other_reasons": others,
        "would_return": rng.choice([1, 2, 3], size=leavers, p=[0.4, 0.35, 0.25]),
        "recommend_0_10": rng.integers(0, 11, leavers), "text_notes": _comments(rng, EXIT_NOTES, leavers, 0.8),
    })


def stay_frame(year: int, interviews: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    units, grades = _staff(rng, interviews)
    factors = [r["code"] for r in reference.read_reference_csv("stay_factors.csv")]
    reasons = list(REASON_WEIGHTS)
    return pd.DataFrame({
        "interview_id": [f"S{year}-{i:05d}" for i in range(interviews)],
        "interview_date": [(dt.date(year, 4, 1) + dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, 60, interviews)],
        "unit_code": units, "grade": grades, "hard_to_recruit_role": rng.choice([0, 1], size=interviews, p=[0.6, 0.4]),
        "considering_leaving": rng.choice([1, 2, 3], size=interviews, p=[0.35, 0.45, 0.2]),
        "stay_factors": [";".join(sorted(set(rng.choice(factors, size=2)))) for _ in range(interviews)],
        "leave_risks": [";".join(sorted(set(rng.choice(reasons, size=int(k))))) for k in rng.integers(0, 3, interviews)],
        "intent_12m": rng.choice([1, 2, 3], size=interviews, p=[0.6, 0.15, 0.25]),
        "text_what_keeps_you": _comments(rng, STAY_NOTES[:3], interviews, 0.7),
        "text_what_would_make_you_leave": _comments(rng, STAY_NOTES[3:], interviews, 0.6),
    })


def write_followups(directory: str | Path, year: int, seed: int = 7, pulses: int = 3, pulse_size: int = 400,
                    leavers: int = 180, stay_interviews: int = 120) -> list[Path]:
    """Pulses every two months from January of `year`, exits for its first half, stays in spring."""
    root = Path(directory)
    files: list[tuple[Path, pd.DataFrame]] = []
    for index in range(pulses):
        pulse_id = f"{year}-{1 + 2 * index:02d}"
        files.append((root / "pulse" / f"exa_pulse_{pulse_id}.csv", pulse_frame(pulse_id, pulse_size, seed + index, 0.12 * index)))
    files.append((root / "exit_interviews" / f"exa_exit_{year}-H1.csv", exit_frame(year, leavers, seed + 100)))
    files.append((root / "stay_interviews" / f"exa_stay_{year}-05.csv", stay_frame(year, stay_interviews, seed + 200)))
    for path, frame in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False)
    return [path for path, _ in files]
