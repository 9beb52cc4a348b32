"""Exit and stay interview figures on small synthetic files with hand-computed answers, loaded
through the real ingest path into SQLite and PostgreSQL warehouses."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipelines.config import Settings
from pipelines.orchestration import flow
from tests.conftest import SAMPLES, shared_settings
from tests.helpers import query

ORG_UNITS = [
    ("EXA", "Example Agency", "", "organisation", "2020-01-01"),
    ("D1", "Directorate one", "EXA", "directorate", "2020-01-01"),
    ("D2", "Directorate two", "EXA", "directorate", "2020-01-01"),
    ("T1", "Team one", "D1", "team", "2020-01-01"),
    ("T2", "Team two", "D1", "team", "2020-01-01"),
    ("T3", "Team three", "D2", "team", "2020-01-01"),
    ("T2", "Team two", "D2", "team", "2025-04-01"),  # team two moves to directorate two in April
]
HEADCOUNT = {
    "2025-01-01": [("T1", "EO", 100), ("T2", "EO", 60), ("T2", "HEO", 40), ("T3", "EO", 200)],
    "2025-04-01": [("T1", "EO", 100), ("T2", "EO", 50), ("T2", "HEO", 30), ("T3", "EO", 200)],
}
EXIT_COLUMNS = ["leaver_id", "interview_date", "leaving_date", "unit_code", "grade", "tenure_years", "leaving_type",
                "primary_reason", "other_reasons", "would_return", "recommend_0_10", "text_notes"]
T1_SCORES = [10, 10, 9, 8, 7, 6, 5, 0, 9, 10]


def write_csv(path: Path, header: list[str], rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def exit_rows() -> list[list]:
    rows = []
    # Q1: team one, 10 resignations for workload (4 also for pay), all would return.
    for i in range(10):
        rows.append([f"A{i:02}", "2025-02-10", "2025-02-14", "T1", "EO", 1.0 if i < 5 else 3.0, 1, "workload",
                     "pay_benefits" if i < 4 else "", 1, T1_SCORES[i], ""])
    # Q1: team two (still in directorate one), 9 resignations for pay and 3 retirements.
    for i in range(12):
        rows.append([f"B{i:02}", "2025-03-03", "2025-03-07", "T2", "EO" if i < 8 else "HEO", "",
                     1 if i < 9 else 2, "pay_benefits" if i < 9 else "", "", "", "", ""])
    # Q2: team two, now in directorate two: 11 resignations.
    for i in range(11):
        rows.append([f"C{i:02}", "2025-05-05", "2025-05-09", "T2", "EO", "", 1,
                     "workload" if i < 5 else "line_management" if i < 10 else "pay_benefits", "", "", "", ""])
    return rows


def load_interviews(settings: Settings, files: Path) -> Settings:
    """The organisation, its headcount snapshots and the exit interviews, loaded."""
    flow.initialise_warehouse(settings)
    units = write_csv(files / "org_units.csv", ["unit_code", "unit_name", "parent_code", "level", "valid_from"], ORG_UNITS)
    assert flow.ingest(settings, "org_units", [str(units)])[0].status == "loaded"
    for date, rows in HEADCOUNT.items():
        snapshot = write_csv(files / f"workforce_{date}.csv", ["snapshot_date", "unit_code", "grade", "sex", "headcount"],
                             [(date, unit, grade, "", n) for unit, grade, n in rows])
        assert flow.ingest(settings, "workforce", [str(snapshot)])[0].status == "loaded"
    exits = write_csv(files / "exits_2025.csv", EXIT_COLUMNS, exit_rows())
    outcome, = flow.ingest(settings, "exit_interviews", [str(exits)])
    assert outcome.status == "loaded", outcome.message
    return settings


@pytest.fixture
def interviews(settings, tmp_path):
    """A warehouse of the test's own, for a test that loads more into it."""
    return load_interviews(settings, tmp_path / "files")


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def published(request, tmp_path_factory):
    """One such warehouse per backend, shared by the tests that only read it."""
    with shared_settings(request, tmp_path_factory, "interviews") as settings:
        yield load_interviews(settings, tmp_path_factory.mktemp("interview-files"))


