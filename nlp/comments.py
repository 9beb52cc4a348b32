"""The free-text step: every new raw comment is redacted, themed and (if it must be) flagged;
theme prevalence is then rebuilt with disclosure control. Safe to rerun: only new text is
processed, and text already embedded is read from the cache."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Sequence

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from nlp.cache import cached_embeddings, text_hash
from nlp.redaction import redact_texts
from nlp.sensitive import flag_reasons, withheld_from_analysts
from nlp.taxonomy import TAXONOMY, OTHER
from nlp.themes import ThemeAssignment, assign, model_version, theme_text
from nlp.topics import discover_topics
from pipelines.disclosure import suppression as disclosure
from pipelines.measures import group_families
from pipelines.shared.free_text import RawComments
from pipelines.shared.periods import quarter_labels
from warehouse.db import table
from warehouse.load_log import lock_source
from warehouse.org_tree import ancestor_paths, directorate_of, units_in_force

ALL_QUESTIONS = "*"
# What each source's RawComments query returns.
RAW_COMMENT_COLUMNS = ["source", "wave", "respondent_id", "question", "text", "unit_code"]


def raw_comments(connection: Connection, sources: Sequence[RawComments]) -> pd.DataFrame:
    """Every comment of `sources` (where each source keeps its raw text) not yet purged."""
    frames = []
    for source in sources:
        frame = pd.read_sql(sa.text(source.query), connection)
        if source.wave_is_date:  # interviews report by quarter
            frame["wave"] = quarter_labels(frame["wave"])
        frames.append(frame.astype({"wave": str}))
    given = [f for f in frames if not f.empty]
    frame = pd.concat(given, ignore_index=True) if given else pd.DataFrame(columns=RAW_COMMENT_COLUMNS)
    # The text is part of the key, so a corrected answer is processed again.
    frame["comment_key"] = [
        hashlib.sha256(f"{s}|{w}|{r}|{q}|{t}".encode()).hexdigest()
        for s, w, r, q, t in zip(frame["source"], frame["wave"], frame["respondent_id"], frame["question"], frame["text"])
    ]
    return frame


def _directorates(connection: Connection) -> dict[str, str]:
    """Each unit's directorate (child of the top unit) in today's tree; comments are never
    placed below directorate level."""
    paths = ancestor_paths(units_in_force(connection, dt.date.today()))
    return {unit: directorate for unit in paths if (directorate := directorate_of(paths, unit))}


def process_comments(engine: Engine, min_group_size: int, sources: Sequence[RawComments],
                     progress=lambda _m: None) -> dict:
    """`sources`: where each source with free text keeps it (pipelines.ingest.sources.comment_sources(),
    handed in by the caller: this step names no source)."""
    with engine.begin() as connection:
        lock_source(connection, "comments")
        raw = raw_comments(connection, sources)
        comments = table(engine, "comment")
        stored = connection.execute(sa.select(comments.c.comment_key, comments.c.source, comments.c.wave)).all()
        known = {r.comment_key for r in stored}
        # A wave delivered again drops its old comments; a wave whose raw text was purged keeps
        # its redacted comments (its source and wave no longer appear in the raw tables).
        waves_present = set(zip(raw["source"], raw["wave"]))
        current_keys = set(raw["comment_key"])
        gone = [r.comment_key for r in stored if (r.source, r.wave) in waves_present and r.comment_key not in current_keys]
        for start in range(0, len(gone), 1000):
            connection.execute(sa.delete(comments).where(comments.c.comment_key.in_(gone[start:start + 1000])))
        new = raw[~raw["comment_key"].isin(known)].reset_index(drop=True)
        progress(f"{len(new)} new comments to redact and theme ({len(raw) - len(new)} already done)")
        if not new.empty:
            _store_new(connection, new)
        _rebuild_prevalence(connection, min_group_size)
    return {"comments": len(raw), "processed": len(new), "removed": len(gone)}


def assign_cached(connection: Connection, texts: list[str], vectors: np.ndarray | None = None) -> list[ThemeAssignment]:
    """Themes of redacted texts. Only a text with a denial left out of it needs a second
    embedding (of what remains); the rest reuse their own, from the cache."""
    reading = [theme_text(t) for t in texts]
    if vectors is None:
        vectors, _computed = cached_embeddings(connection, texts)
    changed = [i for i, (text, read) in enumerate(zip(texts, reading)) if read != text]
    if changed:
        vectors = vectors.copy()
        vectors[changed] = cached_embeddings(connection, [reading[i] for i in changed])[0]
    return assign(vectors, reading)


def _theme_columns(theme: ThemeAssignment, version: str) -> dict:
    return {"theme": theme.theme, "theme_similarity": theme.similarity,
            "themes": ";".join(name for name, _ in theme.themes),
            "theme_scores": json.dumps(dict(theme.themes), sort_keys=True), "theme_model": version}


def retheme(engine: Engine, min_group_size: int, progress=lambda _m: None) -> dict:
    """Themes every stored comment that an earlier theme model themed again with the current one
    (nothing else changes a stored comment's themes), then rebuilds prevalence. Embeddings come
    from the cache; the redacted text is all it reads, so comments whose raw text was purged are
    re-themed too."""
    version = model_version()
    with engine.begin() as connection:
        lock_source(connection, "comments")
        comments = table(connection.engine, "comment")
        stale = connection.execute(sa.select(comments.c.comment_key, comments.c.redacted_text)
                                   .where(comments.c.theme_model != version)).all()
        progress(f"{len(stale)} comments themed by an earlier model to re-theme with {version}")
        for start in range(0, len(stale), 2000):
            chunk = stale[start:start + 2000]
            themes = assign_cached(connection, [r.redacted_text for r in chunk])
            connection.execute(
                sa.update(comments).where(comments.c.comment_key == sa.bindparam("key")),
                [{"key": r.comment_key, **_theme_columns(theme, version)} for r, theme in zip(chunk, themes)])
        if stale:
            _rebuild_prevalence(connection, min_group_size)
    return {"rethemed": len(stale), "model": version}


def _store_new(connection: Connection, new: pd.DataFrame) -> None:
    redacted = redact_texts(new["text"].tolist())
    texts = [r.text for r in redacted]
    vectors, _computed = cached_embeddings(connection, texts)
    themes = assign_cached(connection, texts, vectors)
    version = model_version()
    topics = discover_topics(texts, vectors)
    directorate_of = _directorates(connection)
    now = dt.datetime.now(dt.timezone.utc)
    rows, flagged = [], []
    for row, redaction, vector, theme, topic in zip(new.itertuples(), redacted, vectors, themes, topics):
        # The flag model reads the embedding computed above for theming: each comment is embedded once.
        reasons = flag_reasons(row.text, redaction, vector)
        rows.append({
            "comment_key": row.comment_key, "source": row.source, "wave": row.wave, "question": row.question,
            "unit_code": directorate_of.get(row.unit_code), "reportable_unit_code": None,
            "redacted_text": redaction.text, "text_hash": text_hash(redaction.text), **_theme_columns(theme, version),
            "topic": topic.topic, "topic_probability": topic.probability,
            "flagged": withheld_from_analysts(reasons), "redaction_counts": json.dumps(redaction.counts, sort_keys=True),
            "processed_at": now,
        })
        if reasons:
            flagged.append({"source": row.source, "wave": row.wave, "respondent_id": row.respondent_id,
                            "question": row.question, "reason": ";".join(reasons), "text": row.text, "flagged_at": now})
    connection.execute(sa.insert(table(connection.engine, "comment")), rows)
    if flagged:
        connection.execute(sa.insert(table(connection.engine, "raw_flagged_comment")), flagged)


def _theme_grid(frame: pd.DataFrame, unit_level: str) -> pd.DataFrame:
    """Comments and comments per theme (every theme, zeros included) for each group of `frame`.
    A comment counts once for each of its themes, and as "other" when it has none."""
    keys = ["source", "wave", "question", "unit_code"]
    sizes = frame.groupby(keys, dropna=False).size().rename("comments").reset_index()
    each = frame.assign(theme=frame["themes"].map(lambda v: v.split(";") if v else [OTHER])).explode("theme")
    counts = each.groupby(keys + ["theme"], dropna=False).size().rename("theme_comments").reset_index()
    grid = sizes.merge(pd.DataFrame({"theme": list(TAXONOMY) + [OTHER]}), how="cross")
    grid = grid.merge(counts, on=keys + ["theme"], how="left").fillna({"theme_comments": 0})
    return grid.assign(unit_level=unit_level)


def _families(cells: pd.DataFrame) -> pd.DataFrame:
    """The groups' families (pipelines.measures.group_families), per source and wave: the questions form a
    breakdown of "all questions", and each directorate's answers to a question sit inside the
    organisation's."""
    groups = cells.drop_duplicates("group_id").assign(
        breakdown=lambda g: g["question"].where(g["question"] == ALL_QUESTIONS, "question").replace(ALL_QUESTIONS, "all"),
        group_value=lambda g: g["question"].where(g["question"] != ALL_QUESTIONS))
    parts = []
    for (source, wave), part in groups.groupby(["source", "wave"]):
        links = [(unit, None) for unit in part["unit_code"].dropna().unique()]
        found = group_families.families(part, links, top_units=set())
        parts.append(found.assign(family_id=f"{source}|{wave}|" + found["family_id"]))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["family_id", "group_id", "role"])


