"""Significance tests of methodology.md (our choice where the CSPS does not publish its test).

Every measure is a percentage (or a 0-100 mean, for EEI and theme scores). For a 0-100 mean the
binomial variance p(1-p) is an upper bound of the true variance, so treating it as a proportion
errs on the side of calling fewer differences significant.
"""
from __future__ import annotations

import numpy as np

Z_95 = 1.959963984540054
MIN_N_FOR_SIGNIFICANCE = 30


def wilson_interval(percent, n, z: float = Z_95):
    """Wilson score interval, in percent, for observed `percent` out of `n` (arrays welcome)."""
    p = np.asarray(percent, dtype=float) / 100.0
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = (z / (1 + z * z / n)) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return 100 * (centre - half), 100 * (centre + half)


def differs_from_benchmark(percent, n, benchmark):
    """True where the benchmark lies outside the 95% Wilson interval; never below n = 30."""
    low, high = wilson_interval(percent, n)
    benchmark = np.asarray(benchmark, dtype=float)
    outside = (benchmark < low) | (benchmark > high)
    valid = ~np.isnan(benchmark) & ~np.isnan(np.asarray(percent, dtype=float))
    return outside & valid & (np.asarray(n) >= MIN_N_FOR_SIGNIFICANCE)


def two_proportion_significant(percent_a, n_a, percent_b, n_b, z: float = Z_95):
    """Two-sided two-proportion z-test at 5% (pooled variance); never below n = 30 in either group."""
    p1 = np.asarray(percent_a, dtype=float) / 100.0
    p2 = np.asarray(percent_b, dtype=float) / 100.0
    n1 = np.asarray(n_a, dtype=float)
    n2 = np.asarray(n_b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        statistic = np.abs(p1 - p2) / se
    large_enough = (n1 >= MIN_N_FOR_SIGNIFICANCE) & (n2 >= MIN_N_FOR_SIGNIFICANCE)
    return (np.nan_to_num(statistic, nan=0.0) > z) & large_enough
