"""The report's priorities sections: ready HTML tables with labels, not codes, from published views."""
from __future__ import annotations

from pipelines.report import priorities as report_priorities
from warehouse.db import get_engine


def test_priority_sections_show_labels_not_codes(sample_warehouse):
    engine = get_engine(sample_warehouse.warehouse_url)
    tables = report_priorities.read_tables(engine, "2024")
    sections = {s.id: s for s in report_priorities.sections(tables)}
    assert {"focus", "tracker", "intention", "intention-directorates", "intention-reasons"} <= set(sections)
    focus, tracker = sections["focus"].table, sections["tracker"].table
    assert "Whole organisation" in focus and "Work on" in focus and "Employee Engagement Index" in focus
    assert "Annual people survey" in tracker and "Exit and stay interviews" in tracker
    for code in ("THEME:", "work_on", "C01_leave", "people_survey", "improved_significantly", "exit_stay"):
        assert all(code not in (s.table or "") for s in sections.values()), code
    # Nothing withheld by disclosure reaches the report: every focus score is a published one.
    assert not tables["focus_areas"]["suppressed"].any()


def test_priority_sections_of_an_empty_warehouse_say_nothing_rather_than_fail(tmp_path):
    from pipelines.orchestration import flow
    from pipelines.config import Settings

    settings = Settings(var_dir=tmp_path / "var", landing_dir=tmp_path / "landing",
                        warehouse_url=f"sqlite:///{tmp_path / 'empty.db'}", min_group_size=10)
    flow.initialise_warehouse(settings)
    sections = report_priorities.sections(report_priorities.read_tables(get_engine(settings.warehouse_url), None))
    assert sections and all(s.table is None for s in sections)
