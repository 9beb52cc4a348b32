from __future__ import annotations

import numpy as np
import pytest

from pipelines.measures.significance import differs_from_benchmark, two_proportion_significant, wilson_interval


def test_wilson_interval_matches_a_hand_computed_case():
    low, high = wilson_interval(50.0, 100)
    # p=0.5, n=100, z=1.96: centre 0.5, half-width 0.0960
    assert float(low) == pytest.approx(40.38, abs=0.01)
    assert float(high) == pytest.approx(59.62, abs=0.01)


def test_benchmark_outside_the_interval_is_significant():
    assert bool(differs_from_benchmark(58.0, 3400, 66.0))
    assert not bool(differs_from_benchmark(65.5, 3400, 66.0))


def test_never_significant_below_thirty_respondents():
    assert not bool(differs_from_benchmark(10.0, 29, 90.0))
    assert bool(differs_from_benchmark(10.0, 30, 90.0))


def test_missing_benchmark_is_not_significant():
    assert not bool(differs_from_benchmark(10.0, 300, np.nan))


def test_two_proportion_test():
    # 60% of 500 vs 50% of 500: z = 3.18
    assert bool(two_proportion_significant(60.0, 500, 50.0, 500))
    assert not bool(two_proportion_significant(52.0, 500, 50.0, 500))
    assert not bool(two_proportion_significant(90.0, 20, 10.0, 500))
