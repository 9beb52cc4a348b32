"""The culture reports from demo-shaped data: findings first, every directorate, response rates and
sample comments, never a suppressed value, readable labels, relative links; opened in headless
Chromium with axe-core; and built in the awkward cases (rejected file, no survey, first year,
everything suppressed)."""
from __future__ import annotations

import os
import re
import shutil
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.orchestration import flow
from pipelines.config import Settings
from pipelines.report.build import INDEX_NAME, build_report
from pipelines.samples.deliveries import write_sample_organisation
from warehouse.db import get_engine

# Planted in every suppressed cell behind the views. Out of every real figure's range (shares are
# 0-100, the sample has 600 respondents), so it is recognisable however the outputs round it; and
# absent from the plotly library inlined in the page.
SENTINEL = 73152.4321
SENTINEL_FORMS = ("73152", "73,152")
FORMULAS = {"OPS": '=HYPERLINK("http://evil.example","click")', "INT": "@SUM(1+1)*cmd|' /C calc'!A0"}
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CODES = re.compile(r"\b(THEME|SHIFT|any|factor|THEME_BASE):[a-z_]+|\bdiff_pp\b|\b\d+\.\d\b")


def _load(settings: Settings, sources=("org_units", "workforce", "people_survey", "pulse", "exit_interviews", "stay_interviews")):
    flow.initialise_warehouse(settings)
    for source in sources:
        files = flow.find_landed_files(settings, source)
        if files:
            outcomes = flow.ingest(settings, source, files)
            assert {o.status for o in outcomes} == {"loaded"}, [o.message for o in outcomes]


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
    _load(settings)
    engine = get_engine(settings.warehouse_url)
    flow.process_comments(settings)
    with engine.begin() as connection:
        for table, column in (("fact_survey_measure", "value"), ("fact_pulse_measure", "value_weighted"),
                              ("fact_pulse_measure", "value_unweighted"), ("fact_comment_theme", "value"),
                              ("fact_interview_measure", "value")):
            planted = connection.execute(sa.text(f"UPDATE {table} SET {column} = :v WHERE suppressed"), {"v": SENTINEL})
            assert planted.rowcount > 0, f"no suppressed cell in {table}: the test would prove nothing"
    paths = build_report(settings, root / "out")
    return settings, paths


def _visible_text(html: str) -> str:
    """The page without its scripts and styles (plotly's code holds codes of its own)."""
    return re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.found.append((tag, value))
            if name == "id" and value:
                self.ids.add(value)


def _links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def test_reports_are_self_contained_with_relative_links(report):
    _, paths = report
    out = paths[0].parent
    pages = [p for p in paths if p.suffix == ".html"]
    assert paths[0].name == "culture_report.html" and paths[1].name == INDEX_NAME
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "file:" not in _visible_text(html), f"{page.name} links to a server path"
        links = _links(html)
        for tag, target in links.found:
            assert not re.match(r"^[a-z]+:", target), f"{page.name}: <{tag}> loads {target} from outside the file"
            if target.startswith("#"):
                assert target[1:] in links.ids, f"{page.name}: dead anchor {target}"
            else:
                assert (out / target).exists(), f"{page.name}: broken relative link {target}"


def test_one_report_per_directorate_and_an_index(report):
    settings, paths = report
    with get_engine(settings.warehouse_url).connect() as connection:
        directorates = connection.execute(sa.text("SELECT unit_code FROM hr_units WHERE depth = 2 AND is_current = 1")).scalars().all()
    names = {p.name for p in paths}
    index = paths[1].read_text(encoding="utf-8")
    # A directorate whose own figures are all suppressed at this threshold has nothing to report on its own.
    shown = [d for d in directorates if f"unit-{d}.html" in names]
    assert len(shown) >= 3
    for directorate in shown:
        assert f'href="unit-{directorate}.html"' in index
    unit_page = (paths[0].parent / f"unit-{shown[0]}.html").read_text(encoding="utf-8")
    assert 'id="summary"' in unit_page and 'id="units"' in unit_page and 'id="response-rates"' in unit_page


