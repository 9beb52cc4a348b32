"""The Excel reader on a workforce-shaped sheet (a title row, then snapshot_date, unit_code, grade,
sex, headcount), 6,000 and 350,000 rows.

    python bench/workbook_reader.py                        # 6,000 and 350,000 rows
    python bench/workbook_reader.py --rows 6000 --openpyxl # also openpyxl's read-only mode, for comparison

Prints, per size, the file size, the wall time and peak memory of `read_landed_workbook` (opening
the workbook, finding the header, turning each typed cell into contract text), each size in a
fresh child process. Writing the workbook (openpyxl, write-only) is not timed. Figures only, no
assertions; see docs/performance.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import figures_from_child, peak_mb  # noqa: E402  (bench/ beside this script)

GRADES = ("AA", "AO", "EO", "HEO", "SEO", "G7", "G6")


def make_sheet(rows: int, directory: Path) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Workforce")
    sheet.append(["Workforce snapshot"])
    sheet.append(["snapshot_date", "unit_code", "grade", "sex", "headcount"])
    snapshot = dt.date(2024, 9, 1)
    for n in range(rows):
        sheet.append([snapshot, f"U{n // 14:05d}", GRADES[n % 7], 1 + (n // 7) % 2, n % 40])
    path = directory / f"workforce_{rows}.xlsx"
    workbook.save(path)
    return path


def read_with_openpyxl(path: Path) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    return sum(1 for _ in workbook["Workforce"].iter_rows(values_only=True))


def measure(rows: int, reader: str) -> dict:
    from pipelines.ingest.column_mapping import NO_MAPPING
    from pipelines.ingest.landing_excel import read_landed_workbook
    from pipelines.ingest.sources import get_source

    path = make_sheet(rows, Path(tempfile.mkdtemp(prefix="culture-bench-xlsx-")))
    before = peak_mb()
    started = time.perf_counter()
    if reader == "openpyxl":
        read_with_openpyxl(path)
    else:
        frame, _, _ = read_landed_workbook(path, get_source("workforce").canonical_name, NO_MAPPING)
        assert len(frame) == rows
    elapsed = time.perf_counter() - started
    return {"reader": reader, "rows": rows, "file_mb": round(path.stat().st_size / 1e6, 1), "wall_s": round(elapsed, 2),
            "rows_per_s": round(rows / elapsed), "peak_rss_mb": peak_mb(), "rss_before_mb": before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[6_000, 350_000])
    parser.add_argument("--openpyxl", action="store_true", help="also time openpyxl's read-only mode (cells only)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(int(args.child[0]), args.child[1])))
        return
    readers = ["calamine", "openpyxl"] if args.openpyxl else ["calamine"]
    print(f"{'reader':>10}{'rows':>9}{'file MB':>9}{'wall s':>9}{'rows/s':>10}{'peak MB':>9}")
    for rows in args.rows:
        for reader in readers:
            f = figures_from_child(__file__, str(rows), reader)
            if f is not None:
                print(f"{f['reader']:>10}{f['rows']:>9}{f['file_mb']:>9}{f['wall_s']:>9}{f['rows_per_s']:>10}{f['peak_rss_mb']:>9}")


if __name__ == "__main__":
    main()
