"""Names of the Airflow Assets the DAGs publish (kept free of Airflow imports; dags/ wraps them)."""

ORG_REFERENCE = "org_reference"
PEOPLE_SURVEY_RESULTS = "people_survey_results"
PULSE_RESULTS = "pulse_results"
INTERVIEW_RESULTS = "interview_results"
COMMENT_THEMES = "comment_themes"
CULTURE_REPORT = "culture_report"
# Every source DAG that brings free text publishes one of these; the comments DAG follows them all.
SOURCES_WITH_TEXT = (PEOPLE_SURVEY_RESULTS, PULSE_RESULTS, INTERVIEW_RESULTS)


def asset_uri(name: str) -> str:
    return f"culture://warehouse/{name}"
