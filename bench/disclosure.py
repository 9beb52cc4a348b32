"""Disclosure control: time of the suppression step and the information it costs.

    python bench/disclosure.py                                    # 3,400 in one organisation; 350,000 across 100
    python bench/disclosure.py --respondents 3400 --organisations 1
    python bench/disclosure.py --respondents 350000 --organisations 100 --processes 2

For each organisation (sizes as in `culture sample-data --organisations N`: a few large departments,
many small bodies), the people-survey measures of every reported group are computed (not timed),
then suppressed three ways:
- primary only: cells of fewer than 10 respondents (the floor, and what leaks by subtraction);
- family by family: the previous release's method, kept here as the baseline;
- linked: this release's method (pipelines/disclosure/survey_cells.py), every linked table at once.
Prints, per run: cells, primary cells, cells hidden beyond the primary ones by each method (number
and share of all cells, for all measures and for the routed questions E05/E06/C02), and the
linked step's time (the sum over organisations and the wall time with --processes workers).
Figures only; targets are in docs/performance.md.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import answers_and_units, peak_mb  # noqa: E402  (bench/ beside this script)


def family_by_family(cells, families, k: int):
    """The previous release's complementary suppression: each family on its own (a shown parent
    minus its shown children must leave 0 or at least k respondents), no linked solving."""
    import numpy as np

    suppressed = (cells["respondents"] < k).to_numpy().copy()
    keyed = cells[["group_id", "measure", "respondents"]].assign(cell=range(len(cells)))
    parents = families[families["role"] == "parent"][["family_id", "group_id"]]
    children = families[families["role"] == "child"][["family_id", "group_id"]]
    parent_cells = parents.merge(keyed, on="group_id").rename(
        columns={"respondents": "parent_n", "cell": "parent_cell"})[["family_id", "measure", "parent_n", "parent_cell"]]
    child_cells = children.merge(keyed, on="group_id")
    while True:
        shown = child_cells[~suppressed[child_cells["cell"].to_numpy()]]
        shown_n = shown.groupby(["family_id", "measure"], sort=False)["respondents"].sum().rename("shown_n")
        check = parent_cells.join(shown_n, on=["family_id", "measure"]).fillna({"shown_n": 0})
        remainder = check["parent_n"] - check["shown_n"]
        parent_shown = ~suppressed[check["parent_cell"].to_numpy()]
        leaking = check[parent_shown & (remainder > 0) & (remainder < k)]
        candidates = shown.merge(leaking[["family_id", "measure"]], on=["family_id", "measure"])
        if leaking.empty or candidates.empty:
            return np.asarray(suppressed)
        smallest = candidates.sort_values(["respondents", "group_id"]).drop_duplicates(["family_id", "measure"])
        suppressed[smallest["cell"].to_numpy()] = True


def one_organisation(job: tuple[int, int]) -> dict:
    from pipelines.disclosure.survey_cells import suppress_survey_cells
    from pipelines.measures.survey_measures import compute_measures

    seed, respondents = job
    cells, families = compute_measures(*answers_and_units(respondents, seed))
    started, cpu_started = time.perf_counter(), time.process_time()
    linked = suppress_survey_cells(cells, families, 10).to_numpy()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    primary = (cells["respondents"] < 10).to_numpy()
    previous = family_by_family(cells, families, 10)
    routed = cells["measure"].str.match(r"^(E05|E06|C02)").to_numpy()
    return {"cells": len(cells), "routed": int(routed.sum()), "primary": int(primary.sum()),
            "primary_routed": int((primary & routed).sum()),
            "previous": int((previous & ~primary).sum()), "previous_routed": int((previous & ~primary & routed).sum()),
            "linked": int((linked & ~primary).sum()), "linked_routed": int((linked & ~primary & routed).sum()),
            "seconds": seconds, "cpu_seconds": cpu_seconds, "process": os.getpid(), "peak_mb": peak_mb()}


def run(respondents: int, organisations: int, processes: int) -> None:
    from pipelines.samples.civil_service import organisation_sizes

    sizes = [respondents] if organisations == 1 else list(organisation_sizes(respondents, organisations, seed=7))
    jobs = [(seed, int(size)) for seed, size in enumerate(sizes, start=1)]
    jobs.sort(key=lambda job: -job[1])  # largest first, so the processes finish together
    started = time.perf_counter()
    if processes > 1:
        with ProcessPoolExecutor(processes) as pool:
            results = list(pool.map(one_organisation, jobs))
    else:
        results = [one_organisation(job) for job in jobs]
    wall = time.perf_counter() - started
    total = {key: sum(r[key] for r in results) for key in results[0] if key not in ("peak_mb", "process")}
    # The step's own wall time: each process suppresses its organisations one after another.
    per_process: dict[int, float] = {}
    for r in results:
        per_process[r["process"]] = per_process.get(r["process"], 0.0) + r["seconds"]

    def share(part: str, whole: str) -> str:
        return f"{total[part]:>7} ({100 * total[part] / max(total[whole], 1):4.1f}%)"

    print(f"{sum(sizes):>9,} respondents in {organisations} organisation(s)")
    print(f"  cells {total['cells']:,} (routed E05/E06/C02: {total['routed']:,}); primary {share('primary', 'cells')}")
    print(f"  hidden beyond primary, all measures:    family by family {share('previous', 'cells')}   linked {share('linked', 'cells')}")
    print(f"  hidden beyond primary, routed measures: family by family {share('previous_routed', 'routed')}   linked {share('linked_routed', 'routed')}")
    print(f"  linked suppression: {total['seconds']:.1f} s summed over organisations ({total['cpu_seconds']:.1f} s CPU); "
          f"{max(per_process.values()):.1f} s wall with {processes} process(es) (the busiest process's share); "
          f"{wall:.1f} s wall for the whole run (sample data and measures included); "
          f"peak {max(r['peak_mb'] for r in results)} MB per process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int)
    parser.add_argument("--organisations", type=int, default=1)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args()
    runs = [(args.respondents, args.organisations)] if args.respondents else [(3400, 1), (350_000, 100)]
    for respondents, organisations in runs:
        run(respondents, organisations, args.processes)


if __name__ == "__main__":
    main()
