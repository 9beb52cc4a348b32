"""Writes the GX suites in expectations/ from the contract rules each source module declares.

    python -m pipelines.ingest.validation.suites          # regenerate expectations/*.json

The JSON files are committed so that rule changes are reviewable; a test fails when they are
out of date with the code.
"""
from __future__ import annotations

import json
import sys

from pipelines.ingest.sources import SOURCE_NAMES, get_source
from pipelines.ingest.validation.expect import suite
from pipelines.ingest.validation.gx_runner import suite_path


def build_suite(source: str) -> dict:
    definition = get_source(source)
    return suite(f"{source}_contract", definition.expectations(), definition.identifier)


def rendered(source: str) -> str:
    return json.dumps(build_suite(source), indent=2, sort_keys=False) + "\n"


def write_suites() -> list[str]:
    written = []
    for source in SOURCE_NAMES:
        path = suite_path(source)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered(source), encoding="utf-8")
        written.append(str(path))
    return written


if __name__ == "__main__":
    for name in write_suites():
        print(f"wrote {name}")
    sys.exit(0)
