"""A landing directory of sample deliveries: the organisation's tree, surveys and workforce
snapshots, and optionally the pulses and interviews that follow the last survey."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from pipelines.samples.followups import write_followups
from pipelines.samples.organisation import (
    DEFAULT_RESPONSE_RATE, TREE_VALID_FROM, calibration_targets, org_unit_rows, survey_frame, workforce_frame,
)


def write_sample_organisation(directory: str | Path, respondents: int = 3400, seed: int = 7,
                              years: tuple[int, ...] = (2023, 2024), pulses: int = 0) -> list[Path]:
    """Write a landing directory (one sub-directory per source). Returns the files written.

    With `pulses`, the year after the last survey also gets that many bi-monthly pulses and a
    half-year of exit and stay interviews (pipelines/samples/followups.py).
    """
    root = Path(directory)
    written = []
    units_file = root / "org_units" / f"org_units_{TREE_VALID_FROM}.csv"
    units_file.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(org_unit_rows()).to_csv(units_file, index=False)
    written.append(units_file)
    for offset, year in enumerate(years):
        # Earlier waves had a few fewer respondents, as response rates drift.
        survey = survey_frame(int(respondents * 0.97 ** (len(years) - 1 - offset)), seed, year)
        survey_file = root / "people_survey" / f"exa_people_survey_{year}.csv"
        survey_file.parent.mkdir(parents=True, exist_ok=True)
        survey.to_csv(survey_file, index=False, quoting=csv.QUOTE_MINIMAL)
        rate = calibration_targets(year).get("RESPONSE_RATE", DEFAULT_RESPONSE_RATE)
        workforce_file = root / "workforce" / f"workforce_{year}-09-01.csv"
        workforce_file.parent.mkdir(parents=True, exist_ok=True)
        workforce_frame(survey, f"{year}-09-01", rate, seed + year).to_csv(workforce_file, index=False)
        written += [survey_file, workforce_file]
    if pulses:
        written += write_followups(root, max(years) + 1, seed, pulses=pulses)
    return written
