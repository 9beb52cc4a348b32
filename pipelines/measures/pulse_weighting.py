"""Weights that make a pulse sample stand for the workforce it was drawn from (methodology.md).

Cells are directorate × grade band. Post-stratification when every populated cell has at least
5 respondents; otherwise raking (iterative proportional fitting) on the directorate and grade-band
margins. Weights are trimmed to at most 5 × the median and rescaled to the headcount.

Written here rather than taken from `balance` or `samplics`: the rules are a few lines of numpy,
the fallback and trimming rules are the methodology's own (neither library has exactly this
cell-then-margins fallback), and both libraries would add large dependency trees to the image for
a calculation that must stay transparent to auditors. Tests check it against hand-computed cases.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.measures.significance import Z_95

GRADE_BANDS = {
    "AA": "AA-AO", "AO": "AA-AO", "EO": "EO", "HEO": "HEO-SEO", "SEO": "HEO-SEO",
    "G7": "G7-G6", "G6": "G7-G6", "SCS1": "SCS", "SCS2": "SCS", "SCS3": "SCS",
}
MIN_CELL_RESPONDENTS = 5
TRIM_FACTOR = 5.0


@dataclass(frozen=True)
class Weighting:
    weights: np.ndarray
    method: str  # post-stratification | raking | none (no workforce snapshot)


def post_stratify(cells: pd.Series, population: pd.Series) -> np.ndarray:
    """Weight = cell headcount ÷ cell respondents."""
    respondents = cells.map(cells.value_counts())
    return (cells.map(population) / respondents).to_numpy(dtype=float)


def rake(sample: pd.DataFrame, margins: dict[str, pd.Series], iterations: int = 200, tolerance: float = 1e-10) -> np.ndarray:
    """Iterative proportional fitting of unit weights to each column's population totals."""
    weights = np.ones(len(sample))
    for _ in range(iterations):
        largest_change = 0.0
        for column, totals in margins.items():
            current = pd.Series(weights).groupby(sample[column].to_numpy()).sum()
            factor = (totals / current).reindex(sample[column]).to_numpy(dtype=float)
            largest_change = max(largest_change, float(np.nanmax(np.abs(factor - 1))))
            weights = weights * factor
        if largest_change < tolerance:
            break
    return weights


def trim(weights: np.ndarray, factor: float = TRIM_FACTOR, rounds: int = 50) -> np.ndarray:
    """Cap weights at `factor` × their median, keeping their total (repeated until it holds)."""
    weights = np.asarray(weights, dtype=float).copy()
    total = weights.sum()
    for _ in range(rounds):
        cap = factor * np.median(weights)
        if weights.max() <= cap * (1 + 1e-9):
            break
        capped = np.minimum(weights, cap)
        free = capped < cap
        # Hand the trimmed excess to the weights under the cap, so the total still equals headcount.
        capped[free] *= (total - capped[~free].sum()) / capped[free].sum()
        weights = capped
    return weights


def effective_n(weights: np.ndarray) -> float:
    """Kish's effective sample size, (Σw)² / Σw²."""
    weights = np.asarray(weights, dtype=float)
    return float(weights.sum() ** 2 / (weights ** 2).sum()) if len(weights) else 0.0


def margin_of_error(percent, n_effective):
    """Half-width of the 95% interval, in points, of a weighted percentage."""
    p = np.asarray(percent, dtype=float) / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return 100 * Z_95 * np.sqrt(p * (1 - p) / np.asarray(n_effective, dtype=float))


def weight_to_population(sample: pd.DataFrame, population: pd.DataFrame) -> Weighting:
    """Weights for `sample` (columns directorate, grade) against `population` (directorate, grade, headcount).

    Respondents without a grade (it is optional) get the mean weight of their directorate's
    graded respondents; all weights are then scaled to the total headcount.
    """
    if population.empty or population["headcount"].sum() == 0:
        return Weighting(np.ones(len(sample)), "none")
    population = population.assign(band=population["grade"].map(GRADE_BANDS).fillna("unknown"))
    population = population[population["band"] != "unknown"]
    sample = sample.assign(band=sample["grade"].map(GRADE_BANDS))
    graded = sample["band"].notna() & sample["directorate"].isin(population["directorate"])
    cells = sample.loc[graded, "directorate"] + "|" + sample.loc[graded, "band"]
    cell_totals = population.groupby(population["directorate"] + "|" + population["band"])["headcount"].sum()
    cell_totals = cell_totals[cell_totals > 0]
    counts = cells.value_counts().reindex(cell_totals.index, fill_value=0)
    weights = np.full(len(sample), np.nan)
    if (counts >= MIN_CELL_RESPONDENTS).all():
        method = "post-stratification"
        weights[graded.to_numpy()] = post_stratify(cells, cell_totals)
    else:
        method = "raking"
        margins = {column: population.groupby(column)["headcount"].sum()
                   for column in ("directorate", "band")}
        margins = {c: m[m.index.isin(sample.loc[graded, c])] for c, m in margins.items()}
        weights[graded.to_numpy()] = rake(sample.loc[graded, ["directorate", "band"]].reset_index(drop=True), margins)
    by_directorate = pd.Series(weights).groupby(sample["directorate"].to_numpy()).mean()
    missing = np.isnan(weights)
    fallback = sample.loc[missing, "directorate"].map(by_directorate).to_numpy(dtype=float)
    weights[missing] = np.where(np.isnan(fallback), np.nanmean(weights) if graded.any() else 1.0, fallback)
    weights *= population["headcount"].sum() / weights.sum()
    return Weighting(trim(weights), method)
