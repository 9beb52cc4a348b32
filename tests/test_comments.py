"""The free-text step end to end on a real warehouse: redaction before anything HR can read,
themes, safeguarding flags, disclosure control, caching and reruns."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from nlp.comments import retheme
from nlp.embeddings import embed
from nlp.redaction import redact_texts
from nlp.retention import purge_raw_text
from nlp.themes import model_version
from nlp.topics import MIN_TOPIC_CORPUS, discover_topics
from pipelines.config import Settings
from pipelines.ingest.sources import comment_sources
from pipelines.orchestration import flow
from tests.conftest import SAMPLES, shared_settings
from tests.helpers import query, run_cli
from warehouse.db import get_engine

EVAL = Path(__file__).resolve().parent / "data" / "comment_eval.jsonl"
INDIRECT_HARM = "He keeps sending me messages late at night saying he can't stop thinking about my body."
PLANTED = ["Sarah Jenkins", "sarah.jenkins@agency.example", "07700 900123", "AB123456"]


def survey_with_planted_text(path, extra_b01="4"):
    frame = pd.read_csv(SAMPLES / "exa_people_survey_2024.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "text_bullying_harassment"] = "Sarah Jenkins shouts at me; email sarah.jenkins@agency.example or ring 07700 900123."
    frame.loc[1, "text_bullying_harassment"] = "A colleague made unwanted sexual comments about me at the party."
    frame.loc[2, "text_workload"] = "My staff number is AB123456 and I have 60 open cases."
    frame.loc[7, "text_bullying_harassment"] = INDIRECT_HARM  # no rule matches: only the flag model raises it
    frame.loc[3, "B01"] = extra_b01
    frame["text_one_change"] = ""  # a question only three people answered: too few to show
    frame.loc[[4, 5, 6], "text_one_change"] = ["Fill the vacancies.", "Better IT.", "Fairer promotion boards."]
    # A question twelve answered: shown for the organisation, too few in each directorate.
    frame["text_ideas"] = ""
    answering = (frame.index[frame["unit_code"].str.startswith("OPS")][20:29]
                 .union(frame.index[frame["unit_code"].str.startswith("SUP")][20:23]))
    frame.loc[answering, "text_ideas"] = [f"Idea {i}: more time for training and fewer duplicate forms." for i in range(12)]
    frame.to_csv(path, index=False)
    return path


def load_planted_survey(settings: Settings, directory: Path):
    """The organisation and a survey with planted text loaded, and its comments processed:
    (settings, engine, the comment step's summary)."""
    flow.initialise_warehouse(settings)
    flow.ingest(settings, "org_units", [str(SAMPLES / "org_units_2024-01-01.csv")])
    outcome, = flow.ingest(settings, "people_survey", [str(survey_with_planted_text(directory / "survey.csv"))])
    assert outcome.status == "loaded"
    return settings, get_engine(settings.warehouse_url), flow.process_comments(settings)


@pytest.fixture
def loaded(settings, tmp_path):
    """A warehouse of the test's own, for a test that changes it."""
    return load_planted_survey(settings, tmp_path)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def published(request, tmp_path_factory):
    """One such warehouse per backend, shared by the tests that only read it (loading it is most
    of each test's time)."""
    with shared_settings(request, tmp_path_factory, "comments") as settings:
        yield load_planted_survey(settings, tmp_path_factory.mktemp("planted"))


def hr_views(engine) -> list[str]:
    return [v for v in sa.inspect(engine).get_view_names() if v.startswith("hr_")]


def test_no_hr_view_holds_planted_personal_data(published):
    settings, engine, summary = published
    assert summary["processed"] > 50
    assert {"hr_comments", "hr_comment_themes", "hr_survey_results"} <= set(hr_views(engine))
    for view in hr_views(engine):
        content = query(settings.warehouse_url, f"SELECT * FROM {view}").to_csv()
        for secret in PLANTED:
            assert secret not in content, f"{secret!r} visible in {view}"
    redacted = query(settings.warehouse_url, "SELECT redacted_text FROM comment")["redacted_text"]
    for placeholder in (r"\[PERSON\]", r"\[EMAIL\]", r"\[PHONE\]", r"\[STAFF_NUMBER\]"):
        assert redacted.str.contains(placeholder).any(), placeholder
    visible = query(settings.warehouse_url, "SELECT redacted_text FROM hr_comments")["redacted_text"]
    assert visible.str.contains(r"\[STAFF_NUMBER\]").any()


def test_safeguarding_cases_are_flagged_and_kept_out_of_hr_views(published):
    """A rule's flag keeps the comment from the analysts; the model's guess (no rule matches the
    indirect wording) sends the lead a copy and leaves the redacted comment where it was."""
    settings, _, _ = published
    flagged = query(settings.warehouse_url, "SELECT reason, text FROM raw_flagged_comment")
    assert flagged["text"].str.contains("unwanted sexual comments").any()
    assert flagged["reason"].str.contains("sexual_harassment_or_assault").any()
    assert flagged["reason"].str.contains("named_person_misconduct").any()
    guessed, = flagged.loc[flagged["text"] == INDIRECT_HARM, "reason"].tolist()
    assert guessed.split(";")[0] == "possible_sexual_harassment_or_assault"  # the likeliest reason first
    assert all(reason.startswith("possible_") for reason in guessed.split(";"))
    visible = query(settings.warehouse_url, "SELECT redacted_text FROM hr_comments")["redacted_text"]
    assert not visible.str.contains("unwanted sexual comments").any()
    assert visible.str.contains("thinking about my body").any()


def test_flagged_comments_are_counted_in_no_view(published):
    """Counted in hr_comment_themes but left out of hr_comments, flagged comments could be counted
    per theme by subtracting one view from the other: they are counted in neither."""
    settings, _, _ = published
    assert query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM raw_flagged_comment")["n"].iloc[0] > 0
    comments = query(settings.warehouse_url, "SELECT source, wave, question, themes FROM hr_comments")
    comments["theme"] = comments["themes"].map(lambda v: v.split(";") if v else ["other"])
    listed = comments.explode("theme").groupby(["source", "wave", "question", "theme"]).size().rename("listed").reset_index()
    counted = query(settings.warehouse_url, "SELECT source, wave, question, theme, theme_comments FROM hr_comment_themes "
                                            "WHERE unit_level = 'organisation' AND question <> '*' AND NOT suppressed")
    both = counted.merge(listed, on=["source", "wave", "question", "theme"], how="left").fillna({"listed": 0})
    assert len(both) > 0
    assert (both["theme_comments"] == both["listed"]).all()


def test_comment_groups_under_ten_are_suppressed(published):
    settings, _, _ = published
    themes = query(settings.warehouse_url, "SELECT * FROM hr_comment_themes")
    # The group sizes come from the internal facts: the view hides counts on suppressed rows.
    small = query(settings.warehouse_url, "SELECT source, wave, question, unit_code, theme FROM fact_comment_theme "
                                          "WHERE comments < 10")
    assert len(small)
    keys = ["source", "wave", "question", "unit_code", "theme"]
    small_rows = themes.merge(small, on=keys)
    assert len(small_rows) == len(small)
    assert small_rows["suppressed"].astype(bool).all()
    assert small_rows[["value", "theme_comments", "comments"]].isna().all().all()
    shown = themes[~themes["suppressed"].astype(bool)]
    assert (shown["comments"] >= 10).all()
    units = query(settings.warehouse_url, "SELECT unit_code, question, COUNT(*) AS n FROM hr_comments "
                                          "WHERE unit_code IS NOT NULL GROUP BY unit_code, question")
    assert (units["n"] >= 10).all(), "a comment shows its directorate only in groups of ten or more"


def test_counting_listed_comments_gives_no_count_the_theme_view_hides(published):
    """An analyst can count hr_comments' rows per question (and per theme): a comment is listed only
    where its question's group is shown in hr_comment_themes, so every count they give is one that
    view publishes, and the three answers to a question few answered are not listed."""
    settings, _, _ = published
    listed = query(settings.warehouse_url, "SELECT source, wave, question, COUNT(*) AS n FROM hr_comments "
                                           "GROUP BY source, wave, question")
    shown = query(settings.warehouse_url, "SELECT DISTINCT source, wave, question, comments FROM hr_comment_themes "
                                          "WHERE unit_level = 'organisation' AND question <> '*' AND NOT suppressed")
    assert "text_one_change" not in set(listed["question"])
    assert len(listed) and len(listed) == len(shown)
    both = listed.merge(shown, on=["source", "wave", "question"], how="left")
    assert (both["n"] == both["comments"]).all()


def test_a_comment_flagged_for_every_reason_keeps_them_all(settings, tmp_path):
    """Four reasons joined come to 80 characters: stored whole for the safeguarding lead."""
    flow.initialise_warehouse(settings)
    flow.ingest(settings, "org_units", [str(SAMPLES / "org_units_2024-01-01.csv")])
    frame = pd.read_csv(SAMPLES / "exa_people_survey_2024.csv", dtype=str, keep_default_na=False)
    frame.loc[0, "text_bullying_harassment"] = ("Sarah Jenkins bullies me, made unwanted sexual comments, said she would "
                                                "put me in hospital, and some days I want to die.")
    frame.to_csv(tmp_path / "survey.csv", index=False)
    assert flow.ingest(settings, "people_survey", [str(tmp_path / "survey.csv")])[0].status == "loaded"
    flow.process_comments(settings)
    reasons = query(settings.warehouse_url, "SELECT reason FROM raw_flagged_comment WHERE reason LIKE '%self_harm%'")["reason"]
    assert set(reasons.iloc[0].split(";")) >= {"sexual_harassment_or_assault", "threat_or_assault", "self_harm",
                                                 "named_person_misconduct"}


def test_reruns_only_process_new_text_and_use_the_embedding_cache(published):
    settings, engine, first = published
    cached = query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM embedding_cache")["n"].iloc[0]
    again = flow.process_comments(settings)
    assert again == {"comments": first["comments"], "processed": 0, "removed": 0}
    assert query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM embedding_cache")["n"].iloc[0] == cached


def test_a_corrected_wave_replaces_its_comments_and_purging_raw_text_keeps_the_redacted(loaded, tmp_path):
    settings, engine, first = loaded
    corrected = survey_with_planted_text(tmp_path / "corrected.csv", extra_b01="5")
    frame = pd.read_csv(corrected, dtype=str, keep_default_na=False)
    frame.loc[2, "text_workload"] = "A corrected comment about far too many cases."  # replaces the staff-number one
    frame.to_csv(corrected, index=False)
    outcome, = flow.ingest(settings, "people_survey", [str(corrected)])
    assert outcome.status == "loaded"
    summary = flow.process_comments(settings)
    assert summary["processed"] >= 1 and summary["removed"] >= 1
    stored = query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM comment")["n"].iloc[0]
    raw = query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM raw_survey_comment")["n"].iloc[0]
    assert stored == raw

    deleted = purge_raw_text(engine, 0, comment_sources())
    assert deleted["raw_survey_comment"] == raw
    flow.process_comments(settings)
    assert query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM comment")["n"].iloc[0] == stored


def test_theme_trends_cover_all_questions_and_protect_small_questions(published):
    settings, _, _ = published
    trends = query(settings.warehouse_url, "SELECT * FROM hr_comment_theme_trends WHERE source = 'people_survey'")
    assert set(trends["theme"]) >= {"bullying", "harassment", "discrimination", "workload", "other"}
    assert (trends["comments"] >= 10).all() and trends["value"].notna().all()
    per_question = query(settings.warehouse_url, "SELECT question, theme, comments, value FROM hr_comment_themes "
                                                 "WHERE unit_level = 'organisation'")
    # text_one_change has 3 comments: counted nowhere, not even in "all questions", so no total
    # minus the other questions gives it away, and the other questions stay shown.
    assert "text_one_change" not in set(per_question["question"])
    assert per_question["value"].notna().all()
    sizes = per_question.drop_duplicates("question").set_index("question")["comments"]
    assert sizes["*"] == sizes.drop("*").sum()


def test_large_batches_get_data_driven_topics_mapped_onto_the_taxonomy():
    rows = [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines()]
    texts = [r.text for r in redact_texts([row["text"] for row in rows])]
    vectors = embed(texts)
    untouched = vectors.copy()
    first = discover_topics(texts, vectors)
    assert np.array_equal(vectors, untouched), "BERTopic's guided mode must not alter the cached embeddings"
    assert discover_topics(texts, vectors) == first, "the same comments must get the same topics"
    labelled = [a for a in first if a.topic is not None]
    assert len(labelled) > len(texts) / 2
    assert {a.topic.split(":")[0] for a in labelled} >= {"bullying", "harassment", "workload"}
    assert all(0 <= a.probability <= 1 for a in labelled)
    assert not any("person" in a.topic.split(":")[1] for a in labelled), "placeholders are not topic words"
    small = discover_topics(texts[:MIN_TOPIC_CORPUS - 1], vectors[:MIN_TOPIC_CORPUS - 1])
    assert {a.topic for a in small} == {None}, "a pulse-sized batch relies on the similarity themes"


def test_umaps_compiled_code_is_kept_on_disk_for_the_next_process():
    """Topics are found by UMAP, whose numba functions each process compiled again (about 15 s of
    CPU); nlp.topics turns numba's on-disk cache on for them before the first compiles. The same
    topics from cached code are what the test above checks, in a process that may have loaded it."""
    import umap.umap_
    from numba.core.dispatcher import Dispatcher

    from nlp import topics

    topics._keep_umaps_compiled_code()
    functions = [f for f in vars(umap.umap_).values() if isinstance(f, Dispatcher)]
    assert len(functions) > 5 and all(f._cache.cache_path for f in functions)


def test_a_comment_counts_once_for_each_of_its_themes(loaded):
    """Prevalence is per theme over comments: a comment on bullying and workload counts in both,
    so a group's theme shares may add up to more than 100."""
    settings, engine, _ = loaded
    stored = query(settings.warehouse_url, "SELECT theme, themes, theme_scores, theme_model FROM comment")
    for row in stored.itertuples():
        scores = json.loads(row.theme_scores)
        assert set(scores) == set(filter(None, row.themes.split(";")))
        assert row.theme == (row.themes.split(";")[0] if row.themes else "other")
    assert set(stored["theme_model"]) == {model_version()}
    # The sample's comments each keep to one theme: give a few of them a second one.
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE comment SET themes = 'bullying;workload' WHERE comment_key IN "
                                   "(SELECT comment_key FROM comment WHERE themes = 'bullying' ORDER BY comment_key LIMIT 5)"))
    flow.process_comments(settings)  # nothing new: prevalence is rebuilt
    facts = query(settings.warehouse_url, "SELECT source, wave, theme, comments, theme_comments FROM fact_comment_theme "
                                          "WHERE unit_level = 'organisation' AND question = '*'")
    stored = query(settings.warehouse_url, "SELECT question, themes FROM comment WHERE NOT flagged")
    answered = stored.groupby("question")["themes"].transform("size")
    themes = stored.loc[answered >= settings.min_group_size, "themes"]  # a question few answered counts nowhere
    assert (themes == "bullying;workload").sum() >= 1
    for theme, count in facts.groupby("theme")["theme_comments"].sum().items():
        expected = (themes == "").sum() if theme == "other" else themes.map(lambda v, t=theme: t in v.split(";")).sum()
        assert count == expected, theme
    assert facts["theme_comments"].sum() > facts.drop_duplicates(["source", "wave"])["comments"].sum()


