"""The synthetic organisation's comments: varied, about what respondents told us, no personal data
except the planted names redaction must remove."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from pipelines import sample_comments
from pipelines.sample_data import write_sample_organisation
from pipelines.sample_followups import _leaving_reason_shares, exit_frame

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
    about_bullying = noted["text_notes"].map(theme_of).eq("bullying").mean()
    bullied = (noted["primary_reason"] + ";" + noted["other_reasons"]).str.contains("bullying_harassment").mean()
    assert bullied > 0.05 and about_bullying == pytest.approx(bullied, abs=0.03)
