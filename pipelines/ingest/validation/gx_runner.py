"""Runs a source's Great Expectations suite on a landed file and turns failures into Problems.

GX is imported here only, on first use, so the CLI and DAG parsing stay fast.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipelines.ingest.problems import MAX_ROWS_LISTED, Problem
from pipelines.ingest.validation.expect import NAME_LIKE

EXPECTATIONS_DIR = Path(__file__).resolve().parents[3] / "expectations"


@dataclass
class DataDocsTarget:
    """Where to render GX Data Docs for one file's validation, and (after the run) its page."""
    directory: Path
    run_name: str
    page: str | None = None


def _data_docs_page(docs: DataDocsTarget) -> str | None:
    pages = sorted((docs.directory / "validations").glob(f"*/{docs.run_name}/*/*.html"))
    return str(pages[-1]) if pages else None


# Contracts of sources registered from outside the repository's expectations/ (sources.register).
_CONTRACT_FILES: dict[str, Path] = {}


def use_contract(source: str, path: Path) -> None:
    _CONTRACT_FILES[source] = Path(path)
    load_suite.cache_clear()


def suite_path(source: str) -> Path:
    return _CONTRACT_FILES.get(source, EXPECTATIONS_DIR / f"{source}.json")


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
    _share_compiled_page_templates()
    _let_runs_build_each_configuration_once()
    return context