def test_a_new_theme_model_changes_stored_themes_only_through_retheme(loaded, culture_env, capsys):
    settings, engine, first = loaded
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE comment SET theme = 'pay', themes = 'pay', theme_scores = '{}', "
                                   "theme_model = 'centroid-v1'"))
    cached = query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM embedding_cache")["n"].iloc[0]
    flow.process_comments(settings)
    assert set(query(settings.warehouse_url, "SELECT themes FROM comment")["themes"]) == {"pay"}, \
        "a rerun never re-themes earlier comments"
    assert run_cli("retheme") == 0
    assert f"retheme: {first['comments']} comments re-themed with theme model {model_version()}" in capsys.readouterr().out
    after = query(settings.warehouse_url, "SELECT themes, theme_model FROM comment")
    assert after["themes"].nunique() > 3 and set(after["theme_model"]) == {model_version()}
    assert query(settings.warehouse_url, "SELECT COUNT(*) AS n FROM embedding_cache")["n"].iloc[0] == cached, \
        "re-theming reads the embeddings from the cache"
    assert retheme(engine, settings.min_group_size)["rethemed"] == 0
    shares = query(settings.warehouse_url, "SELECT theme, theme_comments FROM fact_comment_theme "
                                           "WHERE unit_level = 'organisation' AND question = '*' AND theme = 'pay'")
    assert shares["theme_comments"].sum() < first["comments"], "prevalence is rebuilt from the new themes"


