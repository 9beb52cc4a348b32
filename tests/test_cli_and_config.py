"""The command line as a user meets it, and its configuration."""
from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipelines.config import ConfigError, load_settings
from tests.helpers import run_cli


def test_defaults_put_everything_under_var():
    settings = load_settings({})
    assert settings.var_dir.name == "var"
    assert settings.warehouse_url == f"sqlite:///{settings.var_dir / 'warehouse.db'}"
    assert settings.landing_dir == settings.var_dir / "landing"
    assert settings.min_group_size == 10


def test_minimum_group_size_can_only_be_raised():
    assert load_settings({"CULTURE_MIN_GROUP_SIZE": "25"}).min_group_size == 25
    with pytest.raises(ConfigError, match="below the disclosure floor"):
        load_settings({"CULTURE_MIN_GROUP_SIZE": "5"})
    with pytest.raises(ConfigError, match="whole number"):
        load_settings({"CULTURE_MIN_GROUP_SIZE": "ten"})


def test_help_is_fast_and_lists_the_commands():
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pipelines.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("init", "ingest", "sample-data", "demo", "headlines", "comments", "purge-raw-text", "report", "notify"):
        assert command in result.stdout
    # heavy libraries are imported lazily; this is a smoke check, not a benchmark
    assert time.monotonic() - started < 15


def test_console_script_ingests_with_exit_codes(tmp_path):
    script = Path(sys.executable).parent / "culture"
    env = {**os.environ, "CULTURE_VAR_DIR": str(tmp_path / "var")}
    landing = tmp_path / "landing"
    assert subprocess.run([script, "sample-data", landing, "--respondents", "200", "--years", "2024"], env=env).returncode == 0
    ok = subprocess.run([script, "ingest", "org_units", *sorted((landing / "org_units").glob("*.csv"))],
                        env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "org_units_2020-01-01.csv: loaded" in ok.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("")
    rejected = subprocess.run([script, "ingest", "workforce", bad], env=env, capture_output=True, text=True)
    assert rejected.returncode == 1
    assert "bad.csv: rejected: [file_not_empty]" in rejected.stdout


def test_a_rejected_file_is_reported_once_with_every_problem_located(culture_env, capsys, tmp_path):
    """One verdict per file, and each further problem says where it is as the first one does,
    without quoting the personal value that broke it."""
    from pipelines.orchestration import flow
    from tests.conftest import SAMPLES

    flow.initialise_warehouse(culture_env)
    assert run_cli("ingest", "org_units", SAMPLES / "org_units_2024-01-01.csv") == 0
    frame = pd.read_csv(SAMPLES / "exa_exit_2025-H1.csv", dtype=str, keep_default_na=False)
    frame.loc[5, "leaver_id"] = "jo.bloggs@agency.example"
    frame.loc[6, "grade"] = "Jo Bloggs"
    bad = tmp_path / "exit_2025.csv"
    frame.to_csv(bad, index=False)
    capsys.readouterr()
    assert run_cli("ingest", "exit_interviews", bad) == 1
    out = capsys.readouterr().out
    verdicts = [line for line in out.splitlines()
                if "exit_2025.csv" in line and not line.lstrip().startswith(("report:", "data docs:"))]
    assert verdicts[0] == "validated exit_2025.csv: rejected" and len(verdicts) == 2, out
    assert verdicts[1].startswith("exit_2025.csv: rejected: [pseudonymous_identifier] column leaver_id, row 7"), out
    assert "    also: [valid_code] column grade, row 8: " in out, out
    assert "Bloggs" not in out and "jo.bloggs" not in out


def test_unsupported_source_and_missing_file_are_clear_errors(culture_env, capsys, tmp_path):
    assert run_cli("ingest", "people_survey", tmp_path / "nope.csv") == 2
    assert "no such file" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        run_cli("ingest", "payroll", tmp_path / "nope.csv")
    assert exit_info.value.code == 2
    assert "invalid choice: 'payroll'" in capsys.readouterr().err


def test_sample_data_is_reproducible(tmp_path):
    for name in ("a", "b"):
        assert run_cli("sample-data", tmp_path / name, "--respondents", 300, "--seed", 11) == 0
    comparison = filecmp.dircmp(tmp_path / "a", tmp_path / "b")
    for sub in comparison.subdirs.values():
        assert sub.diff_files == [] and sub.left_only == [] and sub.right_only == []


def test_civil_service_scale_sample_is_many_organisations_and_reproducible(tmp_path):
    for name in ("a", "b"):
        assert run_cli("sample-data", tmp_path / name, "--respondents", 2000, "--organisations", 5, "--years", 2024) == 0
    surveys = sorted((tmp_path / "a" / "people_survey").glob("*.csv"))
    assert len(surveys) == 5
    frames = [pd.read_csv(path, dtype=str) for path in surveys]
    assert sum(len(f) for f in frames) >= 2000 and len({f["org_code"].iloc[0] for f in frames}) == 5
    assert all(f["unit_code"].str.startswith(f["org_code"].iloc[0] + "-").all() for f in frames)
    commented = pd.concat(frames).filter(like="text_").notna().any(axis=1).mean()
    assert 0.15 < commented < 0.35, "about a fifth of respondents write a comment"
    for path in surveys:
        assert path.read_bytes() == (tmp_path / "b" / "people_survey" / path.name).read_bytes()
