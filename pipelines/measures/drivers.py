"""Key driver analysis: which themes and questions go with an outcome, by relative weights (Johnson 2000).

Themes are strongly correlated with one another, so regression coefficients (or plain
correlations) would hand the shared variance to whichever theme happens to win; relative weights
split the explained variance R² between predictors, correlated ones sharing it. Intervals are
percentile bootstrap intervals with a fixed seed, so the same data always gives the same figures.
Cross-sectional associations only: see docs/methodology-choices.md, "Key drivers".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from pipelines.shared import reference
from warehouse.org_tree import ancestor_paths, directorate_of

# A bootstrap over fewer respondents gives intervals too wide to rank nine themes by; and an
# importance computed on a small unit would be a figure about a handful of people.
MIN_RESPONDENTS_FOR_DRIVERS = 100
BOOTSTRAP_ROWS = 20_000
BOOTSTRAP_SAMPLES = 500
BOOTSTRAP_SEED = 20_000  # Johnson (2000): any fixed number does; fixed so reruns give the same intervals


@dataclass(frozen=True)
class Outcome:
    name: str  # the measure it mirrors in fact_survey_measure
    label: str
    items: tuple[str, ...]  # questions the outcome is built from (left out of every driver)


OUTCOMES = (
    Outcome("EEI", "Employee Engagement Index", reference.ENGAGEMENT_ITEMS),
    Outcome("C01_leave", "Intends to leave within 12 months (C01 = 1 or 2)", ("C01",)),
    Outcome("B57", "Able to challenge inappropriate behaviour (B57 positive)", ("B57",)),
)


def relative_weights(predictors: np.ndarray, outcome: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights: each predictor's share of R² (they sum to R²).

    With R = V diag(λ) Vᵀ the predictors' correlation matrix, Λ = V diag(√λ) Vᵀ maps the
    predictors to their closest orthogonal counterparts; the outcome is regressed on those
    (β = Λ⁻¹ r_xy), and each predictor gets back the part of each counterpart it loads on.
    """
    correlation = np.corrcoef(np.column_stack([predictors, outcome]), rowvar=False)
    return _weights_from_correlation(correlation)


def _weights_from_correlation(correlation: np.ndarray) -> np.ndarray:
    r_xx, r_xy = correlation[:-1, :-1], correlation[:-1, -1]
    eigenvalues, vectors = np.linalg.eigh(r_xx)
    eigenvalues = np.clip(eigenvalues, 1e-12, None)  # exact duplicates make R singular
    square_root = vectors @ np.diag(np.sqrt(eigenvalues)) @ vectors.T
    beta = vectors @ np.diag(1 / np.sqrt(eigenvalues)) @ vectors.T @ r_xy
    return (square_root ** 2) @ (beta ** 2)


