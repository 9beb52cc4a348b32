"""The synthetic organisation's comments: varied, about what respondents told us, no personal data
except the planted names redaction must remove."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from pipelines.samples import comments as sample_comments
from pipelines.samples.deliveries import write_sample_organisation
from pipelines.samples.followups import _leaving_reason_shares, exit_frame

SITUATIONS = {situation: theme for theme, (situations, _) in sample_comments.PHRASES.items() for situation in situations}


def theme_of(text: str) -> str | None:
    return next((theme for situation, theme in SITUATIONS.items() if text.startswith(situation)), None)


@pytest.fixture(scope="module")
def demo_texts(tmp_path_factory) -> dict[str, pd.Series]:
    """Every comment of a demo-sized organisation, by source."""
    landing = tmp_path_factory.mktemp("comments")
    write_sample_organisation(landing, respondents=3400, seed=7, pulses=3)
    texts = {}
    for source in ("people_survey", "pulse", "exit_interviews", "stay_interviews"):
        frames = [pd.read_csv(path, dtype=str).filter(like="text_") for path in sorted((landing / source).glob("*.csv"))]
        stacked = pd.concat(frames).stack().dropna()
        texts[source] = stacked[stacked.str.strip() != ""]
    return texts


def test_comments_are_varied_in_every_source(demo_texts):
    everything = pd.concat(demo_texts.values())
    assert everything.nunique() >= 300, everything.nunique()
    for source, texts in demo_texts.items():
        assert texts.nunique() >= 40, (source, texts.nunique())
    assert sample_comments.distinct_comments() >= 400
    # Every comment is one of ours, and the survey's 'one change' box covers the weak areas.
    assert everything.map(theme_of).notna().all()
    assert demo_texts["people_survey"].map(theme_of).nunique() >= 9


def test_only_planted_names_identify_anyone(demo_texts):
    everything = pd.concat(demo_texts.values())
    named = everything[everything.str.contains("|".join(sample_comments.PLANTED_NAMES))]
    assert 0 < len(named) < 0.02 * len(everything)  # redaction has work to do, but not everywhere
    assert not everything.str.contains(r"@|\d{5,}", regex=True).any()  # no e-mail addresses or phone numbers
    stripped = everything.str.replace("|".join(sample_comments.PLANTED_NAMES), "", regex=True)
    assert not stripped.map(lambda t: bool(re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", t.split(". ", 1)[-1]))).any()


def test_exit_notes_follow_the_reasons_leavers_give():
    """Exit reasons match the last survey's C02 shares, and notes mention bullying as often as it is a reason."""
    exits = exit_frame(2025, 3000, seed=107)
    with_reason = exits[exits["primary_reason"] != ""]
    given = with_reason["primary_reason"] + ";" + with_reason["other_reasons"]
    for code, share in _leaving_reason_shares(2025).items():
        if code in ("retiring", "end_contract"):
            continue  # leaving types of their own, not reasons a resigning leaver gives
        assert 100 * given.str.split(";").map(lambda codes: code in codes).mean() == pytest.approx(share, abs=3), code
    noted = with_reason[with_reason["text_notes"] != ""]
    about_bullying = noted["text_notes"].map(theme_of).isin(("bullying", "harassment")).mean()
    bullied = (noted["primary_reason"] + ";" + noted["other_reasons"]).str.contains("bullying_harassment").mean()
    assert bullied > 0.05 and about_bullying == pytest.approx(bullied, abs=0.03)


@pytest.mark.slow
def test_the_demo_gives_every_core_theme_a_plausible_share(tmp_path):
    """The demo's data (`culture demo`: 3,400 respondents a year, seed 7, three pulses) through the
    demo's steps (ingest every source, then the comment step); shares read from the view the report uses."""
    from nlp.taxonomy import CORE_THEMES
    from pipelines.config import Settings
    from tests.helpers import build_sample_warehouse, query

    settings = Settings(tmp_path / "var", tmp_path / "landing", f"sqlite:///{tmp_path / 'warehouse.db'}", 10)
    build_sample_warehouse(settings, settings.landing_dir, respondents=3400, pulses=3)  # the demo's seed, 7
    trends = query(settings.warehouse_url, "SELECT * FROM hr_comment_theme_trends WHERE NOT suppressed")
    pooled = trends.groupby(["source", "theme"])[["theme_comments", "comments"]].sum()
    share = (100 * pooled["theme_comments"] / pooled["comments"]).unstack("source").fillna(0)
    assert set(share.columns) == {"people_survey", "pulse", "exit_interviews", "stay_interviews"}, share.columns
    for source in ("people_survey", "pulse", "exit_interviews"):
        for theme in CORE_THEMES:
            assert 0 < share.loc[theme, source] < 50, (source, theme, share[source].round(1).to_dict())
    survey = share["people_survey"]
    assert survey.idxmax() == "workload", survey.round(1).to_dict()  # the weakest area and its own comment box
    assert survey["learning_development"] >= 2, survey.round(1).to_dict()
    assert share.loc["workload", "stay_interviews"] > 0 and share.loc["bullying", "stay_interviews"] > 0
    # Exit notes mention bullying or harassment about as often as leavers give it as a reason
    # (diluted a little by leavers with no reason: end of contract, retirement).
    reasons = query(settings.warehouse_url, "SELECT value FROM hr_leaver_reasons WHERE unit_code IS NULL AND "
                    "breakdown = 'all' AND measure = 'any:bullying_harassment' AND NOT suppressed")
    reason_share = reasons["value"].mean()
    noted = share.loc["bullying", "exit_interviews"] + share.loc["harassment", "exit_interviews"]
    assert 0.5 * reason_share <= noted <= 1.5 * reason_share, (noted, reason_share)
