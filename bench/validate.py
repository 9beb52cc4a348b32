"""Validation of a people-survey file (file checks + the GX suite), at Civil Service scale.

    python bench/validate.py                     # 350,000 respondents
    python bench/validate.py --respondents 100000 350000

Prints wall time and peak memory of `validate_file` (reading the CSV, file-level checks, the
Great Expectations suite, the JSON report and Data Docs), each size in a fresh child process.
Figures only, no assertions; see docs/performance.md.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import figures_from_child, peak_mb, sample_warehouse  # noqa: E402  (bench/ beside this script)


def make_file(respondents: int, directory: Path) -> Path:
    from pipelines.samples.organisation import survey_frame

    path = directory / f"survey_{respondents}.csv"
    survey_frame(respondents, seed=7, year=2024).to_csv(path, index=False)
    return path


def measure(respondents: int) -> dict:
    from pipelines.ingest.steps import validate_file

    work = Path(tempfile.mkdtemp(prefix="culture-bench-validate-"))
    settings = sample_warehouse(work, respondents=10)
    path = make_file(respondents, work)
    size_mb = path.stat().st_size / 1e6
    started = time.perf_counter()
    outcome = validate_file(settings, "people_survey", path)
    elapsed = time.perf_counter() - started
    return {"respondents": respondents, "file_mb": round(size_mb), "status": outcome.status, "wall_s": round(elapsed, 1),
            "rows_per_s": round(respondents / elapsed), "peak_rss_mb": peak_mb()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, nargs="+", default=[350_000])
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    print(f"{'respondents':>12}{'file MB':>9}{'status':>10}{'wall s':>9}{'rows/s':>9}{'peak MB':>9}")
    for size in args.respondents:
        f = figures_from_child(__file__, str(size))
        if f is None:
            continue
        print(f"{f['respondents']:>12}{f['file_mb']:>9}{f['status']:>10}{f['wall_s']:>9}{f['rows_per_s']:>9}{f['peak_rss_mb']:>9}")
    print("(validate = read + file-level checks + GX suite + report + Data Docs; excludes generating the file)")


if __name__ == "__main__":
    main()
