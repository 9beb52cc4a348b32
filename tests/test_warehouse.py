"""The warehouse schema: one Alembic history for SQLite and PostgreSQL, and the same results from both."""
from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.config import Settings
from pipelines.orchestration.flow import initialise_warehouse
from tests.helpers import ingest_landing, query, run_cli
from warehouse.db import current_revision, downgrade, forget_reflected_schema, get_engine, migrate


def test_migrations_upgrade_downgrade_and_upgrade_again(warehouse_url):
    from alembic.script import ScriptDirectory

    from warehouse.db import MIGRATIONS_DIR

    migrate(warehouse_url)
    assert current_revision(warehouse_url) == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    downgrade(warehouse_url, "base")
    assert "hr_survey_results" not in sa.inspect(get_engine(warehouse_url)).get_view_names()
    migrate(warehouse_url)
    forget_reflected_schema()
    assert "hr_survey_results" in sa.inspect(get_engine(warehouse_url)).get_view_names()


def test_reference_data_loads_and_reloads(warehouse_url, tmp_path):
    settings = Settings(tmp_path, tmp_path / "landing", warehouse_url, 10)
    first = initialise_warehouse(settings)
    second = initialise_warehouse(settings)
    assert first == second
    benchmark = query(warehouse_url, "SELECT * FROM ref_benchmark WHERE year = 2023 AND measure = 'E03_yes'")
    assert benchmark["cs_benchmark_median"].iloc[0] == pytest.approx(7.895)  # spelt E03_YES in the file
    c02 = query(warehouse_url, "SELECT * FROM ref_benchmark WHERE year = 2023 AND measure = 'C02_pay_benefits'")
    assert c02["cs_benchmark_median"].iloc[0] == pytest.approx(50.0)  # C02_04 in the file


@pytest.mark.slow
def test_sqlite_and_postgresql_give_the_same_results(tmp_path, monkeypatch, postgres_url):
    landing = tmp_path / "landing"
    assert run_cli("sample-data", landing, "--respondents", 900, "--years", 2023, 2024) == 0
    frames = []
    for url in (f"sqlite:///{tmp_path / 'w.db'}", postgres_url):
        monkeypatch.setenv("CULTURE_WAREHOUSE_URL", url)
        monkeypatch.setenv("CULTURE_VAR_DIR", str(tmp_path / "var"))
        ingest_landing(landing)
        frame = query(url, "SELECT * FROM hr_survey_results")
        for column in ("significant", "change_significant", "suppressed"):
            frame[column] = frame[column].map(lambda v: None if pd.isna(v) else bool(v))
        key = ["wave", "unit_code", "breakdown", "group_value", "measure"]
        frames.append(frame.sort_values(key, na_position="first").reset_index(drop=True))
    sqlite, postgres = frames
    assert len(sqlite) > 10_000
    pd.testing.assert_frame_equal(sqlite, postgres, check_dtype=False, atol=1e-9)
