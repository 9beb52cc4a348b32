"""Names of the Airflow Assets the DAGs publish (kept free of Airflow imports; dags/ wraps them).

A source's results Asset is declared on its record (`Source.asset`); the ones here belong to no
single source.
"""
from __future__ import annotations

from pipelines.ingest.sources import all_sources, get_source
from pipelines.ingest.sources.interviews import INTERVIEW_RESULTS

ORG_REFERENCE = "org_reference"
COMMENT_THEMES = "comment_themes"
CULTURE_REPORT = "culture_report"
__all__ = ["ORG_REFERENCE", "COMMENT_THEMES", "CULTURE_REPORT", "INTERVIEW_RESULTS", "of_source", "results_assets",
           "assets_with_text", "asset_uri"]


def of_source(name: str) -> str:
    """The Asset the named source's DAG updates once its results change."""
    asset = get_source(name).asset
    if asset is None:
        raise LookupError("this source's record names no results Asset")
    return asset


def results_assets() -> tuple[str, ...]:
    """Every source's results Asset: what the report follows."""
    return tuple(dict.fromkeys(source.asset for source in all_sources() if source.asset))


def assets_with_text() -> tuple[str, ...]:
    """The results Assets of sources that bring free text: what the comments DAG follows."""
    return tuple(dict.fromkeys(source.asset for source in all_sources() if source.asset and source.comments))


def asset_uri(name: str) -> str:
    return f"culture://warehouse/{name}"
