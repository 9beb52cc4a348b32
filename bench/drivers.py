"""Key driver analysis at Civil Service scale: relative weights with bootstrap intervals for the
three outcomes, by theme and by question, for the organisation and every directorate, from answers
already in memory.

    python bench/drivers.py                          # 3,400, 100,000 and 350,000 respondents
    python bench/drivers.py --respondents 100000 --samples 500 --kinds theme

Prints figures only (docs/performance.md).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import answers_and_units, peak_mb  # noqa: E402  (bench/ beside this script)


def main(argv=None) -> None:
    from pipelines.measures import drivers

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--respondents", type=int, nargs="+", default=[3400, 100_000, 350_000])
    parser.add_argument("--samples", type=int, default=drivers.BOOTSTRAP_SAMPLES)
    parser.add_argument("--kinds", nargs="+", default=[drivers.THEME, drivers.QUESTION],
                        choices=[drivers.THEME, drivers.QUESTION])
    arguments = parser.parse_args(argv)
    kinds = tuple(arguments.kinds)
    print(f"{'stage':<8} {'kinds':<15} {'respondents':>11} {'samples':>7} {'units':>5} {'rows':>6} {'seconds':>8} {'peak_MB':>8}")
    for respondents in arguments.respondents:
        responses, units = answers_and_units(respondents)
        started = time.perf_counter()
        rows = drivers.driver_rows(responses, units, min_group_size=10, samples=arguments.samples, kinds=kinds)
        seconds = time.perf_counter() - started
        analysed = rows[["unit_code"]].drop_duplicates().shape[0]
        print(f"{'drivers':<8} {'+'.join(kinds):<15} {respondents:>11} {arguments.samples:>7} {analysed:>5} "
              f"{len(rows):>6} {seconds:>8.1f} {peak_mb():>8}")


if __name__ == "__main__":
    main()
