"""A Civil Service-scale synthetic wave: many organisations, one survey file each (the contract
allows one org_code per file), every question, about a fifth of respondents with comments.

Each organisation is the Example Agency's shape with its own unit codes (`D017-OPS-N-T1`), its
own size (departments differ a lot in size) and its own seed, so results differ between them.
Reproducible: the same arguments write byte-identical files.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.samples.organisation import (
    DEFAULT_RESPONSE_RATE, ORG_CODE, TREE_VALID_FROM, _exact_counts, org_unit_rows, survey_frame, workforce_frame,
)


def organisation_codes(count: int) -> list[str]:
    return [f"D{i:03d}" for i in range(1, count + 1)]


def organisation_sizes(respondents: int, count: int, seed: int) -> np.ndarray:
    """Respondents per organisation: lognormal shares (a few large departments, many small bodies)."""
    shares = np.random.default_rng(seed).lognormal(0.0, 1.0, count)
    sizes = _exact_counts(respondents, list(shares))
    return np.maximum(sizes, 20)


def _prefixed(units: pd.DataFrame, code: str) -> pd.DataFrame:
    units = units.copy()
    units["unit_code"] = code + "-" + units["unit_code"]
    units["parent_code"] = np.where(units["parent_code"] == "", "", code + "-" + units["parent_code"])
    units.loc[units["level"] == "organisation", ["unit_code", "unit_name"]] = [code, f"Department {code}"]
    units["parent_code"] = units["parent_code"].replace(f"{code}-{ORG_CODE}", code)
    return units


def write_civil_service_wave(directory: str | Path, respondents: int = 350_000, organisations: int = 100,
                             seed: int = 7, year: int = 2024) -> list[Path]:
    root = Path(directory)
    for source in ("org_units", "workforce", "people_survey"):
        (root / source).mkdir(parents=True, exist_ok=True)
    template = pd.DataFrame(org_unit_rows())
    codes = organisation_codes(organisations)
    units_file = root / "org_units" / f"org_units_{TREE_VALID_FROM}.csv"
    pd.concat([_prefixed(template, code) for code in codes]).to_csv(units_file, index=False)
    written = [units_file]
    workforce = []
    for index, (code, size) in enumerate(zip(codes, organisation_sizes(respondents, organisations, seed))):
        survey = survey_frame(int(size), seed + index, year)
        survey["respondent_id"] = code + "-" + survey["respondent_id"]
        survey["org_code"] = code
        survey["unit_code"] = code + "-" + survey["unit_code"]
        path = root / "people_survey" / f"{code.lower()}_people_survey_{year}.csv"
        survey.to_csv(path, index=False)
        written.append(path)
        staff = workforce_frame(survey.assign(unit_code=survey["unit_code"].str.removeprefix(code + "-")),
                                f"{year}-09-01", DEFAULT_RESPONSE_RATE, seed + index)
        workforce.append(staff.assign(unit_code=code + "-" + staff["unit_code"]))
    workforce_file = root / "workforce" / f"workforce_{year}-09-01.csv"
    pd.concat(workforce).to_csv(workforce_file, index=False)
    return [*written, workforce_file]