def figure(url: str, view: str, measure: str, period: str, unit: str | None = None, breakdown: str = "all",
           group: str | None = None):
    rows = query(url, f"SELECT * FROM {view} WHERE measure = :m AND period = :p AND breakdown = :b "
                      "AND COALESCE(unit_code, '') = :u AND COALESCE(group_value, '') = :g",
                 m=measure, p=period, b=breakdown, u=unit or "", g=group or "")
    assert len(rows) == 1, f"{view} {measure} {period} {unit} {breakdown} {group}: {len(rows)} rows"
    return rows.iloc[0]


def test_leaving_rates_per_quarter_against_average_headcount(published):
    url = published.warehouse_url
    assert figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q1", "T1")["value"] == pytest.approx(10.0)
    assert figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q1", "T2")["value"] == pytest.approx(12.0)
    org = figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q1")
    assert (org["value"], org["leavers"], org["average_headcount"]) == (pytest.approx(5.5), 22, 400)
    assert figure(url, "hr_leaving_rates", "voluntary_leaving_rate", "2025-Q1")["value"] == pytest.approx(19 / 4)
    assert figure(url, "hr_leaving_rates", "other_leaving_rate", "2025-Q1")["value"] == pytest.approx(3 / 4)
    # Q2 reads the April snapshot, with team two under directorate two.
    assert figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q2", "T2")["value"] == pytest.approx(100 * 11 / 80)
    assert figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q2", "D2")["value"] == pytest.approx(100 * 11 / 280)
    assert figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q2")["value"] == pytest.approx(100 * 11 / 380)


