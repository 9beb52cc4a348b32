"""Key driver analysis on generated data whose driver structure is planted, so the right answer is known."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipelines.measures import drivers
from pipelines.shared import reference


def _correlated_predictors(rng, respondents: int, count: int, shared: float = 0.5) -> np.ndarray:
    """Predictors that share a common factor, as survey themes do."""
    common = rng.normal(size=(respondents, 1))
    return np.sqrt(shared) * common + np.sqrt(1 - shared) * rng.normal(size=(respondents, count))


def test_the_planted_main_driver_ranks_first_with_an_interval_clear_of_the_others():
    rng = np.random.default_rng(1)
    x = _correlated_predictors(rng, 2000, 5)
    y = 1.0 * x[:, 2] + 0.2 * x[:, 0] + 0.2 * x[:, 4] + rng.normal(size=2000)
    result = drivers.key_drivers(x, y, samples=300)
    assert int(np.argmax(result.shares)) == 2
    others = [i for i in range(5) if i != 2]
    assert result.share_low[2] > result.share_high[others].max()
    assert np.isclose(result.shares.sum(), 100)


def test_relative_weights_sum_to_the_regression_r_squared():
    rng = np.random.default_rng(2)
    x = _correlated_predictors(rng, 1000, 4)
    y = x @ np.array([0.5, 0.3, 0.0, 0.1]) + rng.normal(size=1000)
    design = np.column_stack([np.ones(1000), x])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r_squared = 1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert np.isclose(drivers.relative_weights(x, y).sum(), r_squared)


def test_two_near_duplicate_items_share_importance_rather_than_one_taking_it_all():
    rng = np.random.default_rng(3)
    x = _correlated_predictors(rng, 3000, 3, shared=0.2)
    duplicate = x[:, 0] + 0.05 * rng.normal(size=3000)
    x = np.column_stack([x, duplicate])
    y = x[:, 0] + 0.3 * x[:, 1] + rng.normal(size=3000)
    result = drivers.key_drivers(x, y, samples=100)
    # Regression would give one of the pair nearly everything; relative weights split it.
    assert abs(result.shares[0] - result.shares[3]) < 5
    assert min(result.shares[0], result.shares[3]) > 2 * result.shares[1]


def test_the_bootstrap_is_deterministic():
    rng = np.random.default_rng(4)
    x = _correlated_predictors(rng, 500, 3)
    y = x[:, 0] + rng.normal(size=500)
    first, second = drivers.key_drivers(x, y, samples=50), drivers.key_drivers(x, y, samples=50)
    assert np.array_equal(first.share_low, second.share_low) and np.array_equal(first.share_high, second.share_high)


def _planted_survey(respondents: int, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Answers where engagement follows the my_manager theme; a big and a small directorate."""
    rng = np.random.default_rng(seed)
    mood = rng.normal(size=respondents)  # what every answer shares
    manager = rng.normal(size=respondents)
    frame = {"unit_code": np.where(np.arange(respondents) < respondents - 40, "BIG", "SMALL")}
    for question in reference.question_bank():
        if question.theme in reference.SCORED_THEMES or question.code in reference.ENGAGEMENT_ITEMS:
            latent = 0.5 * mood + rng.normal(size=respondents)
            if question.theme == "my_manager":
                latent = latent + 2 * manager
            if question.code in reference.ENGAGEMENT_ITEMS:
                latent = 0.5 * mood + 1.5 * manager + rng.normal(size=respondents)
            frame[question.column] = np.digitize(latent, [-1.5, -0.5, 0.5, 1.5]) + 1
    frame["c01"] = rng.integers(1, 5, respondents)
    units = pd.DataFrame({"unit_code": ["ORG", "BIG", "SMALL"], "unit_name": ["Org", "Big", "Small"],
                          "parent_code": [None, "ORG", "ORG"], "level": ["organisation", "directorate", "directorate"]})
    return pd.DataFrame(frame), units


def test_driver_rows_rank_the_planted_theme_first_and_leave_out_small_directorates():
    responses, units = _planted_survey(600)
    rows = drivers.driver_rows(responses, units, min_group_size=10, samples=100, kinds=(drivers.THEME,))
    eei = rows[rows["outcome"] == "EEI"]
    assert set(eei["unit_code"].fillna("organisation")) == {"organisation", "BIG"}  # SMALL has 40 respondents
    top = eei[eei["importance_rank"] == 1]
    assert set(top["driver"]) == {"THEME:my_manager"}
    organisation = eei[eei["unit_code"].isna()].set_index("driver")
    others = organisation.drop("THEME:my_manager")
    assert organisation.loc["THEME:my_manager", "share_low"] > others["share_high"].max()


def test_question_drivers_rank_a_planted_question_first_and_share_out_all_the_explained_variance():
    responses, units = _planted_survey(600)
    rows = drivers.driver_rows(responses, units, min_group_size=10, samples=60, kinds=(drivers.QUESTION,))
    eei = rows[(rows["outcome"] == "EEI") & rows["unit_code"].isna()].set_index("driver")
    assert set(rows["driver_kind"]) == {drivers.QUESTION}
    manager_questions = {q.code for q in reference.question_bank() if q.theme == "my_manager"}
    top_three = set(eei.sort_values("importance_rank").index[:3])
    assert top_three <= manager_questions
    assert abs(eei["importance_share"].sum() - 100) < 1e-6
    # Every manager question is credited above every question of an unplanted theme.
    others = eei.drop(index=[q for q in manager_questions if q in eei.index])
    assert eei.loc[sorted(manager_questions & set(eei.index)), "importance_share"].min() > others["importance_share"].max()


def test_a_question_everyone_answered_alike_is_left_out_rather_than_breaking_the_analysis():
    responses, units = _planted_survey(400)
    responses["b01"] = 5  # everyone agrees: no variance to share
    rows = drivers.driver_rows(responses, units, min_group_size=10, samples=20, kinds=(drivers.QUESTION,))
    organisation = rows[(rows["outcome"] == "EEI") & rows["unit_code"].isna()]
    assert "B01" not in set(organisation["driver"]) and len(organisation) > 30
    assert organisation["importance_share"].notna().all()
