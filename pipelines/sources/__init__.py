"""One module per landing source: how its headers map, how it is validated, how it loads."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
from sqlalchemy.engine import Connection

from pipelines.problems import Problem


@dataclass(frozen=True)
class Source:
    name: str
    canonical_name: Callable[[str], str | None]
    validate: Callable[[pd.DataFrame, Connection], list[Problem]]
    wave_of: Callable[[pd.DataFrame], str]
    # Writes the file's rows inside the caller's transaction; returns the staged survey wave id
    # for sources whose results are computed and published in later steps, else None.
    load: Callable[[Connection, pd.DataFrame, int], int | None]


def get_source(name: str) -> Source:
    from pipelines.sources import org_units, people_survey, workforce

    sources = {s.name: s for s in (org_units.SOURCE, workforce.SOURCE, people_survey.SOURCE)}
    if name not in sources:
        planned = {"pulse", "exit_interviews", "stay_interviews"}
        if name in planned:
            raise ValueError(f"source {name!r} is in the contract but not supported yet")
        raise ValueError(f"unknown source {name!r}; choose from {', '.join(sorted(sources | dict.fromkeys(planned)))}")
    return sources[name]


SOURCE_NAMES = ("org_units", "workforce", "people_survey", "pulse", "exit_interviews", "stay_interviews")
