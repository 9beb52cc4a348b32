"""The culture report from demo-shaped data: opened in headless Chromium, never showing a
suppressed value, exports safe to open in a spreadsheet."""
from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest
import sqlalchemy as sa

from nlp.comments import process_comments
from pipelines import flow
from pipelines.config import Settings
from pipelines.report import build_report
from pipelines.sample_data import write_sample_organisation
from warehouse.db import get_engine

SENTINEL = 87.654321  # planted in every suppressed cell behind the views
FORMULAS = {"OPS": '=HYPERLINK("http://evil.example","click")', "INT": "@SUM(1+1)*cmd|' /C calc'!A0"}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    # A raised threshold, as an organisation may set, so that some commands are suppressed.
    settings = Settings(root / "var", root / "landing", f"sqlite:///{root / 'warehouse.db'}", 50)
    write_sample_organisation(settings.landing_dir, respondents=600, seed=5, pulses=3)
    units_file, = (settings.landing_dir / "org_units").glob("*.csv")
    units = pd.read_csv(units_file, dtype=str, keep_default_na=False)
    units["unit_name"] = [FORMULAS.get(code, name) for code, name in zip(units["unit_code"], units["unit_name"])]
    units.to_csv(units_file, index=False)
    flow.initialise_warehouse(settings)
    for source in ("org_units", "workforce", "people_survey", "pulse", "exit_interviews", "stay_interviews"):
        outcomes = flow.ingest(settings, source, flow.find_landed_files(settings, source))
        assert {o.status for o in outcomes} == {"loaded"}, [o.message for o in outcomes]
    engine = get_engine(settings.warehouse_url)
    process_comments(engine, settings.min_group_size)
    with engine.begin() as connection:
        for table, column in (("fact_survey_measure", "value"), ("fact_pulse_measure", "value_weighted"),
                              ("fact_pulse_measure", "value_unweighted"), ("fact_comment_theme", "value"),
                              ("fact_interview_measure", "value")):
            planted = connection.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE suppressed"), {"v": SENTINEL})
            assert planted.rowcount > 0, f"no suppressed cell in {table}: the test would prove nothing"
    paths = build_report(settings, root / "out")
    return settings, paths


class ExternalReferences(HTMLParser):
    """Tags that would load something from outside the file (script contents are not parsed as tags)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith(("#", "data:", "file:")):
                self.found.append(f"<{tag} {name}={value}>")


def test_report_is_one_self_contained_file(report):
    _, paths = report
    html = paths[0].read_text(encoding="utf-8")
    assert paths[0].name == "culture_report.html"
    parser = ExternalReferences()
    parser.feed(html)
    assert parser.found == []
    assert "Civil Service benchmark (" in html  # a headline statement in plain English


def test_no_suppressed_value_appears_anywhere(report):
    _, paths = report
    for path in paths:
        if path.suffix == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None, dtype=str)
            text = "\n".join(frame.to_csv() for frame in sheets.values())
        else:
            text = path.read_text(encoding="utf-8")
        assert "87.654" not in text, f"a suppressed value leaked into {path.name}"


def test_formula_strings_are_escaped_in_the_exports(report):
    _, paths = report
    workbook = next(p for p in paths if p.suffix == ".xlsx")
    heatmap = pd.read_excel(workbook, sheet_name="Themes by unit", dtype=str)
    names = set(heatmap["Unit"])
    assert {"'" + formula for formula in FORMULAS.values()} <= names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
    csv_text = next(p for p in paths if p.name == "unit_theme_heatmap.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in csv_text and not any(line.startswith("=") for line in csv_text.splitlines())


@pytest.mark.slow
def test_report_renders_in_headless_chromium_without_console_errors(report, tmp_path):
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no chromium: install Debian's chromium package (.ci/run does)")
        pytest.skip("no chromium on this machine (apt-get install chromium); REQUIRE_BROWSER=1 makes this fail")
    from playwright.sync_api import sync_playwright

    _, paths = report
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: None if request.url.startswith(("file:", "data:", "blob:"))
                else errors.append(f"fetched from outside: {request.url}"))
        page.goto(paths[0].as_uri())
        page.wait_for_load_state("load")
        assert page.locator("#headlines li").count() >= 3
        for chart in ("chart-heatmap", "chart-shifts", "chart-comments", "chart-themes", "chart-leavers"):
            assert page.locator(f"#{chart} .main-svg").count() >= 1, f"{chart} did not render"
        suppressed_cells = page.locator("#chart-heatmap text").filter(has_text=re.compile(r"^suppressed$"))
        assert suppressed_cells.count() >= 1, "suppressed heatmap cells must say so, not be blank"
        screenshot = tmp_path / "report.png"
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    assert errors == []
    assert screenshot.stat().st_size > 50_000


def test_the_report_builds_after_a_rejected_file(tmp_path):
    """A rejected file leaves a row with a message in the load log beside loaded files without one."""
    settings = Settings(tmp_path / "var", tmp_path / "landing", f"sqlite:///{tmp_path / 'warehouse.db'}", 10)
    write_sample_organisation(settings.landing_dir, respondents=300, seed=5, years=(2024,), pulses=0)
    flow.initialise_warehouse(settings)
    for source in ("org_units", "workforce", "people_survey"):
        assert {o.status for o in flow.ingest(settings, source, flow.find_landed_files(settings, source))} == {"loaded"}
    bad = tmp_path / "bad_workforce.csv"
    bad.write_text("snapshot_date,unit_code,grade,sex,headcount\n2024-09-01,NOWHERE,EO,1,5\n", encoding="utf-8")
    assert flow.ingest(settings, "workforce", [str(bad)])[0].status == "rejected"
    html, *_ = build_report(settings, tmp_path / "out")
    page = html.read_text(encoding="utf-8")
    assert "bad_workforce.csv" in page and "rejected" in page