def test_findings_come_first_in_plain_sentences(report):
    _, paths = report
    html = paths[0].read_text(encoding="utf-8")
    text = _visible_text(html)
    summary = text[text.index('id="summary"'):text.index('id="response-rates"')]
    assert "Example Agency" in summary
    for concern in ("Bullying and harassment", "Reporting bullying", "felt punished", "Discrimination", "Workload",
                    "Learning and development", "Wellbeing conversations", "Challenging inappropriate behaviour"):
        assert concern in summary, concern
    # Every concern says either how it differs or why no difference is claimed.
    concerns = re.findall(r'<ul class="statements concerns">(.*?)</ul>', summary, flags=re.S)[0]
    for item in re.findall(r"<li>(.*?)</li>", concerns, flags=re.S):
        assert ("Civil Service benchmark (" in item or "No difference is claimed" in item or "not shown" in item
                or "no Civil Service benchmark" in item), item
    assert "Leavers from Example Agency most often gave as a reason" in summary
    assert "comments (" in summary  # what comments are about


def test_contents_lead_to_bullying_by_unit_response_rates_and_comments_first(report):
    _, paths = report
    html = paths[0].read_text(encoding="utf-8")
    contents = re.search(r'<nav aria-labelledby="toc-heading" class="toc">(.*?)</nav>', html, flags=re.S).group(1)
    targets = re.findall(r'href="#([^"]+)"', contents)
    assert targets[:5] == ["summary", "response-rates", "units", "groups", "comments"]
    units = html[html.index('id="units"'):html.index('id="groups"')]
    assert "Bullied or harassed" in units and "suppressed" in units and "n=" in units


def test_labels_not_codes_and_whole_numbers(report):
    from nlp.taxonomy import TAXONOMY
    from pipelines.report.format import THEME_LABELS
    from pipelines.shared import reference

    _, paths = report
    # A leaving reason or stay factor named by its code made readable ("Promotion inside cs")
    # instead of the reference file's label.
    rows = [*reference.leaving_reasons(), *reference.stay_factors()]
    named = [row["label"].lower() for row in rows] + [label.lower() for label in THEME_LABELS.values()] + [
        theme.replace("_", " ") for theme in TAXONOMY]
    coded = {made for made in (row["code"].replace("_", " ").capitalize() for row in rows)
             if " " in made and not any(made.lower() in name for name in named)}
    assert "Promotion inside cs" in coded
    for page in (p for p in paths if p.suffix == ".html"):
        text = _visible_text(page.read_text(encoding="utf-8"))
        assert not CODES.search(text), f"{page.name}: {CODES.search(text).group(0)!r} shown to readers"
        assert not [c for c in coded if re.search(rf"\b{re.escape(c)}\b", text)], page.name
    numbers = re.findall(r'<td class="num">([^<]*)</td>', paths[0].read_text(encoding="utf-8"))
    assert numbers and all(re.fullmatch(r"-?\d+|suppressed|", n) for n in numbers)


def test_response_rates_are_published_only_through_the_disclosure_rules(report):
    settings, _ = report
    from pipelines.report.response_rates import response_rates

    rates = response_rates(get_engine(settings.warehouse_url), settings.min_group_size)
    shown = rates[~rates["suppressed"]]
    assert not shown.empty and rates["suppressed"].any()
    assert (shown["respondents"] >= settings.min_group_size).all() and (shown["headcount"] >= settings.min_group_size).all()
    assert ((shown["value"] - 100 * shown["respondents"] / shown["headcount"]).abs() < 1e-9).all()
    hidden = rates[rates["suppressed"]]
    assert hidden[["respondents", "headcount", "value"]].isna().all().all()
    organisation = shown[shown["unit_code"].isna() & (shown["breakdown"] == "all")]
    assert len(organisation) == 1 and 0 < organisation["value"].iat[0] <= 100
    assert "sex" in set(shown["breakdown"])
    # Survey answers without a headcount (prefer not to say) have no rate: not listed as if hidden.
    assert not (rates["group_label"].str.contains("refer not to say", na=False)).any()