def _weighted_correlation(data: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Correlation matrix of `data` rows repeated `counts` times (a bootstrap sample, uncopied)."""
    total = counts.sum()
    mean = counts @ data / total
    centred = data - mean
    covariance = (centred * counts[:, None]).T @ centred / total
    scale = np.sqrt(np.diag(covariance))
    return covariance / np.outer(scale, scale)


@dataclass(frozen=True)
class DriverResult:
    weights: np.ndarray  # raw relative weights (sum to r_squared)
    shares: np.ndarray  # % of R²
    share_low: np.ndarray  # 95% percentile bootstrap interval of the shares
    share_high: np.ndarray
    r_squared: float
    respondents: int


def key_drivers(predictors: np.ndarray, outcome: np.ndarray, samples: int = BOOTSTRAP_SAMPLES,
                seed: int = BOOTSTRAP_SEED) -> DriverResult:
    """Relative weights of complete rows, with seeded bootstrap intervals of each share of R²."""
    data = np.column_stack([predictors, outcome]).astype(float)
    data = data[~np.isnan(data).any(axis=1)]
    weights = _weights_from_correlation(np.corrcoef(data, rowvar=False))
    r_squared = float(weights.sum())
    shares = 100 * weights / r_squared
    rng = np.random.default_rng(seed)
    # Above BOOTSTRAP_ROWS respondents, resamples of that size are drawn and their spread around the
    # full estimate shrunk by sqrt(m / n) (an m-out-of-n bootstrap): the interval a full bootstrap
    # gives, at a fraction of the cost (a full one took minutes at 350,000 respondents).
    size = min(len(data), BOOTSTRAP_ROWS)
    boot = np.empty((samples, len(weights)))
    # Thousands of small (45 x 45) eigen-decompositions: BLAS threads only contend over them (ten
    # times slower on two busy cores than one thread), so the bootstrap runs on one.
    with threadpool_limits(limits=1):
        for sample in range(samples):
            rows, counts = np.unique(rng.integers(0, len(data), size), return_counts=True)
            drawn = _weights_from_correlation(_weighted_correlation(data[rows], counts.astype(float)))
            boot[sample] = 100 * drawn / drawn.sum()
    boot = shares + (boot - shares) * np.sqrt(size / len(data))
    low, high = np.nanpercentile(boot, [2.5, 97.5], axis=0)
    return DriverResult(weights, shares, low, high, r_squared, len(data))


def _answers(responses: pd.DataFrame, code: str) -> np.ndarray:
    column = code.lower()
    if column not in responses:
        return np.full(len(responses), np.nan)
    return pd.to_numeric(responses[column], errors="coerce").to_numpy(dtype=float)


def _scored_questions(leave_out: tuple[str, ...]) -> list:
    return [q for q in reference.question_bank() if q.theme in reference.SCORED_THEMES and q.code not in leave_out]


def _positive(responses: pd.DataFrame, questions: list) -> tuple[np.ndarray, np.ndarray]:
    """(positive, answered) boolean matrices, one column per question."""
    answers = np.column_stack([_answers(responses, q.code) for q in questions])
    positive = np.column_stack([np.isin(answers[:, i], list(q.positive_codes)) for i, q in enumerate(questions)])
    answered = ~np.isnan(answers)
    return positive & answered, answered


def theme_scores(responses: pd.DataFrame, leave_out: tuple[str, ...] = ()) -> pd.DataFrame:
    """Each respondent's % positive over the theme's questions they answered (NaN if none).

    Questions in `leave_out` are not counted, so an outcome never predicts itself."""
    scores = {}
    for theme in reference.SCORED_THEMES:
        positive, answered = _positive(responses, [q for q in _scored_questions(leave_out) if q.theme == theme])
        count = answered.sum(axis=1)
        scores[theme] = np.divide(100.0 * positive.sum(axis=1), count,
                                  out=np.full(len(responses), np.nan), where=count > 0)
    return pd.DataFrame(scores, index=responses.index)


def question_scores(responses: pd.DataFrame, leave_out: tuple[str, ...] = ()) -> pd.DataFrame:
    """Each respondent's answer to each scored question as 100 (positive) or 0, NaN if unanswered.

    Positive-or-not rather than the 1-5 answer, so a question's importance and its published
    score (% positive) speak of the same thing."""
    questions = _scored_questions(leave_out)
    positive, answered = _positive(responses, questions)
    return pd.DataFrame(np.where(answered, 100.0 * positive, np.nan), index=responses.index,
                        columns=[q.code for q in questions])


def outcome_scores(responses: pd.DataFrame, outcome: Outcome) -> np.ndarray:
    """Each respondent's outcome on a 0-100 scale, NaN where not answered."""
    if outcome.name == "EEI":
        items = 25.0 * (np.column_stack([_answers(responses, c) for c in outcome.items]) - 1)
        answered = (~np.isnan(items)).sum(axis=1)
        return np.divide(np.nansum(items, axis=1), answered, out=np.full(len(items), np.nan), where=answered > 0)
    answers = _answers(responses, outcome.items[0])
    if outcome.name == "C01_leave":
        counted = (1, 2)
    else:
        counted = tuple(next(q for q in reference.question_bank() if q.code == outcome.items[0]).positive_codes)
    return np.where(np.isnan(answers), np.nan, 100.0 * np.isin(answers, counted))


def analysed_units(responses: pd.DataFrame, units: pd.DataFrame) -> list[tuple[str | None, np.ndarray]]:
    """(unit_code, respondent positions): the organisation (None) and every directorate."""
    paths = ancestor_paths(units)
    directorate = np.array([directorate_of(paths, unit) or "" for unit in responses["unit_code"]], dtype=object)
    found = [(None, np.arange(len(responses)))]
    for unit in sorted(set(directorate) - {""}):
        found.append((unit, np.flatnonzero(directorate == unit)))
    return found


THEME, QUESTION = "theme", "question"
COLUMNS = ["unit_code", "outcome", "driver_kind", "driver", "importance", "importance_share", "share_low",
           "share_high", "importance_rank", "r_squared"]


def _predictor_sets(responses: pd.DataFrame, outcome: Outcome) -> list[tuple[str, list[str], np.ndarray]]:
    """(kind, driver names, respondent x driver matrix): the nine themes, and their questions one by one."""
    themes = theme_scores(responses, outcome.items)
    questions = question_scores(responses, outcome.items)
    return [(THEME, [f"THEME:{t}" for t in themes.columns], themes.to_numpy()),
            (QUESTION, list(questions.columns), questions.to_numpy())]


def _unit_rows(unit_code, outcome: Outcome, kind: str, names: list[str], x: np.ndarray, y: np.ndarray,
               minimum: int, samples: int) -> list[dict]:
    complete = ~np.isnan(x).any(axis=1) & ~np.isnan(y)
    if complete.sum() < minimum or np.nanstd(y[complete]) == 0:
        return []
    x, y = x[complete], y[complete]
    # A question everyone in the unit answered alike has no variance to share: it is left out of the
    # unit's analysis (and of its rows) rather than making the correlation matrix undefined.
    varies = x.std(axis=0) > 0
    if varies.sum() < 2:
        return []
    result = key_drivers(x[:, varies], y, samples)
    order = np.argsort(-result.shares, kind="stable")
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(1, len(order) + 1)
    return [{"unit_code": unit_code, "outcome": outcome.name, "driver_kind": kind, "driver": name,
             "importance": float(result.weights[i]), "importance_share": float(result.shares[i]),
             "share_low": float(result.share_low[i]), "share_high": float(result.share_high[i]),
             "importance_rank": int(rank[i]), "r_squared": result.r_squared}
            for i, name in enumerate(str(n) for n in np.asarray(names)[varies])]


def driver_rows(responses: pd.DataFrame, units: pd.DataFrame, min_group_size: int,
                samples: int = BOOTSTRAP_SAMPLES, kinds: tuple[str, ...] = (THEME, QUESTION)) -> pd.DataFrame:
    """One row per analysed unit, outcome and driver (themes, then questions); units below the
    minimum are left out."""
    minimum = max(MIN_RESPONDENTS_FOR_DRIVERS, min_group_size)
    rows = []
    with np.errstate(all="ignore"):
        prepared = [(o, outcome_scores(responses, o), [p for p in _predictor_sets(responses, o) if p[0] in kinds])
                    for o in OUTCOMES]
        for unit_code, members in analysed_units(responses, units):
            for outcome, target, predictor_sets in prepared:
                for kind, names, predictors in predictor_sets:
                    rows += _unit_rows(unit_code, outcome, kind, names, predictors[members], target[members],
                                       minimum, samples)
    return pd.DataFrame(rows, columns=COLUMNS)
