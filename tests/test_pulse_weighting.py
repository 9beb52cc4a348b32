"""Pulse weighting against hand-computed cases (methodology.md: cells directorate × grade band,
raking when a cell is thin, trimming at 5 × the median, Kish effective n, 95% margin of error)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipelines.measures.pulse_weighting import effective_n, margin_of_error, trim, weight_to_population


def sample_of(cells: dict[tuple[str, str], int]) -> pd.DataFrame:
    rows = [(d, g) for (d, g), n in cells.items() for _ in range(n)]
    return pd.DataFrame(rows, columns=["directorate", "grade"])


POPULATION = pd.DataFrame([("OPS", "EO", 600), ("OPS", "G7", 200), ("COR", "EO", 150), ("COR", "G7", 50)],
                          columns=["directorate", "grade", "headcount"])


def weighted_totals(sample: pd.DataFrame, weights: np.ndarray, column: str) -> dict[str, float]:
    return pd.Series(weights).groupby(sample[column].to_numpy()).sum().to_dict()


def test_post_stratification_reproduces_the_population_cells():
    sample = sample_of({("OPS", "EO"): 30, ("OPS", "G7"): 20, ("COR", "EO"): 10, ("COR", "G7"): 5})
    result = weight_to_population(sample, POPULATION)
    assert result.method == "post-stratification"
    cells = pd.Series(result.weights).groupby((sample["directorate"] + sample["grade"]).to_numpy()).sum()
    assert cells.to_dict() == pytest.approx({"OPSEO": 600, "OPSG7": 200, "COREO": 150, "CORG7": 50})
    assert result.weights[0] == pytest.approx(20.0)  # 600 staff / 30 respondents


def test_a_thin_cell_falls_back_to_raking_on_the_margins():
    sample = sample_of({("OPS", "EO"): 30, ("OPS", "G7"): 20, ("COR", "EO"): 10, ("COR", "G7"): 2})
    result = weight_to_population(sample, POPULATION)
    assert result.method == "raking"
    assert weighted_totals(sample, result.weights, "directorate") == pytest.approx({"OPS": 800, "COR": 200}, rel=1e-6)
    bands = weighted_totals(sample.assign(grade=sample["grade"]), result.weights, "grade")
    assert bands == pytest.approx({"EO": 750, "G7": 250}, rel=1e-6)


def test_respondents_without_a_grade_take_their_directorates_mean_weight():
    sample = sample_of({("OPS", "EO"): 30, ("OPS", "G7"): 20, ("COR", "EO"): 10, ("COR", "G7"): 5})
    sample.loc[len(sample)] = ("COR", None)
    result = weight_to_population(sample, POPULATION)
    assert result.weights.sum() == pytest.approx(1000)
    cor = result.weights[(sample["directorate"] == "COR").to_numpy()]
    assert cor[-1] == pytest.approx(cor[:-1].mean())


def test_trimming_caps_weights_at_five_times_the_median_and_keeps_the_total():
    weights = np.array([1.0] * 20 + [40.0])
    trimmed = trim(weights)
    assert trimmed.max() <= 5 * np.median(trimmed) + 1e-9
    assert trimmed.sum() == pytest.approx(weights.sum())
    assert np.array_equal(trim(np.ones(5)), np.ones(5))


def test_without_a_workforce_snapshot_the_sample_is_unweighted():
    sample = sample_of({("OPS", "EO"): 3})
    result = weight_to_population(sample, POPULATION.iloc[0:0])
    assert result.method == "none" and list(result.weights) == [1, 1, 1]


def test_effective_n_and_margin_of_error():
    assert effective_n(np.ones(100)) == pytest.approx(100)
    assert effective_n(np.array([1, 1, 2, 2])) == pytest.approx(36 / 10)
    assert margin_of_error(50, 100) == pytest.approx(100 * 1.959964 * 0.05, rel=1e-5)
    margins = margin_of_error(np.full(4, 40.0), np.array([30, 100, 1000, 10000]))
    assert list(margins) == sorted(margins, reverse=True), "the margin of error shrinks as n grows"