def test_response_rates_survive_the_attacker():
    """A small organisation: a team of 9 staff beside a shown directorate, grades and sexes of a few.
    The attacker solves each linked table the rates are protected in (the unit tree, each breakdown)."""
    from pipelines.report.response_rates import rate_cells, rate_tables
    from tests.attacker import deducible_ranges, exposed

    units = pd.DataFrame({"unit_code": ["ORG", "D1", "D2", "T1", "T2"], "unit_name": list("OABCD"),
                          "parent_code": [None, "ORG", "ORG", "D1", "D1"],
                          "level": ["organisation", "directorate", "directorate", "team", "team"]})
    responses = pd.DataFrame({"unit_code": ["T1"] * 4 + ["T2"] * 30 + ["D2"] * 25,
                              "grade": ["EO"] * 4 + ["EO", "HEO"] * 15 + ["EO"] * 25,
                              "sex": [1, 2, 2, 1] + [1, 2] * 15 + [1] * 20 + [3] * 5})  # 3: prefer not to say
    workforce = pd.DataFrame({"unit_code": ["T1", "T1", "T2", "T2", "D2"], "grade": ["EO", "EO", "HEO", "EO", "EO"],
                              "sex": ["1", "2", "2", "1", "1"], "headcount": [5, 4, 40, 20, 30]})
    groups, cells, families, hidden = rate_cells(responses, units, workforce, 10)
    assert hidden[groups.index[groups["unit_code"].eq("T1") & groups["breakdown"].eq("all")][0]]
    assert not hidden[groups.index[groups["unit_code"].isna() & groups["breakdown"].eq("all")][0]]
    assert hidden[groups.index[groups["breakdown"].eq("sex") & groups["group_value"].eq("3")]].all()
    tables = list(rate_tables(groups, cells, families))
    assert len(tables) == 3
    for rows, table, linked in tables:
        published = pd.Series(np.concatenate([hidden[rows], np.zeros(len(table) - len(rows), dtype=bool)]))
        frame = table[["group_id", "measure", "respondents", "value"]]
        assert exposed(deducible_ranges(frame, linked, published), frame, linked, published, k=10).empty


def test_sample_comments_only_from_published_themes(report):
    settings, paths = report
    engine = get_engine(settings.warehouse_url)
    from pipelines.report.comments import sample_comments

    samples = sample_comments(engine, settings.min_group_size)
    assert not samples.empty and (samples["theme_comments"] >= settings.min_group_size).all()
    with engine.connect() as connection:
        flagged = set(connection.execute(sa.text("SELECT redacted_text FROM comment WHERE flagged")).scalars())
    assert not (set(samples["text"]) & flagged)
    html = paths[0].read_text(encoding="utf-8")
    assert html.count("<blockquote>") >= 3


def test_no_suppressed_value_appears_anywhere(report):
    _, paths = report
    for path in paths:
        if path.suffix == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None, dtype=str)
            text = "\n".join(frame.to_csv() for frame in sheets.values())
        else:
            text = path.read_text(encoding="utf-8")
        assert not any(form in text for form in SENTINEL_FORMS), f"a suppressed value leaked into {path.name}"


