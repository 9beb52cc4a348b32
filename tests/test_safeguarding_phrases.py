"""Safeguarding rules for harm described without its usual word, and the phrase lists they share
with the theme cues. Recall on the labelled set is printed by bench/nlp_quality.py, not asserted."""
from __future__ import annotations

import pytest

from nlp.harm_phrases import ASSAULT, SELF_HARM, SEXUAL_CONDUCT, THREATS, UNWANTED_TOUCHING
from nlp.sensitive import rule_reasons
from nlp.taxonomy import CUES


@pytest.mark.parametrize("text", [
    "He rested his hand on my upper thigh during the briefing.",
    "A colleague keeps stroking my neck when he walks behind me.",
    "My supervisor pressed up against me in the lift.",
    "He tried to kiss me at the team dinner.",
    "He put his arm around my waist and wouldn't let go.",
    "A colleague keeps messaging me asking what I'm wearing.",
])
def test_unwanted_touching_is_flagged_as_sexual_harassment(text):
    assert "sexual_harassment_or_assault" in rule_reasons(text, 0)


@pytest.mark.parametrize("text", [
    "He slammed his fist on the table right by my hand and walked out.",
    "She threw a folder at the wall behind me.",
    "He said I'd be next if I went to the union.",
    "Someone slashed my car tyres after the hearing.",
    "He said he would put me in hospital.",
    "He told me he knows which school my daughter goes to.",
    "She knew where I parked and said I'd better be careful.",
])
def test_violence_near_a_person_and_veiled_threats_are_flagged(text):
    assert "threat_or_assault" in rule_reasons(text, 0)


@pytest.mark.parametrize("text", [
    "A prisoner grabbed my colleague by the throat in the van.",
    "I was spat on twice last month on the ferry lanes.",
    "Two of the team were kicked by a suspect while making the arrest.",
    "My SEO threatened to mark me down if I took it to HR.",
])
def test_assault_by_anyone_and_threats_to_a_career_are_flagged(text):
    assert "threat_or_assault" in rule_reasons(text, 0)


def test_a_sexual_assault_is_the_sexual_reason_only_and_training_about_spitting_is_no_flag():
    assert rule_reasons("She was sexually assaulted by a colleague at the leaving do.", 0) == ["sexual_harassment_or_assault"]
    assert rule_reasons("The custody course covers what to do if you are spat at.", 0) == []


def test_a_claim_for_work_never_done_by_a_named_person_is_misconduct():
    assert rule_reasons("Neil Harper claims overtime he never worked.", 1) == ["named_person_misconduct"]
    assert rule_reasons("Neil Harper signs off overtime for the team.", 1) == []


@pytest.mark.parametrize("text", [
    "I sometimes think my family would be better off without me.",
    "I've been cutting myself to cope.",
    "I took an overdose in the spring.",
    "Some mornings I just don't want to exist.",
    "Last winter I looked up ways to end it.",
    "I stood there thinking about stepping in front of the train.",
])
def test_self_harm_is_flagged_in_its_everyday_wording(text):
    assert rule_reasons(text, 0) == ["self_harm"]


@pytest.mark.parametrize("text", [
    "Speaking up here is career suicide.",
    "Stability would be nice after three restructures.",
    "I was next in line for the promotion.",
    "I was thrown in at the deep end by my manager.",
    "We need to end my contract review by Friday.",
    "I hurt my back moving boxes for the office move.",
    "I broke my arm and hurt my back at the team sports day.",
    "I can't get my arms around my workload.",
    "Nobody knows what the Home Office wants from us.",
    "I should be careful what I say in meetings here.",
])
def test_ordinary_wording_near_those_phrases_is_not_flagged(text):
    assert rule_reasons(text, 0) == []


def test_a_shout_out_to_a_named_colleague_is_not_misconduct():
    assert rule_reasons("Shout out to my manager Priya, she always has my back.", 1) == []
    assert rule_reasons("Priya shouted at me again.", 1) == ["named_person_misconduct"]


def test_the_rules_and_the_theme_cues_read_one_list_of_each_kind_of_harm():
    assert set(THREATS) <= set(CUES["bullying"])
    assert set(UNWANTED_TOUCHING + SEXUAL_CONDUCT) <= set(CUES["harassment"])
    assert set(SELF_HARM) <= set(CUES["wellbeing"])
    assert not set(ASSAULT) & {cue for cues in CUES.values() for cue in cues}  # a detainee's assault is no bullying

