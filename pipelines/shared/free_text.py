"""Where a source keeps its raw free text, as the NLP step reads it.

Declared by each source on its record (pipelines/ingest/sources/record.py) and handed to
`nlp.comments.process_comments` by whoever runs that step (the CLI, the comments DAG), so the NLP
step names no source and never imports the loaders.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawComments:
    # The restricted table holding the text; its `question` column stores the `text_<id>` header.
    table: str
    # SELECT source, wave, respondent_id, question, text, unit_code of the comments to report:
    # current wave versions only, for a source whose deliveries are versioned.
    query: str
    # True when `wave` is a date (an interview's): comments are then reported by quarter.
    wave_is_date: bool = False
