"""What follows an annual survey in the synthetic organisation: bi-monthly pulses, exit and stay
interviews, with free text (some of it naming people, so that redaction has work to do)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.shared import contract, reference
from pipelines.samples import comments as sample_comments
from pipelines.samples.organisation import GRADE_SHARES, calibration_targets, team_codes

# What pulse comments are about (the cultural shifts the pulses track, and the usual concerns).
PULSE_THEMES = {"recognition": 3, "workload": 3, "leadership_change": 2, "it_tools": 2, "line_management": 2,
                "positive": 3, "wellbeing": 2, "bullying": 1, "harassment": 0.4, "discrimination": 1,
                "learning_development": 1}
# Annual survey items a pulse repeats, and how far they move (points) per unit of the pulse's drift.
REPEATED_ANNUAL_ITEMS = ("B33",)
REPEATED_ITEM_POINTS_PER_DRIFT = 10.0
# Reasons a leaver can give for resigning or transferring (retiring and contracts ending are leaving types).
NOT_VOLUNTARY_REASONS = ("retiring", "end_contract")


def _choice(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    keys = list(weights)
    values = np.array(list(weights.values()), dtype=float)
    return rng.choice(keys, size=size, p=values / values.sum())


def _staff(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    teams = [t[0] for t in team_codes()]
    grades = rng.choice(list(GRADE_SHARES), size=count, p=list(GRADE_SHARES.values()))
    return rng.choice(teams, size=count), grades


def _leaving_reason_shares(year: int) -> dict[str, float]:
    """Survey C02 shares (% of those leaving who give each reason) of the last annual survey before `year`."""
    targets = calibration_targets(year - 1)
    return {r["code"]: targets[f"C02_{r['code']}"] for r in reference.leaving_reasons()}


def _calibrated_likert(score: np.ndarray, positive_percent: float) -> np.ndarray:
    """Codes 1-5 from a latent score, shifted so that exactly `positive_percent` answer 4 or 5."""
    k = int(round(positive_percent / 100 * len(score)))
    ordered = np.sort(score)[::-1]
    padded = np.concatenate([[ordered[0] + 2], ordered, [ordered[-1] - 2]]) if len(score) else np.array([0.0, 0.0])
    cut = (padded[k] + padded[k + 1]) / 2  # between the k-th and (k+1)-th highest scores
    return np.clip(np.floor(score - cut + 4.0), 1, 5).astype(int)


def pulse_frame(pulse_id: str, respondents: int, seed: int, drift: float, annual: dict[str, float] | None = None) -> pd.DataFrame:
    """One pulse: the twelve cultural-shift items drift upwards by `drift` (latent units) per pulse.

    Items repeated from the annual survey (B33) start at the last annual survey's value (`annual`,
    by default the calibration targets of the year before the pulse) and move only a little with
    the drift, so that a pulse never shows a change the annual survey does not.
    """
    rng = np.random.default_rng(seed)
    start = dt.date.fromisoformat(f"{pulse_id}-01")
    annual = annual if annual is not None else calibration_targets(start.year - 1)
    units, grades = _staff(rng, respondents)
    # Senior grades answer more positively: the reason to weight.
    latent = rng.normal(0, 1, respondents) + 0.4 * np.isin(grades, ("G7", "G6", "SCS1")) + drift
    frame = pd.DataFrame({
        "respondent_id": [f"P{pulse_id}-{i:05d}" for i in range(respondents)], "pulse_id": pulse_id,
        "response_date": [(start + dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, 28, respondents)],
        "unit_code": units, "grade": grades, "sex": rng.choice([1, 2, 3], size=respondents, p=[0.44, 0.5, 0.06]),
    })
    for item in reference.pulse_items():
        score = latent + rng.normal(0, 1.2, respondents)
        codes = sorted(contract.SCALE_CODES[item.scale])
        frame[item.code] = np.clip(np.round(3.2 + score), codes[0], codes[-1]).astype(int)
    for code in REPEATED_ANNUAL_ITEMS:
        target = float(np.clip(annual[code] + REPEATED_ITEM_POINTS_PER_DRIFT * drift, 0, 100))
        frame[code] = _calibrated_likert(latent + rng.normal(0, 1.2, respondents), target)
    themes = _choice(rng, PULSE_THEMES, respondents)
    frame["text_comment"] = sample_comments.comments(rng, themes, rng.random(respondents) < 0.25)
    return frame


def exit_frame(year: int, leavers: int, seed: int, reason_shares: dict[str, float] | None = None) -> pd.DataFrame:
    """Exit interviews whose reasons match the last annual survey's reasons for wanting to leave (C02).

    A voluntary leaver's primary reason is drawn in proportion to the C02 shares and each other
    reason is added with the probability that makes the share giving it as any reason equal its
    C02 share. Notes are about bullying when that is among the reasons (people who were bullied
    say so), else about the primary reason.
    """
    rng = np.random.default_rng(seed)
    shares = reason_shares if reason_shares is not None else _leaving_reason_shares(year)
    voluntary_shares = {code: share for code, share in shares.items() if code not in NOT_VOLUNTARY_REASONS}
    units, grades = _staff(rng, leavers)
    leaving = [dt.date(year, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 180, leavers)]
    leaving_type = rng.choice([1, 2, 3, 4, 5, 6], size=leavers, p=[0.62, 0.12, 0.08, 0.12, 0.02, 0.04])
    with_reason = np.isin(leaving_type, (1, 4))
    primary = np.where(with_reason, _choice(rng, voluntary_shares, leavers), "")
    first_share = {code: share / sum(voluntary_shares.values()) for code, share in voluntary_shares.items()}
    also = {code: max(share / 100 - first_share[code], 0) / (1 - first_share[code]) for code, share in voluntary_shares.items()}
    others = []
    for reason, has_reason in zip(primary, with_reason):
        ticked = [code for code, p in also.items() if has_reason and code != reason and rng.random() < p]
        others.append(";".join(sorted(ticked)))
    themes = sample_comments.reason_themes(rng, [
        "bullying_harassment" if "bullying_harassment" in other.split(";") else reason
        for reason, other in zip(primary, others)])
    return pd.DataFrame({
        "leaver_id": [f"L{year}-{i:05d}" for i in range(leavers)],
        "interview_date": [(d + dt.timedelta(days=int(o))).isoformat() for d, o in zip(leaving, rng.integers(-20, 30, leavers))],
        "leaving_date": [d.isoformat() for d in leaving], "unit_code": units, "grade": grades,
        "sex": rng.choice([1, 2], size=leavers), "tenure_years": np.round(rng.gamma(2.0, 4.0, leavers).clip(0, 45), 1),
        "employment_type": 1, "leaving_type": leaving_type, "primary_reason": primary, "other_reasons": others,
        "would_return": rng.choice([1, 2, 3], size=leavers, p=[0.4, 0.35, 0.25]),
        "recommend_0_10": rng.integers(0, 11, leavers),
        "text_notes": sample_comments.comments(rng, themes, rng.random(leavers) < 0.8),
    })


def stay_frame(year: int, interviews: int, seed: int, reason_shares: dict[str, float] | None = None) -> pd.DataFrame:
    """Stay interviews; the risks people name follow the survey's reasons for wanting to leave."""
    rng = np.random.default_rng(seed)
    shares = reason_shares if reason_shares is not None else _leaving_reason_shares(year)
    risks_shares = {code: share for code, share in shares.items() if code not in NOT_VOLUNTARY_REASONS}
    units, grades = _staff(rng, interviews)
    factors = [r["code"] for r in reference.stay_factors()]
    risks = [sorted(set(_choice(rng, risks_shares, int(k)))) for k in rng.integers(0, 3, interviews)]
    leave_themes = sample_comments.reason_themes(rng, [r[0] if r else "pay_benefits" for r in risks])
    return pd.DataFrame({
        "interview_id": [f"S{year}-{i:05d}" for i in range(interviews)],
        "interview_date": [(dt.date(year, 4, 1) + dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, 60, interviews)],
        "unit_code": units, "grade": grades, "hard_to_recruit_role": rng.choice([0, 1], size=interviews, p=[0.6, 0.4]),
        "considering_leaving": rng.choice([1, 2, 3], size=interviews, p=[0.35, 0.45, 0.2]),
        "stay_factors": [";".join(sorted(set(rng.choice(factors, size=2)))) for _ in range(interviews)],
        "leave_risks": [";".join(r) for r in risks],
        "intent_12m": rng.choice([1, 2, 3], size=interviews, p=[0.6, 0.15, 0.25]),
        "text_what_keeps_you": sample_comments.comments(rng, np.full(interviews, "positive"), rng.random(interviews) < 0.7),
        "text_what_would_make_you_leave": sample_comments.comments(rng, leave_themes, rng.random(interviews) < 0.6),
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