@pytest.mark.parametrize("text", [
    "Gary Whitfield belittles the admin staff.", "Karen Doyle intimidates the new starters.",
    "Phil Garside undermines every decision we make.", "Tom Ashworth keeps picking on me."])
def test_misconduct_by_a_named_person_is_flagged_with_the_taxonomy_words(text):
    from nlp.redaction import redact
    from nlp.sensitive import rule_reasons

    assert redact(text).counts.get("PERSON") == 1
    assert rule_reasons(text, 1) == ["named_person_misconduct"]
    assert rule_reasons(text, 0) == []


def test_safeguarding_rules_cover_threats_and_self_harm_in_their_usual_forms():
    from nlp.sensitive import rule_reasons

    assert rule_reasons("He said he knows where I live and would sort me out.", 0) == ["threat_or_assault"]
    assert rule_reasons("Some days I think about ending it all.", 0) == ["self_harm"]
    assert "sexual_harassment_or_assault" in rule_reasons("He grabbed me at the leaving drinks.", 0)
    assert rule_reasons("The workload is heavy but the team is kind.", 3) == []


def test_an_attacker_with_every_theme_table_recovers_no_small_hidden_count(published):
    """Several themes per comment: the theme shares are no longer declared as adding up, and the
    test's own attacker (plain LP over each source and wave's linked table) still cannot narrow a
    hidden small group's share to less than one comment's worth."""
    from nlp.comments import _families
    from tests.attacker import deducible_ranges, exposed

    settings, _, _ = published
    facts = query(settings.warehouse_url, "SELECT * FROM fact_comment_theme")
    cells = facts.assign(
        group_id=facts["source"] + "|" + facts["wave"] + "|" + facts["question"] + "#" + facts["unit_code"].fillna("*"),
        measure=facts["theme"], respondents=facts["comments"])
    families = _families(cells)
    hidden = cells["suppressed"].astype(bool)
    assert (hidden & (cells["respondents"] < 10)).any(), "the sample has a small hidden group to attack"
    ranges = deducible_ranges(cells, families, hidden)
    assert exposed(ranges, cells, families, hidden).empty
