"""What the benchmarks share: a sample organisation's warehouse, ready for a survey wave, and the
process's peak memory."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path


def peak_mb() -> int:
    """This process's largest resident set so far, in MB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def answers_and_units(respondents: int, seed: int = 7):
    """A sample organisation's survey answers (as the pipeline reads them from the warehouse) and
    its org units, in memory."""
    import pandas as pd

    from pipelines.samples.organisation import org_unit_rows, survey_frame
    from pipelines.ingest.sources.people_survey import response_records

    frame = survey_frame(respondents, seed=seed, year=2024).astype(str).replace({"<NA>": "", "nan": ""})
    responses = response_records(frame, wave_id=1)
    units = pd.DataFrame(org_unit_rows())[["unit_code", "unit_name", "parent_code", "level"]].replace("", None)
    return responses, units


def sample_warehouse(work: Path, respondents: int, url: str | None = None):
    """Writes a sample organisation (one 2024 wave of `respondents`) into work/landing and loads its
    org units and workforce into a new warehouse (SQLite in `work` unless `url` is given); the
    survey wave is left in the landing directory. Returns the Settings."""
    from pipelines.orchestration import flow
    from pipelines.config import Settings
    from pipelines.samples.deliveries import write_sample_organisation

    write_sample_organisation(work / "landing", respondents=respondents, years=(2024,))
    settings = Settings(work / "var", work / "landing", url or f"sqlite:///{work / 'warehouse.db'}", 10)
    flow.initialise_warehouse(settings)
    for source in ("org_units", "workforce"):
        flow.ingest(settings, source, flow.find_landed_files(settings, source))
    return settings


def figures_from_child(script: str, *arguments: str) -> dict | None:
    """Runs `script --child ARGUMENTS` in a fresh interpreter, so that its peak memory is its own,
    and returns the figures it printed as its last line of JSON (None, with the error printed, if it failed)."""
    result = subprocess.run([sys.executable, script, "--child", *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        print(f"{' '.join(arguments)}: failed\n{result.stderr[-2000:]}")
        return None
    return json.loads(result.stdout.strip().splitlines()[-1])
