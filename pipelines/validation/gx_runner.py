"""Runs a source's Great Expectations suite on a landed file and turns failures into Problems.

GX is imported here only, on first use, so the CLI and DAG parsing stay fast.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipelines.contract import MAX_TEXT_LENGTH
from pipelines.problems import MAX_ROWS_LISTED, Problem
from pipelines.validation.expect import NAME_LIKE

EXPECTATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "expectations"


@dataclass
class DataDocsTarget:
    """Where to render GX Data Docs for one file's validation, and (after the run) its page."""
    directory: Path
    run_name: str
    page: str | None = None


def _data_docs_page(docs: DataDocsTarget) -> str | None:
    pages = sorted((docs.directory / "validations").glob(f"*/{docs.run_name}/*/*.html"))
    return str(pages[-1]) if pages else None


def suite_path(source: str) -> Path:
    return EXPECTATIONS_DIR / f"{source}.json"


@lru_cache(maxsize=None)
def load_suite(source: str) -> dict:
    return json.loads(suite_path(source).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _context():
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


@lru_cache(maxsize=None)
def _checkpoint(source: str, docs_dir: str | None):
    """A checkpoint that validates one file and, given a directory, renders GX Data Docs there."""
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    context = _context()
    # GX names may not contain '/': one set of objects per docs directory, keyed by a digest.
    key = hashlib.sha256((docs_dir or "").encode()).hexdigest()[:8]
    name = f"{source}-{key}"
    batch = (context.data_sources.add_pandas(f"{name}_files").add_dataframe_asset(source)
             .add_batch_definition_whole_dataframe(f"{source}_file"))
    definition = load_suite(source)
    suite = context.suites.add(gx.ExpectationSuite(name=f"{definition['name']}-{key}", expectations=[
        _expectation_object({**e, "meta": {**e["meta"], "order": i}}) for i, e in enumerate(definition["expectations"])]))
    validation = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
    actions = []
    if docs_dir:
        site_name = f"site-{key}"
        if site_name not in (context.get_site_names() or []):
            context.add_data_docs_site(site_name=site_name, site_config={
                "class_name": "SiteBuilder", "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir}})
        actions.append(UpdateDataDocsAction(name="data_docs", site_names=[site_name]))
    return context.checkpoints.add(gx.Checkpoint(
        name=name, validation_definitions=[validation], actions=actions,
        result_format={"result_format": "SUMMARY", "partial_unexpected_count": MAX_ROWS_LISTED}))


def _expectation_object(config: dict):
    from great_expectations.expectations.registry import get_expectation_impl

    return get_expectation_impl(config["type"])(**config["kwargs"], meta=config["meta"])


def text_over_limit(frame: pd.DataFrame) -> pd.Series:
    """Per row, the first free-text column longer than the contract allows (None if none)."""
    flagged = pd.Series(None, index=frame.index, dtype=object)
    for column in [c for c in frame.columns if c.startswith("text_")]:
        too_long = frame[column].fillna("").str.len() > MAX_TEXT_LENGTH
        flagged = flagged.where(~(too_long & flagged.isna()), column)
    return flagged


def validation_frame(frame: pd.DataFrame, source: str, derived: dict[str, pd.Series]) -> pd.DataFrame:
    """The file's cells with blanks as nulls, every optional suite column present, helper columns added."""
    data = frame.replace("", None)
    referenced = {e["kwargs"].get("column") for e in load_suite(source)["expectations"]} - {None}
    required = set(required_columns(source))
    extra = {c: pd.Series(None, index=frame.index, dtype=object)
             for c in sorted(referenced - required - set(data.columns) - set(derived)) if not c.startswith("_")}
    derived = {"_text_over_limit": text_over_limit(data), **derived}
    combined = pd.concat([data, pd.DataFrame(extra, index=frame.index), pd.DataFrame(derived, index=frame.index)], axis=1)
    # GX copies the whole frame for each metric's row filter; categorical columns make those
    # copies cheap (about 4x faster on a wide survey file) and keep string comparisons exact.
    # (Date-format checks parse each value, which categorical columns do not support.)
    dates = {e["kwargs"]["column"] for e in load_suite(source)["expectations"]
             if e["type"] == "expect_column_values_to_match_strftime_format"}
    text_like = [c for c in combined.columns if c not in dates and
                 (combined[c].dtype == object or pd.api.types.is_string_dtype(combined[c]))]
    return combined.astype({c: "category" for c in text_like})


def required_columns(source: str) -> list[str]:
    return [e["kwargs"]["column"] for e in load_suite(source)["expectations"] if e["type"] == "expect_column_to_exist"]


def first_values(frame: pd.DataFrame) -> dict[str, list[str]]:
    """`first_<column>`: the first row's value, for the one-value-per-file rules."""
    return {f"first_{c}": [frame[c].iloc[0]] if len(frame) else [] for c in frame.columns}


def identifier_helpers(values: pd.Series, already_delivered: list[str]) -> dict[str, pd.Series]:
    """Facts about an identifier column that GX checks instead of the identifiers themselves."""
    text = values.fillna("")
    return {
        "_id_digest": text.map(lambda v: hashlib.sha256(v.encode()).hexdigest()[:16] if v else None),
        "_id_looks_like_email": text.str.contains("@", regex=False),
        "_id_looks_like_name": text.str.fullmatch(NAME_LIKE),
        "_id_already_delivered": text.isin(set(already_delivered)),
    }


def run_suite(source: str, frame: pd.DataFrame, parameters: dict, derived: dict[str, pd.Series],
              identifier: str | None = None, docs: DataDocsTarget | None = None) -> list[Problem]:
    missing = [c for c in required_columns(source) if c not in frame.columns]
    if missing:  # every other rule would fail for the same reason
        return [Problem("required_column", f"required column {c} is missing", c) for c in missing]
    if identifier:
        derived = {**derived, **identifier_helpers(frame[identifier], parameters.pop("already_delivered_ids", []))}
    data = validation_frame(frame, source, derived)
    from great_expectations.core.run_identifier import RunIdentifier

    checkpoint = _checkpoint(source, str(docs.directory) if docs else None)
    run = checkpoint.run(batch_parameters={"dataframe": data},
                         expectation_parameters={**first_values(frame), **parameters},
                         run_id=RunIdentifier(run_name=docs.run_name if docs else source))
    result = next(iter(run.run_results.values()))
    if docs:
        docs.page = _data_docs_page(docs)
    failed = sorted((o for o in result.results if not o.success), key=lambda o: o.expectation_config.meta["order"])
    return [_error_problem(o) if _raised(o.exception_info) else _problem(o.expectation_config.meta, o.result)
            for o in failed]


def _raised(info) -> bool:
    """GX reports an exception either directly or per metric."""
    if not isinstance(info, dict):
        return False
    return bool(info.get("raised_exception")) or any(
        isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def _error_problem(outcome) -> Problem:
    # A rule GX could not evaluate must not pass silently, nor be reported as broken data.
    meta = outcome.expectation_config.meta
    return Problem(rule="validation_error", column=meta.get("column"),
                   message=f"the check '{meta['rule']}' could not be evaluated; please report this as a pipeline fault")


def _problem(meta: dict, result: dict) -> Problem:
    message = meta["message"]
    values = result.get("partial_unexpected_list") or []
    if meta.get("show_value") and values:
        message += f"; found {values[0]!r}"
    indexes = [int(i) for i in (result.get("partial_unexpected_index_list") or [])]
    count = int(result.get("unexpected_count") or len(indexes))
    return Problem(rule=meta["rule"], message=message, column=meta.get("column"),
                   rows=[i + 2 for i in indexes[:MAX_ROWS_LISTED]], count=count if indexes else 0)