def test_formula_strings_are_escaped_in_the_exports(report):
    _, paths = report
    workbook = next(p for p in paths if p.suffix == ".xlsx")
    heatmap = pd.read_excel(workbook, sheet_name="Key measures by unit", dtype=str)
    names = set(heatmap["Unit"])
    assert {"'" + formula for formula in FORMULAS.values()} <= names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
    csv_text = next(p for p in paths if p.name == "unit_key_measures.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in csv_text and not any(line.startswith("=") for line in csv_text.splitlines())


def _require_browser():
    if CHROMIUM is None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but no chromium: install Debian's chromium package (.ci/run does)")
        pytest.skip("no chromium on this machine (apt-get install chromium); REQUIRE_BROWSER=1 makes this fail")


@pytest.mark.slow
def test_reports_render_in_headless_chromium_accessibly(report, tmp_path):
    """The organisation's and one directorate's report: charts drawn, no console error, nothing
    fetched from outside, no axe-core violation of WCAG 2.1 A/AA; screenshots kept for a look."""
    _require_browser()
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from pipelines.report.pdf import CHROMIUM_ARGS

    _, paths = report
    directorate = next(p for p in paths if p.name.startswith("unit-"))
    errors: list[str] = []
    violations: dict[str, list] = {}
    shots = os.environ.get("REPORT_SCREENSHOTS")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: None if request.url.startswith(("file:", "data:", "blob:"))
                else errors.append(f"fetched from outside: {request.url}"))
        for path, charts in ((paths[0], ("chart-units", "chart-groups", "chart-shifts", "chart-comments", "chart-themes",
                                         "chart-leavers")), (directorate, ("chart-units", "chart-themes"))):
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            assert page.locator("#summary li").count() >= 5
            for chart in charts:
                assert page.locator(f"#{chart} .main-svg").count() >= 1, f"{path.name}: {chart} did not render"
            assert page.locator(".modebar").count() == 0, "the chart toolbar is shown"
            if path == paths[0]:
                suppressed = page.locator("#chart-units text").filter(has_text=re.compile(r"^suppressed$"))
                assert suppressed.count() >= 1, "suppressed heatmap cells must say so, not be blank"
            result = Axe().run(page, options={"resultTypes": ["violations"],
                                               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
            violations[path.name] = [(v["id"], len(v["nodes"])) for v in result.response["violations"]]
            for viewport in ("top", "full"):
                screenshot = tmp_path / f"{path.stem}-{viewport}.png"
                page.screenshot(path=str(screenshot), full_page=viewport == "full")
                assert screenshot.stat().st_size > 20_000
                if shots:
                    shutil.copy(screenshot, shots)
        browser.close()
    assert errors == []
    assert violations == {paths[0].name: [], directorate.name: []}


@pytest.mark.slow
def test_reports_print_to_a4_pdf(report, tmp_path):
    _require_browser()
    from pipelines.report.pdf import print_pdfs

    _, paths = report
    copy = tmp_path / paths[0].name
    shutil.copy(paths[0], copy)
    pdf, = print_pdfs([copy])
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert re.search(rb"/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]", data)  # A4: 595 x 842 points


def test_pdf_without_a_browser_says_so(tmp_path, monkeypatch):
    from pipelines.report.pdf import NoBrowser, print_pdfs

    monkeypatch.setenv("CULTURE_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(NoBrowser, match="no headless Chromium found"):
        print_pdfs([tmp_path / "x.html"])


def _small_settings(tmp_path, min_group_size: int = 10) -> Settings:
    return Settings(tmp_path / "var", tmp_path / "landing", f"sqlite:///{tmp_path / 'warehouse.db'}", min_group_size)


def _summary_text(html_path) -> str:
    text = _visible_text(html_path.read_text(encoding="utf-8"))
    return text[text.index('id="summary"'):]


def test_the_report_builds_after_a_rejected_file(tmp_path):
    """A rejected file leaves a row with a message in the load log beside loaded files without one."""
    settings = _small_settings(tmp_path)
    write_sample_organisation(settings.landing_dir, respondents=300, seed=5, years=(2024,), pulses=0)
    _load(settings, ("org_units", "workforce", "people_survey"))
    bad = tmp_path / "bad_workforce.csv"
    bad.write_text("snapshot_date,unit_code,grade,sex,headcount\n2024-09-01,NOWHERE,EO,1,5\n", encoding="utf-8")
    assert flow.ingest(settings, "workforce", [str(bad)])[0].status == "rejected"
    html, *_ = build_report(settings, tmp_path / "out", unit_reports=False)
    page = html.read_text(encoding="utf-8")
    assert "bad_workforce.csv" in page and "rejected" in page
    assert "file:" not in _visible_text(page)  # the validation report is named, not linked to a server path
    quality = page[page.index('id="data-quality"'):]
    assert re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", quality)  # when, to the minute
    assert not re.search(r"\d\d:\d\d:\d\d", quality)


def test_the_report_builds_before_any_survey_is_loaded(tmp_path):
    settings = _small_settings(tmp_path)
    write_sample_organisation(settings.landing_dir, respondents=300, seed=5, years=(2024,), pulses=0)
    _load(settings, ("org_units", "workforce"))
    html, index, *_ = build_report(settings, tmp_path / "out")
    summary = _summary_text(html)
    assert "no people survey loaded yet" in summary
    assert "No directorate has enough respondents" in index.read_text(encoding="utf-8")


def test_a_first_year_has_no_history_to_compare(tmp_path):
    settings = _small_settings(tmp_path)
    write_sample_organisation(settings.landing_dir, respondents=300, seed=5, years=(2024,), pulses=0)
    _load(settings, ("org_units", "workforce", "people_survey"))
    html, *_ = build_report(settings, tmp_path / "out", unit_reports=False)
    summary = _summary_text(html)
    assert "No earlier survey to compare with yet" in summary
    assert "Bullying and harassment." in summary


def test_a_wave_where_every_unit_is_suppressed(tmp_path):
    """A threshold above every unit's size: the organisation's figures only, every unit cell marked suppressed."""
    settings = _small_settings(tmp_path, min_group_size=250)
    write_sample_organisation(settings.landing_dir, respondents=300, seed=5, years=(2024,), pulses=0)
    _load(settings, ("org_units", "workforce", "people_survey"))
    html, index, *rest = build_report(settings, tmp_path / "out")
    assert not any(p.name.startswith("unit-") for p in rest)
    page = html.read_text(encoding="utf-8")
    units = page[page.index('id="units"'):page.index('id="groups"')]
    assert "suppressed" in units and "n=" not in _visible_text(units)


def test_the_summary_names_the_largest_movements_and_counts_the_rest():
    from pipelines.report.findings import year_movements

    overall = pd.DataFrame({"measure": [f"B{i:02d}" for i in range(1, 13)], "measure_label": [f"Measure {i}" for i in range(1, 13)],
                            "value": 50.0, "change_pp": [float(i) for i in range(1, 13)], "change_significant": True,
                            "unit_code": None, "unit_name": None, "value_unit": "percent"})
    statements = year_movements(overall, "2023", shown=3)
    assert len(statements) == 4
    assert statements[0].startswith("Measure 12") and statements[2].startswith("Measure 10")
    assert statements[3].startswith("… and 9 smaller significant changes since 2023")
    assert len(year_movements(overall.head(3), "2023", shown=3)) == 3
    # A theme score beside shares says what it is out of; a share keeps its percent sign.
    scores = overall.head(2).assign(value_unit=["score_0_100", "percent"])
    assert [s.rsplit("(now ", 1)[1] for s in year_movements(scores, "2023")] == ["50%).", "50 out of 100)."]


def test_labels_inside_a_sentence_keep_proper_nouns_and_acronyms():
    from pipelines.report.findings import mid_sentence
    assert mid_sentence("Promotion or progression elsewhere in the Civil Service") == \
        "promotion or progression elsewhere in the Civil Service"
    assert mid_sentence("IT and tools") == "IT and tools"
    assert mid_sentence("Pay and pension") == "pay and pension"


def test_comment_sentences_name_themes_and_say_how_many_comments_fit_none():
    from pipelines.report.findings import comment_sentences

    trends = pd.DataFrame({"source": "exit_interviews", "wave": "2025-Q2",
                           "theme": ["other", "pay", "learning_development", "wellbeing", "bullying"],
                           "value": [39.0, 16.0, 13.0, 9.0, None]})
    assert comment_sentences(trends) == [
        "Exit interviews comments (2025-Q2) are most often about pay (16%); learning and development (13%); "
        "wellbeing (9%) of comments. 39% fit none of the themes."]
    every_one_themed = trends.assign(value=[0.2, 16.0, 13.0, 9.0, None])
    assert comment_sentences(every_one_themed)[0].endswith("wellbeing (9%) of comments.")
