"""Acceptance (issue 20): messy and hostile files never crash a load, never leak, never block.

A table of mutations is applied to a valid file of every source; each mutated file must end as a
`rejected` verdict naming the rule, column and row, with a load-log row and a quarantined file,
and the warehouse's data unchanged — on SQLite and on PostgreSQL alike.
"""
from __future__ import annotations

import dataclasses
import os
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.orchestration import flow
from pipelines.config import Settings
from tests.conftest import SAMPLES, shared_settings
from tests.helpers import SAMPLE_FILES, cell, frame_edit, query, run_cli, with_organisation

# Per source: its key column, a date column, and a column where a huge value is out of bounds.
COLUMNS = {
    "org_units": {"key": "unit_code", "date": "valid_from", "long": "level"},
    "workforce": {"key": "unit_code", "date": "snapshot_date", "long": "grade"},
    "people_survey": {"key": "respondent_id", "date": None, "long": "text_workload"},
    "pulse": {"key": "respondent_id", "date": "response_date", "long": "text_comment"},
    "exit_interviews": {"key": "leaver_id", "date": "leaving_date", "long": "text_notes"},
    "stay_interviews": {"key": "interview_id", "date": "interview_date", "long": "text_what_keeps_you"},
}
DATA_TABLES = ("dim_org_unit", "fact_workforce", "survey_wave", "raw_survey_response", "raw_survey_comment",
               "raw_pulse_response", "raw_exit_interview", "raw_stay_interview", "raw_interview_comment",
               "fact_survey_measure")


# -- mutations: each returns a function editing the file in place ----------------------------------

def _unpadded(date: str) -> str:
    year, month, day = date.split("-")
    return f"{year}-{int(month)}-{int(day)}"


def _date_edit(column: str, row: int, rewrite):
    def change(frame):
        frame.loc[row, column] = rewrite(frame.loc[row, column])
    return frame_edit(change)


