"""Measure computation against a near-limit reference: the same measures for the same groups,
computed by DuckDB in one SQL pass (GROUPING SETS) over the same in-memory answers.

    python bench/measures.py                       # 3,400, 100,000 and 350,000 respondents
    python bench/measures.py --respondents 100000

Both sides start from the answers already in memory (as the pipeline reads them from the
warehouse) and compute every question's % positive, the answer shares, C01 and C02 shares and
the EEI for the organisation, every unit at every level and the demographic groups of the
organisation and its directorates. Prints figures only (targets: docs/performance.md).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import answers_and_units, peak_mb  # noqa: E402  (bench/ beside this script)


def duckdb_sql(responses, units) -> str:
    """One SELECT with a grouping set per reported group kind, every measure as an aggregate."""
    from pipelines.shared import contract, reference
    from warehouse.org_tree import ancestor_paths

    aggregates = []
    for q in reference.question_bank():
        column = q.column
        if q.scale == "yes_no_pnts":
            for suffix, code in (("yes", 1), ("no", 2), ("pnts", 3)):
                aggregates.append(f"100.0 * AVG(CASE WHEN {column} IS NULL THEN NULL WHEN {column} = {code} THEN 1 ELSE 0 END) AS \"{q.code}_{suffix}\"")
        elif q.code == "C01":
            for code in contract.SCALE_CODES["intent4"]:
                aggregates.append(f"100.0 * AVG(CASE WHEN c01 IS NULL THEN NULL WHEN c01 = {code} THEN 1 ELSE 0 END) AS \"C01_{code}\"")
        else:
            positive = ", ".join(str(c) for c in sorted(q.positive_codes))
            aggregates.append(f"100.0 * AVG(CASE WHEN {column} IS NULL THEN NULL WHEN {column} IN ({positive}) THEN 1 ELSE 0 END) AS \"{q.code}\"")
        aggregates.append(f"COUNT({column}) AS \"n_{q.code}\"")
    reasons = [f"c02_{r['code']}" for r in reference.leaving_reasons()]
    leaving = f"(c01 IN (1, 2) AND ({' OR '.join(f'{c} = 1' for c in reasons)}))"
    for column in reasons:
        aggregates.append(f"100.0 * AVG(CASE WHEN {leaving} THEN COALESCE({column}, 0) ELSE NULL END) AS \"C02_{column[4:]}\"")
    items = [c.lower() for c in reference.ENGAGEMENT_ITEMS]
    present = " + ".join(f"({c} IS NOT NULL)::INT" for c in items)
    total = " + ".join(f"COALESCE(25 * ({c} - 1), 0)" for c in items)
    aggregates.append(f"AVG(CASE WHEN {present} > 0 THEN ({total}) / ({present}) END) AS \"EEI\"")

    paths = ancestor_paths(units)
    depth = max(len(p) for p in paths.values())
    levels = [f"level{k}" for k in range(1, depth)]
    breakdowns = [b for b in contract.REPORTED_BREAKDOWNS if b in responses]
    sets = ["()"] + [f"({level})" for level in levels] + [f"({b})" for b in breakdowns] + [f"(level1, {b})" for b in breakdowns]
    return (f"SELECT {', '.join(levels + breakdowns)}, {', '.join(aggregates)} "
            f"FROM answers JOIN unit_paths USING (unit_code) GROUP BY GROUPING SETS ({', '.join(sets)})")


def unit_paths_frame(units):
    import pandas as pd

    from warehouse.org_tree import ancestor_paths

    paths = ancestor_paths(units)
    depth = max(len(p) for p in paths.values())
    return pd.DataFrame([{"unit_code": unit, **{f"level{k}": (path[k] if len(path) > k else None) for k in range(1, depth)}}
                         for unit, path in paths.items()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, nargs="+", default=[3400, 100_000, 350_000])
    args = parser.parse_args()

    import duckdb

    from pipelines.measures.survey_measures import compute_measures

    print(f"{'respondents':>12}{'pipeline s':>12}{'duckdb s':>10}{'ratio':>8}{'cells':>10}{'peak MB':>9}{'max diff':>12}")
    for size in args.respondents:
        responses, units = answers_and_units(size)
        started = time.perf_counter()
        cells, _families = compute_measures(responses, units)
        ours = time.perf_counter() - started

        database = duckdb.connect()
        database.register("answers", responses.drop(columns=["respondent_id"]))
        database.register("unit_paths", unit_paths_frame(units))
        sql = duckdb_sql(responses, units)
        started = time.perf_counter()
        result = database.execute(sql).df()
        reference_s = time.perf_counter() - started
        print(f"{size:>12}{ours:>12.2f}{reference_s:>10.2f}{ours / reference_s:>7.1f}x{len(cells):>10}{peak_mb():>9}"
              f"{largest_difference(cells, result):>12.1e}")
    print("(ratio = pipeline / DuckDB for the measure computation; DuckDB's is one GROUPING SETS pass, no disclosure "
          "control; max diff = largest difference between the two, organisation level, in points)")


def largest_difference(cells, result) -> float:
    """The two computations agree: compare every organisation-level measure."""
    grouping = [c for c in result.columns if c.startswith("level") or not (c[0].isupper() or c.startswith("n_"))]
    whole = result[result[grouping].isna().all(axis=1)].iloc[0]
    ours = cells[cells["unit_code"].isna() & (cells["breakdown"] == "all")].set_index("measure")["value"]
    shared = [m for m in ours.index if m in whole.index]
    return max(abs(float(ours[m]) - float(whole[m])) for m in shared)


if __name__ == "__main__":
    main()