def _rebuild_prevalence(connection: Connection, k: int) -> None:
    """Theme shares per source, wave and question (and all questions together), for the whole
    organisation and per directorate, protected like survey results."""
    # Flagged comments go to the safeguarding lead only; hr_comments leaves them out, so they are
    # counted here neither (else the difference between the two views would count them).
    comments = pd.read_sql(sa.text("SELECT comment_key, source, wave, question, unit_code, themes FROM comment "
                                   "WHERE NOT flagged"), connection)
    # A question fewer than k answered in a wave is counted nowhere, not even in "all questions":
    # else that total minus the other questions would give it away, and hiding a large question
    # beside it would take that question's comments out of hr_comments too (it lists only the
    # comments of shown groups, since counting its rows must give no hidden count).
    answered = comments.groupby(["source", "wave", "question"])["comment_key"].transform("size")
    comments = comments[answered >= k]
    facts = table(connection.engine, "fact_comment_theme")
    connection.execute(sa.delete(facts))
    if comments.empty:
        return
    whole = comments.assign(unit_code=None)
    cells = pd.concat([
        _theme_grid(whole.assign(question=ALL_QUESTIONS), "organisation"),
        _theme_grid(whole, "organisation"),
        _theme_grid(comments[comments["unit_code"].notna()], "directorate"),
    ], ignore_index=True)
    cells["group"] = cells["source"] + "|" + cells["wave"] + "|" + cells["question"]
    cells["group_id"] = cells["group"] + "#" + cells["unit_code"].fillna("*")
    cells = cells.rename(columns={"comments": "respondents"}).assign(measure=cells["theme"])
    families = _families(cells)
    cells["value"] = 100.0 * cells["theme_comments"] / cells["respondents"]
    # A group's theme shares are suppressed together, one linked table; a comment may have several
    # themes, so the shares need not add up to 100 and are not declared as adding up.
    cells["suppressed"] = disclosure.suppress(cells.assign(key="theme share"), families, k,
                                              hidden_parents_pin=True).to_numpy()
    records = cells[["source", "wave", "question", "unit_code", "unit_level", "theme"]].assign(
        comments=cells["respondents"].astype(int), theme_comments=cells["theme_comments"].astype(int),
        value=cells["value"], suppressed=cells["suppressed"]).astype(object)
    connection.execute(sa.insert(facts), records.where(records.notna(), None).to_dict("records"))
    # A comment shows its directorate only where that directorate's group is reportable.
    directorate_cells = cells[cells["unit_level"] == "directorate"]
    hidden = directorate_cells.groupby(["group", "unit_code"])["suppressed"].any()
    reportable = {key for key, is_hidden in hidden.items() if not is_hidden}
    comment_table = table(connection.engine, "comment")
    connection.execute(sa.update(comment_table).values(reportable_unit_code=None))
    group = comments["source"] + "|" + comments["wave"] + "|" + comments["question"]
    keyed = comments[[(g, u) in reportable for g, u in zip(group, comments["unit_code"])]]
    for unit, keys in keyed.groupby("unit_code")["comment_key"]:
        key_list = keys.tolist()
        for start in range(0, len(key_list), 1000):
            connection.execute(sa.update(comment_table).where(comment_table.c.comment_key.in_(key_list[start:start + 1000]))
                               .values(reportable_unit_code=unit))