def _late_nul(path: Path) -> None:
    """A NUL byte far beyond the first 64 KiB, in the last row's first cell."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["supplier_note"] = ""
    frame.loc[0, "supplier_note"] = "x" * 70_000  # an ignored extra column pushes the NUL late
    frame.to_csv(path, index=False)
    lines = path.read_bytes().split(b"\n")
    last = max(i for i, line in enumerate(lines) if line.strip())
    lines[last] = lines[last].replace(b",", b"\x00,", 1)
    path.write_bytes(b"\n".join(lines))


def _latin1_in_row(row: int):
    def apply(path: Path) -> None:
        lines = path.read_bytes().split(b"\n")
        lines[row - 1] = b"\xe9" + lines[row - 1]  # spreadsheet row `row` is line `row`
        path.write_bytes(b"\n".join(lines))
    return apply


def _utf16(path: Path) -> None:
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))


def _blank_line_then(edit):
    def apply(path: Path) -> None:
        edit(path)
        lines = path.read_bytes().split(b"\n")
        lines.insert(1, b"")
        path.write_bytes(b"\n".join(lines))
    return apply


def _rename(column: str, new: str):
    return frame_edit(lambda frame: frame.rename(columns={column: new}, inplace=True))


def mutations(source: str) -> dict:
    """mutation name -> (edit, rule, column or None, first spreadsheet row or None)."""
    key, date, long = COLUMNS[source]["key"], COLUMNS[source]["date"], COLUMNS[source]["long"]
    first_column = (SAMPLES / SAMPLE_FILES[source]).read_text(encoding="utf-8").split(",", 1)[0]
    cases = {
        "identifier or code over the stored length": (cell(key, 2, "K" * 70), "max_length", key, 4),
        "huge field (over the csv module's 131,072)": (
            cell(long, 0, "y" * 200_000), "text_length" if long.startswith("text_") else "max_length", long, 2),
        "NUL byte after the first 64 KiB": (_late_nul, "no_nul_bytes", first_column, None),
        "Latin-1 byte in row 4": (_latin1_in_row(4), "file_is_utf8", first_column, 4),
        "UTF-16 file": (_utf16, "file_is_utf8", None, None),
        "blank line before the broken row": (_blank_line_then(cell(key, 2, "K" * 70)), "max_length", key, 5),
    }
    if date:
        cases |= {
            "date without zero padding": (_date_edit(date, 1, _unpadded), "iso_date", date, 3),
            "date padded with a space": (_date_edit(date, 1, lambda d: d[:8] + " " + d[9:] if d[8] == "0" else d[:8] + " 9"),
                                         "iso_date", date, 3),
            "date in the future": (cell(date, 1, "2031-01-02"), "date_not_in_future", date, 3),
        }
    if long.startswith("text_"):
        cases["free-text header over the stored length"] = (_rename(long, "text_" + "a" * 70), "max_length", None, None)
    if source == "people_survey":
        cases["org_code over the stored length"] = (frame_edit(lambda f: f.__setitem__("org_code", "O" * 40)),
                                                    "max_length", "org_code", 2)
    if source == "workforce":
        cases["headcount over 2**31 - 1"] = (cell("headcount", 0, str(2**31)), "integer_range", "headcount", 2)
        cases["headcount 1e20"] = (cell("headcount", 0, "1e20"), "non_negative_count", "headcount", 2)
    return cases


CASES = [(source, name) for source in SAMPLE_FILES for name in mutations(source)]


# -- one warehouse per backend for the whole corpus ---------------------------------------------

@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def warehouse(request, tmp_path_factory):
    with shared_settings(request, tmp_path_factory, "hostile") as settings:
        yield with_organisation(settings)


def data_counts(url: str) -> dict[str, int]:
    return {t: int(query(url, f"SELECT COUNT(*) AS n FROM {t}")["n"].iloc[0]) for t in DATA_TABLES}


@pytest.mark.parametrize("source,mutation", CASES, ids=[f"{s}: {m}" for s, m in CASES])
def test_hostile_file_is_rejected_with_where_and_why_and_nothing_changes(warehouse, source, mutation):
    edit, rule, column, row = mutations(source)[mutation]
    landed = warehouse.landing_dir / source / f"hostile-{uuid.uuid4().hex[:8]}.csv"
    landed.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / SAMPLE_FILES[source], landed)
    edit(landed)
    before = data_counts(warehouse.warehouse_url)
    log_before = int(query(warehouse.warehouse_url, "SELECT COUNT(*) AS n FROM load_log")["n"].iloc[0])

    outcome, = flow.ingest(warehouse, source, [str(landed)])  # must not raise

    assert outcome.status == "rejected", f"{outcome.status}: {outcome.message}"
    matching = [p for p in outcome.problems if p["rule"] == rule]
    assert matching, f"expected {rule}, got {[(p['rule'], p['column']) for p in outcome.problems]}"
    if column is not None:
        assert any(p["column"] == column for p in matching), matching
    if row is not None:
        assert any(row in p["rows"] for p in matching if column is None or p["column"] == column), matching
    assert outcome.message.startswith("[")  # the first problem in full: [rule] column, row: message
    assert data_counts(warehouse.warehouse_url) == before
    log = query(warehouse.warehouse_url, "SELECT file_name, outcome FROM load_log ORDER BY load_id")
    assert len(log) == log_before + 1 and log.iloc[-1].to_dict() == {"file_name": landed.name, "outcome": "rejected"}
    assert not landed.exists(), "the landing directory is cleared of it"
    assert list((warehouse.quarantine_dir / source).glob(f"*{landed.name}"))


def test_corpus_covers_every_source_and_the_issues_cases():
    assert {source for source, _ in CASES} == set(SAMPLE_FILES)
    assert len(CASES) >= 40


# -- faults of ours: a verdict, a report, the batch carries on, nothing leaks --------------------

PLANTED = ("Sarah Jenkins", "07700 900123", "sarah.jenkins@agency.example", "P99999-secret")


def _planted_pulse(path: Path) -> Path:
    frame = pd.read_csv(SAMPLES / SAMPLE_FILES["pulse"], dtype=str, keep_default_na=False)
    frame.loc[0, "text_comment"] = f"{PLANTED[0]} rang me on {PLANTED[1]} at night"
    frame.loc[1, "respondent_id"] = PLANTED[3]
    frame.to_csv(path, index=False)
    return path


@pytest.fixture
def reference(culture_env):
    assert run_cli("ingest", "org_units", SAMPLES / SAMPLE_FILES["org_units"]) == 0
    assert run_cli("ingest", "workforce", SAMPLES / SAMPLE_FILES["workforce"]) == 0
    return culture_env


def test_a_database_error_fails_the_file_alone_without_leaking_its_rows(reference, monkeypatch, capsys, caplog):
    """The warehouse refuses a row (as it did for gaps in the contract): the file fails with a
    report, a load-log row and a quarantine; the database error, whose text holds the rows, is
    never shown; the valid file of the same batch still loads; the exit code says 'failed'."""
    import pipelines.ingest.sources.stay_interviews as stay

    real_load = stay.SOURCE.load

    def insert_a_refused_row(connection, frame, load_id):
        if frame["interview_id"].iloc[0] != "ST0000":
            return real_load(connection, frame, load_id)
        # A NULL in a NOT NULL column, with personal data among the parameters.
        connection.execute(sa.text("INSERT INTO raw_stay_interview (interview_id, load_id, interview_date, unit_code, "
                                   "hard_to_recruit_role, considering_leaving) VALUES (:i, :l, NULL, :u, 0, 1)"),
                           {"i": PLANTED[3], "l": load_id, "u": PLANTED[0]})
        return None

    monkeypatch.setattr(stay, "SOURCE", dataclasses.replace(stay.SOURCE, load=insert_a_refused_row))
    landing = reference.landing_dir / "stay_interviews"
    landing.mkdir(parents=True)
    failing = landing / "a_first.csv"
    shutil.copy(SAMPLES / SAMPLE_FILES["stay_interviews"], failing)
    good = landing / "b_second.csv"
    frame = pd.read_csv(SAMPLES / SAMPLE_FILES["stay_interviews"], dtype=str, keep_default_na=False)
    frame["interview_id"] = frame["interview_id"].str.replace("ST", "SU")
    frame.to_csv(good, index=False)
    capsys.readouterr()

    code = run_cli("ingest", "stay_interviews", failing, good)

    out, err = capsys.readouterr()
    assert code == 3, out + err
    assert "a_first.csv: failed: the warehouse refused the file while loading" in out
    assert "b_second.csv: loaded" in out
    url = reference.warehouse_url
    assert query(url, "SELECT COUNT(*) AS n FROM raw_stay_interview")["n"].iloc[0] == 25
    log = query(url, "SELECT file_name, outcome, message FROM load_log WHERE source = 'stay_interviews' ORDER BY load_id")
    assert log[["file_name", "outcome"]].to_dict("records") == [
        {"file_name": "a_first.csv", "outcome": "failed"}, {"file_name": "b_second.csv", "outcome": "loaded"}]
    assert not failing.exists() and list((reference.quarantine_dir / "stay_interviews").glob("*a_first.csv"))
    _assert_nothing_planted(reference, out + err + caplog.text + " ".join(log["message"].fillna("")))


def test_personal_data_in_failing_files_reaches_no_output_log_or_report(reference, capsys, caplog):
    """Names, phone numbers, e-mail addresses and identifiers planted in rejected files appear in
    no printed line, log, report, Data Docs page or load-log message."""
    landing = reference.landing_dir / "pulse"
    landing.mkdir(parents=True)
    name_in_code = _planted_pulse(landing / "name_in_a_code_column.csv")
    frame = pd.read_csv(name_in_code, dtype=str, keep_default_na=False)
    frame.loc[2, "unit_code"] = PLANTED[0]
    frame.loc[3, "grade"] = PLANTED[2]
    frame.loc[4, "respondent_id"] = PLANTED[2]
    frame.to_csv(name_in_code, index=False)
    duplicate = _planted_pulse(landing / "duplicate_ids.csv")
    frame = pd.read_csv(duplicate, dtype=str, keep_default_na=False)
    frame.loc[5, "respondent_id"] = PLANTED[3]  # the planted id twice: a duplicate
    frame.loc[6, "response_date"] = "2031-01-01"
    frame.to_csv(duplicate, index=False)
    capsys.readouterr()

    assert run_cli("ingest", "pulse", name_in_code, duplicate) == 1
    out, err = capsys.readouterr()
    assert out.count(": rejected:") == 2
    log = query(reference.warehouse_url, "SELECT message FROM load_log")
    _assert_nothing_planted(reference, out + err + caplog.text + " ".join(log["message"].fillna("")))


def _assert_nothing_planted(settings: Settings, printed: str) -> None:
    written = [p for p in settings.var_dir.rglob("*") if p.is_file() and not p.is_symlink()]
    # The quarantined deliveries themselves hold what was delivered, by design; their reports must not.
    written = [p for p in written if not (p.is_relative_to(settings.quarantine_dir) and p.suffix == ".csv")]
    assert any(p.suffix == ".json" for p in written) and any(p.suffix == ".html" for p in written)
    for secret in PLANTED:
        assert secret not in printed, f"{secret!r} was printed or logged"
        for file in written:
            assert secret not in file.read_text(encoding="utf-8", errors="ignore"), f"{secret!r} leaked into {file}"
    # No digest of an identifier either (a guessed id could be tested against it).
    import hashlib

    for secret in PLANTED:
        digest = hashlib.sha256(secret.encode()).hexdigest()[:16]
        assert all(digest not in f.read_text(encoding="utf-8", errors="ignore") for f in written)


def test_a_file_name_of_240_characters_is_judged_like_any_other(reference, capsys):
    landing = reference.landing_dir / "pulse"
    landing.mkdir(parents=True)
    long_name = landing / ("p" * 236 + ".csv")
    _planted_pulse(long_name)
    frame = pd.read_csv(long_name, dtype=str, keep_default_na=False)
    frame.loc[0, "sex"] = "9"
    frame.to_csv(long_name, index=False)
    assert run_cli("ingest", "pulse", long_name) == 1
    assert "rejected: [valid_code] column sex, row 2" in capsys.readouterr().out
    assert not long_name.exists()
    quarantined, = [p for p in (reference.quarantine_dir / "pulse").iterdir() if p.suffix == ".csv"]
    assert len(os.fsencode(quarantined.name + ".report.json")) <= 255


def test_a_warehouse_that_cannot_be_reached_is_a_failure_not_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CULTURE_WAREHOUSE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/nowhere")
    monkeypatch.setenv("CULTURE_VAR_DIR", str(tmp_path / "var"))
    assert run_cli("ingest", "pulse", SAMPLES / SAMPLE_FILES["pulse"]) == 3
    err = capsys.readouterr().err
    assert "error: the pipeline failed:" in err and "OperationalError" in err and "Traceback" not in err
