"""Names of the Airflow Assets the DAGs publish (kept free of Airflow imports; dags/ wraps them)."""

ORG_REFERENCE = "org_reference"
PEOPLE_SURVEY_RESULTS = "people_survey_results"


def asset_uri(name: str) -> str:
    return f"culture://warehouse/{name}"
