"""The built-in attacker on a real warehouse: `culture audit disclosure` passes what publishing
produced, finds leaks planted in the published view, and publishing refuses a wave it can break."""
from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.publish import wave_results
from tests.helpers import ingest_landing, query, run_cli
from warehouse.db import get_engine

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def small_org_landing(tmp_path_factory):
    landing = tmp_path_factory.mktemp("small-org")
    assert run_cli("sample-data", landing, "--respondents", 700, "--years", 2024, "--pulses", 0, "--seed", 3) == 0
    return landing


def _execute(url: str, sql: str) -> None:
    with get_engine(url).begin() as connection:
        connection.execute(sa.text(sql))


def test_the_audit_passes_a_published_wave_and_finds_a_leak_planted_in_the_view(small_org_landing, culture_env, capsys):
    ingest_landing(small_org_landing)
    capsys.readouterr()
    assert run_cli("audit", "disclosure") == 0
    assert "no hidden cell can be worked out" in capsys.readouterr().out

    # Undo the secondary suppression of one question, as a careless edit of the view's data would.
    _execute(culture_env.warehouse_url,
             "UPDATE fact_survey_measure SET suppressed = FALSE WHERE measure LIKE 'E03%' AND respondents >= 10")
    assert run_cli("audit", "disclosure", "--wave", "2024") == 1
    printed = capsys.readouterr().out
    assert "E03" in printed and "can be worked out" in printed
    assert "Sarah" not in printed


def _weak_suppression(cells, families, min_group_size, value="value"):
    """Primary suppression only: what publishing must refuse."""
    return cells["respondents"] < min_group_size


def test_publishing_refuses_a_wave_the_audit_can_break_and_keeps_the_previous_version(
        small_org_landing, culture_env, monkeypatch, tmp_path, capsys):
    for source in ("org_units", "workforce"):
        assert run_cli("ingest", source, *sorted((small_org_landing / source).glob("*.csv"))) == 0
    survey = next((small_org_landing / "people_survey").glob("*.csv"))
    assert run_cli("ingest", "people_survey", survey) == 0
    before = query(culture_env.warehouse_url, "SELECT measure, unit_code, breakdown, group_value, value "
                                              "FROM hr_survey_results")

    corrected = tmp_path / "corrected.csv"
    pd.read_csv(survey, dtype=str, keep_default_na=False).iloc[:-1].to_csv(corrected, index=False)
    monkeypatch.setattr(wave_results, "suppress_survey_cells", _weak_suppression)
    capsys.readouterr()
    assert run_cli("ingest", "people_survey", corrected) == 3  # a fault of ours, not of the file
    printed = capsys.readouterr().out
    assert "withheld" in printed and "disclosure audit" in printed

    after = query(culture_env.warehouse_url, "SELECT measure, unit_code, breakdown, group_value, value "
                                             "FROM hr_survey_results")
    assert len(after) == len(before)
    assert after["value"].fillna(-1).sum() == pytest.approx(before["value"].fillna(-1).sum())
    log = query(culture_env.warehouse_url, "SELECT file_name, outcome, message FROM load_log WHERE source = 'people_survey' "
                                           "ORDER BY load_id")
    assert list(log["outcome"]) == ["loaded", "withheld"]
    assert "disclosure audit" in log["message"].iloc[-1]
    waves = query(culture_env.warehouse_url, "SELECT status FROM survey_wave ORDER BY wave_id")
    assert list(waves["status"]) == ["current", "withheld"]