def _share_compiled_page_templates() -> None:
    """GX gives every Data Docs page it renders a new Jinja environment, so each page compiled all
    its templates again: about a tenth of validating a 300-row survey file. One in-memory Jinja
    bytecode cache, shared by those environments, compiles each template once per process; it is
    keyed by the template's name and a checksum of its source, so a changed template is compiled
    again."""
    import jinja2
    from great_expectations.render.view.view import DefaultJinjaView

    if getattr(DefaultJinjaView.__init__, "shares_compiled_templates", False):
        return

    class CompiledTemplates(jinja2.BytecodeCache):  # Jinja ships file and memcached caches only
        def __init__(self) -> None:
            self.code: dict[str, bytes] = {}

        def load_bytecode(self, bucket) -> None:
            if bucket.key in self.code:
                bucket.bytecode_from_string(self.code[bucket.key])

        def dump_bytecode(self, bucket) -> None:
            self.code[bucket.key] = bucket.bytecode_to_string()

    compiled, original = CompiledTemplates(), DefaultJinjaView.__init__

    def __init__(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        self.env.bytecode_cache = compiled

    __init__.shares_compiled_templates = True
    DefaultJinjaView.__init__ = __init__


# Within a run (`_each_configuration_built_once`): each expectation's configuration, by object id
# (the object is kept with it, so that an id is not reused while the run lasts).
_RUN_CONFIGURATIONS: contextvars.ContextVar[dict[int, tuple[object, object]] | None] = contextvars.ContextVar(
    "gx_run_configurations", default=None)


def _let_runs_build_each_configuration_once() -> None:
    """GX rebuilds an expectation's whole configuration (a pydantic copy of every field) each time
    it reads one keyword of it, several times per metric: for the 139 expectations of the
    people-survey suite about a fifth of validating a 300-row file. The expectations a run
    validates are fresh objects GX builds from the suite and only reads, so inside a run each
    one's configuration is built once and reused; outside a run GX's own property answers."""
    from great_expectations.expectations.expectation import Expectation

    built = Expectation.configuration
    if getattr(built.fget, "once_per_run", False):
        return

    def configuration(self):
        memo = _RUN_CONFIGURATIONS.get()
        if memo is None:
            return built.fget(self)
        kept = memo.get(id(self))
        if kept is None or kept[0] is not self:
            kept = memo[id(self)] = (self, built.fget(self))
        return kept[1]

    configuration.once_per_run = True
    Expectation.configuration = property(configuration, doc=built.__doc__)


@contextlib.contextmanager
def _each_configuration_built_once():
    token = _RUN_CONFIGURATIONS.set({})
    try:
        yield
    finally:
        _RUN_CONFIGURATIONS.reset(token)


@dataclass(frozen=True)
class _Validation:
    """One source's GX validation definition and the name of its suite."""
    definition: object
    suite_name: str


@lru_cache(maxsize=None)
def _validation(source: str) -> _Validation:
    """Built once per process and source, whatever the docs directory: each object added makes GX
    write out its whole project configuration again, which grows with every object, so objects per
    docs directory made each new directory cost more than the last."""
    import great_expectations as gx

    context = _context()
    batch = (context.data_sources.add_pandas(f"{source}_files").add_dataframe_asset(source)
             .add_batch_definition_whole_dataframe(f"{source}_file"))
    definition = load_suite(source)
    suite = context.suites.add(gx.ExpectationSuite(name=definition["name"], expectations=[
        _expectation_object({**e, "meta": {**e["meta"], "order": i}}) for i, e in enumerate(definition["expectations"])]))
    validation = context.validation_definitions.add(gx.ValidationDefinition(name=source, data=batch, suite=suite))
    return _Validation(validation, suite.name)


@lru_cache(maxsize=None)
def _data_docs_site(docs_dir: str) -> str:
    """The name of the Data Docs site that renders into `docs_dir` (GX names may not contain '/':
    named by a digest of the directory)."""
    context = _context()
    site_name = f"site-{hashlib.sha256(docs_dir.encode()).hexdigest()[:8]}"
    if site_name not in (context.get_site_names() or []):
        context.add_data_docs_site(site_name=site_name, site_config={
            "class_name": "SiteBuilder", "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs_dir}})
    return site_name


# (site, suite) pairs whose suite page this process has rendered (one written by an earlier
# process may describe an older contract).
_SUITE_PAGES_RENDERED: set[tuple[str, str]] = set()


def _render_data_docs(validation: _Validation, docs: DataDocsTarget, result) -> None:
    """The run's own page and the site's index. The suite's page (which every run's page links
    to) is the same for every run of a process, so it is rendered once per process, site and
    suite (or when missing): rendering it each time cost more than the run's own page."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier, ValidationResultIdentifier)

    site_name = _data_docs_site(str(docs.directory))
    suite_page = ExpectationSuiteIdentifier(name=validation.suite_name)
    resources = [ValidationResultIdentifier(expectation_suite_identifier=suite_page, run_id=result.meta["run_id"],
                                            batch_identifier=result.batch_id)]
    if ((site_name, validation.suite_name) not in _SUITE_PAGES_RENDERED
            or not (docs.directory / "expectations" / f"{validation.suite_name}.html").exists()):
        resources.append(suite_page)
    _context().build_data_docs(site_names=[site_name], resource_identifiers=resources)
    _SUITE_PAGES_RENDERED.add((site_name, validation.suite_name))


def _expectation_object(config: dict):
    from great_expectations.expectations.registry import get_expectation_impl

    return get_expectation_impl(config["type"])(**config["kwargs"], meta=config["meta"])


# A failing value is quoted back (in messages, reports and Data Docs) only if it looks like a code
# (digits, capitals and code punctuation, as in 'NA', '-99', 'G99' or '2025-3-9'), or is one of
# the column's allowed values. Anything else may be free text typed into the wrong column, a name
# or an identifier: GX sees a numbered stand-in instead, which keeps equal values equal (so every
# verdict is unchanged) but says nothing about the value.
CODE_LIKE = re.compile(r"[-+./:0-9A-Z_]{1,24}")
HIDDEN_PREFIX = "(value not shown #"


def _quotable(value: str) -> bool:
    return bool(CODE_LIKE.fullmatch(value)) and (len(value) <= 3 or any(c in value for c in "0123456789-./"))


def _stand_ins(values, allowed: set[str]) -> dict:
    """For each distinct value: itself if it may be quoted, else a numbered stand-in."""
    mapping, hidden = {}, 0
    for value in values:
        if not isinstance(value, str) or value in allowed or _quotable(value):
            mapping[value] = value
        else:
            hidden += 1
            mapping[value] = f"{HIDDEN_PREFIX}{hidden})"
    return mapping


def allowed_values(source: str, parameters: dict) -> dict[str, set[str]]:
    """Per column, the values its in-set rules accept (quoting an accepted value reveals nothing)."""
    allowed: dict[str, set[str]] = {}
    for e in load_suite(source)["expectations"]:
        column, values = e["kwargs"].get("column"), e["kwargs"].get("value_set")
        if column is None or values is None:
            continue
        if isinstance(values, dict):
            values = parameters.get(values.get("$PARAMETER"), []) if not values.get("$PARAMETER", "").startswith("first_") else []
        allowed.setdefault(column, set()).update(str(v) for v in values)
    return allowed


# Where a row filter's copy of categorical columns gets cheaper than of one object block (measured
# on a 122-column frame: 3.1 ms against 4.0 ms at 3,400 rows, 9.0 ms against 4.3 ms at 10,000).
CATEGORICAL_FROM_ROWS = 5_000


def validation_frame(frame: pd.DataFrame, source: str, derived: dict[str, pd.Series],
                     allowed: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """The file's cells with blanks as nulls, every optional suite column present, helper columns
    added, free text left out, and values that may be personal replaced by stand-ins."""
    allowed = allowed or {}
    data = frame[[c for c in frame.columns if not c.startswith("text_")]].replace("", None)
    referenced = {e["kwargs"].get("column") for e in load_suite(source)["expectations"]} - {None}
    required = set(required_columns(source))
    extra = {c: pd.Series(None, index=frame.index, dtype=object)
             for c in sorted(referenced - required - set(data.columns) - set(derived)) if not c.startswith("_")}
    combined = pd.concat([data, pd.DataFrame(extra, index=frame.index), pd.DataFrame(derived, index=frame.index)], axis=1)
    # GX copies the whole frame for each metric's row filter (several per rule). Up to a few
    # thousand rows a copy costs least as plain object columns in one 2-D block (one array take;
    # a 40-row survey file validates in about 35% less CPU than with categorical columns); above
    # that, categorical columns copy cheaper (only their codes; about 4x faster than strings at
    # 100,000 rows). Date-format checks parse each value, which categorical columns do not support.
    as_categories = len(combined) > CATEGORICAL_FROM_ROWS
    dates = {e["kwargs"]["column"] for e in load_suite(source)["expectations"]
             if e["type"] == "expect_column_values_to_match_strftime_format"}
    text_like = [c for c in combined.columns if combined[c].dtype == object or pd.api.types.is_string_dtype(combined[c])]
    for column in text_like:
        if as_categories and column not in dates:
            categorical = combined[column].astype("category")
            mapping = _stand_ins(categorical.cat.categories, allowed.get(column, set()))
            combined[column] = categorical.cat.rename_categories([mapping[v] for v in categorical.cat.categories])
        else:
            stand_ins = _stand_ins(combined[column].dropna().unique(), allowed.get(column, set()))
            combined[column] = combined[column].map(stand_ins).astype(object)
    return combined.copy()  # the copy puts the object columns in one block


def required_columns(source: str) -> list[str]:
    return [e["kwargs"]["column"] for e in load_suite(source)["expectations"] if e["type"] == "expect_column_to_exist"]


def first_values(data: pd.DataFrame) -> dict[str, list[str]]:
    """`first_<column>`: the first row's value (as GX sees it), for the one-value-per-file rules."""
    first = {}
    for column in data.columns:
        value = data[column].iloc[0] if len(data) else None
        first[f"first_{column}"] = [value if isinstance(value, str) else ""] if len(data) else []
    return first


def identifier_helpers(values: pd.Series, already_delivered: list[str]) -> dict[str, pd.Series]:
    """Facts about an identifier column that GX checks instead of the identifiers themselves.

    `_id_key` numbers the distinct identifiers of this file (for the uniqueness rule): unlike a
    digest, it means nothing outside this one validation, so no one can test a guess against it.
    """
    text = values.fillna("")
    keys = pd.Series(pd.factorize(text)[0], index=values.index).map(lambda k: f"id {k + 1}")
    return {
        "_id_key": keys.where(text != "", None),
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
    data = validation_frame(frame, source, derived, allowed_values(source, parameters))
    from great_expectations.core.run_identifier import RunIdentifier

    validation = _validation(source)
    expectation_parameters = {**first_values(data), **parameters}
    with _each_configuration_built_once():
        result = validation.definition.run(
            batch_parameters={"dataframe": data}, expectation_parameters=expectation_parameters,
            result_format={"result_format": "BOOLEAN_ONLY"}, run_id=RunIdentifier(run_name=docs.run_name if docs else source))
    if not result.success:
        _add_failure_details(validation, data, expectation_parameters, result)
    if docs:
        _render_data_docs(validation, docs, result)
        docs.page = _data_docs_page(docs)
    failed = sorted((o for o in result.results if not o.success), key=lambda o: o.expectation_config.meta["order"])
    return [_error_problem(o) if _raised(o.exception_info) else _problem(o.expectation_config.meta, o.result)
            for o in failed]


# What a failed rule reports: how many rows, which (by index), and the first values.
DETAILED = {"result_format": "SUMMARY", "partial_unexpected_count": MAX_ROWS_LISTED}


def _add_failure_details(validation: _Validation, data: pd.DataFrame, expectation_parameters: dict, result) -> None:
    """The run checks every rule for pass or fail only (BOOLEAN_ONLY: about half the time of
    SUMMARY for the 138 rules of the people survey, since GX resolves several more metrics per
    rule for the details); the rules that failed are run again for their rows and values, which
    replace their results, in the stored result too, so Data Docs show them."""
    import great_expectations as gx
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier, ValidationResultIdentifier)
    from great_expectations.validator.v1_validator import Validator

    failed = {o.expectation_config.meta["order"]: i for i, o in enumerate(result.results) if not o.success}
    again = [copy.copy(e) for e in validation.definition.suite.expectations if e.meta["order"] in failed]
    with _each_configuration_built_once():
        detailed = Validator(validation.definition.batch_definition, DETAILED, {"dataframe": data}).validate_expectation_suite(
            gx.ExpectationSuite(name=validation.suite_name, expectations=again), expectation_parameters)
    for outcome in detailed.results:
        result.results[failed[outcome.expectation_config.meta["order"]]] = outcome
    key = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(name=validation.suite_name),
                                     run_id=result.meta["run_id"], batch_identifier=result.batch_id)
    _context().validation_results_store.set(key, result)


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
        shown = str(values[0])
        message += ("; the value is not shown, as it may be personal data" if shown.startswith(HIDDEN_PREFIX)
                    else f"; found {shown!r}")
    indexes = [int(i) for i in (result.get("partial_unexpected_index_list") or [])]
    count = int(result.get("unexpected_count") or len(indexes))
    return Problem(rule=meta["rule"], message=message, column=meta.get("column"),
                   rows=[i + 2 for i in indexes[:MAX_ROWS_LISTED]], count=count if indexes else 0)
