"""Every benchmark script still runs end to end at a tiny size and prints a row of figures.

Smoke tests only: what the figures are is the benchmarks' business (docs/performance.md), never
an assertion here.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BENCH = Path(__file__).resolve().parent.parent / "bench"


def run_bench(script: str, *arguments: str) -> str:
    result = subprocess.run([sys.executable, str(BENCH / script), *arguments], capture_output=True, text=True,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def figure_rows(output: str, first_column: str) -> list[list[str]]:
    """Table rows whose first cell is `first_column`, split into cells."""
    return [line.split() for line in output.splitlines() if re.match(rf"\s*{re.escape(first_column)}\s", line)]


@pytest.mark.postgres
def test_ingest_benchmark_on_sqlite_and_postgresql(postgres_server):
    output = run_bench("ingest.py", "--sizes", "300", "--postgres", postgres_server)
    rows = figure_rows(output, "sqlite") + figure_rows(output, "postgresql+psycopg")
    assert [row[1] for row in rows] == ["300", "300"], output
    assert all(float(row[2]) > 0 for row in rows)


def test_measures_benchmark_prints_the_duckdb_ratio():
    output = run_bench("measures.py", "--respondents", "400")
    row, = figure_rows(output, "400")
    assert len(row) >= 4 and "failed" not in output, output


def test_validation_benchmark():
    output = run_bench("validate.py", "--respondents", "400")
    row, = figure_rows(output, "400")
    assert float(row[-1]) > 0, output  # peak memory


def test_free_text_benchmark_prints_stages_and_the_pipeline_step():
    output = run_bench("nlp.py", "--sizes", "250")
    stages, pipeline_step = output.split("pipeline comment step")
    stage, = figure_rows(stages, "250")
    assert stage[7].endswith("x"), output  # the cached-theming speed-up
    step, = [line.split() for line in pipeline_step.splitlines() if re.match(r"\s*\d", line)]
    assert step[4].endswith("x"), output  # the rerun's speed-up


@pytest.mark.postgres
def test_pulse_latency_benchmark_in_process(postgres_server):
    output = run_bench("pulse_latency.py", "--postgres", postgres_server, "--history", "1", "--respondents", "60",
                       "--no-airflow")
    row, = figure_rows(output, "1")
    assert float(row[1]) > 0 and row[2] == "-", output


def test_disclosure_benchmark_prints_information_loss_and_time():
    output = run_bench("disclosure.py", "--respondents", "600", "--organisations", "2")
    assert "600 respondents in 2 organisation(s)" in output, output
    assert "family by family" in output and "linked suppression" in output, output


def test_workbook_reader_benchmark():
    output = run_bench("workbook_reader.py", "--rows", "200", "--openpyxl")
    assert [row[:2] for row in figure_rows(output, "calamine")] == [["calamine", "200"]]
    assert [row[:2] for row in figure_rows(output, "openpyxl")] == [["openpyxl", "200"]]


def test_key_driver_benchmark_prints_a_row_per_size():
    output = run_bench("drivers.py", "--respondents", "400", "--samples", "20")
    rows = figure_rows(output, "drivers")
    assert [row[1:3] for row in rows] == [["theme+question", "400"]]