def test_leavers_count_against_the_unit_they_left_from(published):
    url = published.warehouse_url
    d1 = figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q1", "D1")
    assert (d1["leavers"], d1["value"]) == (22, pytest.approx(11.0))  # team two's Q1 leavers stay with directorate one
    assert bool(figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q1", "D2")["suppressed"])  # nobody left it in Q1
    assert bool(figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q2", "D1")["suppressed"])


def test_small_groups_and_their_complements_are_suppressed(published):
    url = published.warehouse_url
    heo = figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q1", breakdown="grade", group="HEO")
    assert bool(heo["suppressed"]) and heo["value"] is None and heo["leavers"] is None
    # EO (18 of 22 leavers) is hidden too, or HEO would be 22 - 18 = 4.
    eo = figure(url, "hr_leaving_rates", "leaving_rate", "2025-Q1", breakdown="grade", group="EO")
    assert bool(eo["suppressed"]) and eo["value"] is None
    for view in ("hr_leaving_rates", "hr_leaver_reasons"):
        shown = query(url, f"SELECT * FROM {view} WHERE NOT suppressed")
        counts = shown["leavers"] if view == "hr_leaving_rates" else shown["interviews"]
        assert len(shown) and (counts >= 10).all()
        hidden = query(url, f"SELECT * FROM {view} WHERE suppressed")
        assert len(hidden) and hidden["value"].isna().all()


def test_leaver_reasons_would_return_recommend_and_tenure(published):
    url = published.warehouse_url
    assert figure(url, "hr_leaver_reasons", "primary:workload", "2025")["value"] == pytest.approx(50.0)
    assert figure(url, "hr_leaver_reasons", "primary:pay_benefits", "2025")["value"] == pytest.approx(100 / 3)
    any_pay = figure(url, "hr_leaver_reasons", "any:pay_benefits", "2025")
    assert (any_pay["value"], any_pay["interviews"]) == (pytest.approx(100 * 14 / 30), 30)
    assert figure(url, "hr_leaver_reasons", "voluntary_share", "2025")["value"] == pytest.approx(100 * 30 / 33)
    assert figure(url, "hr_leaver_reasons", "would_return_yes", "2025")["value"] == pytest.approx(100.0)
    assert figure(url, "hr_leaver_reasons", "recommend_net_score", "2025")["value"] == pytest.approx(20.0)
    assert figure(url, "hr_leaver_reasons", "recommend_10", "2025")["value"] == pytest.approx(30.0)
    assert figure(url, "hr_leaver_reasons", "tenure_mean_years", "2025")["value"] == pytest.approx(2.0)
    assert figure(url, "hr_leaver_reasons", "tenure_under_2_years", "2025")["value"] == pytest.approx(50.0)
    assert figure(url, "hr_leaver_reasons", "primary:workload", "2025")["survey_measure"] == "C02_workload"


def test_stay_factors_split_by_hard_to_recruit_roles_and_considering_leaving(interviews, tmp_path):
    settings = interviews
    rows = [[f"S{i:02}", "2025-05-20", "T1" if i % 2 else "T3", "EO", 1 if i < 12 else 0, 1 if i < 14 else 2,
             "colleagues" if (i < 6 or 12 <= i < 15) else "pay_pension", "workload" if i < 8 else "", 1 if i < 20 else 2, ""]
            for i in range(24)]
    stays = write_csv(tmp_path / "stays.csv", ["interview_id", "interview_date", "unit_code", "grade", "hard_to_recruit_role",
                                              "considering_leaving", "stay_factors", "leave_risks", "intent_12m",
                                              "text_what_keeps_you"], rows)
    outcome, = flow.ingest(settings, "stay_interviews", [str(stays)])
    assert outcome.status == "loaded", outcome.message
    url = settings.warehouse_url
    assert figure(url, "hr_stay_factors", "factor:colleagues", "2025")["value"] == pytest.approx(37.5)
    assert figure(url, "hr_stay_factors", "factor:colleagues", "2025", breakdown="hard_to_recruit_role", group="1")["value"] == pytest.approx(50.0)
    assert figure(url, "hr_stay_factors", "factor:colleagues", "2025", breakdown="hard_to_recruit_role", group="0")["value"] == pytest.approx(25.0)
    risk = figure(url, "hr_stay_factors", "risk:workload", "2025")
    # Base: interviews naming any risk; only 8 did, too few to show.
    assert (risk["interviews"], bool(risk["suppressed"]), risk["value"]) == (None, True, None)  # the count is hidden too
    base = query(url, "SELECT respondents FROM fact_interview_measure WHERE topic = 'stay' AND measure = 'risk:workload' "
                      "AND period = '2025' AND unit_code IS NULL AND breakdown = 'all'")
    assert base["respondents"].tolist() == [8]
    assert figure(url, "hr_stay_factors", "considering_leaving_yes", "2025")["value"] == pytest.approx(100 * 14 / 24)
    assert figure(url, "hr_stay_factors", "intent_12m_stay", "2025", breakdown="considering_leaving", group="1")["value"] == pytest.approx(100.0)


def test_exit_reasons_sit_beside_the_surveys_reasons_for_wanting_to_leave(settings):
    flow.initialise_warehouse(settings)
    for source, name in (("org_units", "org_units_2024-01-01.csv"), ("workforce", "workforce_2024-09-01.csv"),
                         ("people_survey", "exa_people_survey_2024.csv"), ("exit_interviews", "exa_exit_2025-H1.csv")):
        outcome, = flow.ingest(settings, source, [str(SAMPLES / name)])
        assert outcome.status == "loaded", outcome.message
    url = settings.warehouse_url
    side_by_side = query(url, "SELECT * FROM hr_leaver_reasons WHERE unit_code IS NULL AND breakdown = 'all' "
                              "AND measure LIKE 'any:%' AND survey_measure IS NOT NULL")
    assert len(side_by_side) and set(side_by_side["survey_wave"]) == {"2024"}
    survey = query(url, "SELECT measure, value FROM hr_survey_results WHERE wave = '2024' AND unit_code IS NULL "
                        "AND breakdown = 'all' AND (measure LIKE 'C02_%' OR measure IN ('C01_1', 'C01_2'))")
    survey = dict(zip(survey["measure"], survey["value"]))
    for row in side_by_side.itertuples():
        assert row.survey_value == pytest.approx(survey[row.survey_measure])
        assert row.survey_intend_to_leave == pytest.approx(survey["C01_1"] + survey["C01_2"])
