"""The `culture` command line. Heavy libraries load inside the commands that need them."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from pipelines.ingest.column_mapping import MappingInvalid, load_mapping
from pipelines.ingest.problems import Problem
from pipelines.config import ConfigError, load_settings
from pipelines.ingest.sources import all_sources

# Exit codes (documented in the README).
EXIT_OK = 0  # every file loaded, or unchanged
EXIT_REJECTED = 1  # at least one file broke its contract (and was quarantined); the others loaded
EXIT_USAGE = 2  # bad arguments or configuration; nothing was done
EXIT_FAILED = 3  # the pipeline failed: a fault of ours, not of the files (see the failed files' reports)


def _say(message: str) -> None:
    print(message, flush=True)


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_init(args) -> int:
    from pipelines.orchestration import flow

    settings = load_settings()
    counts = flow.initialise_warehouse(settings)
    _say(f"warehouse ready at {_without_password(settings.warehouse_url)}")
    if args.roles:
        from warehouse import roles
        from warehouse.db import get_engine

        try:
            roles.create_roles(get_engine(settings.warehouse_url))
        except roles.RolesNeedPostgres as error:
            _say(f"error: {error}")
            return 2
        _say(f"roles ready: {', '.join(roles.ROLES)} (grant them to login roles; see docs/warehouse.md)")
    _say("reference data: " + ", ".join(f"{name} {n} rows" for name, n in counts.items()))
    return 0


def cmd_ingest(args) -> int:
    from pipelines.orchestration import flow

    settings = load_settings()
    flow.initialise_warehouse(settings)
    paths = [str(Path(p)) for p in args.paths]
    # lexists: a link or device is not "missing"; validation rejects it without reading it.
    missing = [p for p in paths if not os.path.lexists(p)]
    if missing:
        _say(f"error: no such file: {', '.join(missing)}")
        return EXIT_USAGE
    if not _mapping_usable(args.mapping):
        return EXIT_USAGE
    outcomes = flow.ingest(settings, args.source, paths, progress=(lambda _m: None) if args.json else _say,
                           mapping=args.mapping)
    if args.json:
        print(json.dumps([o.as_dict() for o in outcomes], indent=2))
    else:
        _print_outcomes(outcomes)
    return _exit_code(outcomes)


def _exit_code(outcomes) -> int:
    # A wave withheld by the disclosure audit is a fault of ours, not of the file.
    if any(o.status in ("failed", "withheld") for o in outcomes):
        return EXIT_FAILED
    return EXIT_REJECTED if any(o.status == "rejected" for o in outcomes) else EXIT_OK


def _print_outcomes(outcomes) -> None:
    for outcome in outcomes:
        failed = outcome.status in ("rejected", "failed")
        detail = f"{outcome.status}: {outcome.message}" if failed or outcome.status == "withheld" else outcome.status
        if outcome.status == "loaded" and outcome.rows is not None:
            detail += f" ({outcome.rows} rows{f', wave {outcome.wave}' if outcome.wave else ''})"
        _say(f"{outcome.file_name}: {detail}")
        if failed:
            for problem in outcome.problems[1:6]:
                _say(f"    also: {Problem.from_dict(problem).describe()}")
            _say(f"    report: {outcome.report_path}")
            if outcome.data_docs:
                _say(f"    data docs: {outcome.data_docs}")


def cmd_quarantine_list(args) -> int:
    from pipelines.ingest.quarantine import list_quarantined

    entries = list_quarantined(load_settings())
    if not entries:
        _say("the quarantine is empty")
    for entry in entries:
        _say(f"{entry.source}/{entry.path.name}  (quarantined {entry.quarantined_at})\n    {entry.reason}")
    return 0


def _mapping_usable(mapping: str | None) -> bool:
    if not mapping:
        return True
    try:
        load_mapping(mapping)
    except MappingInvalid as invalid:
        _say(f"error: {mapping}: {invalid}")
        return False
    return True


def cmd_quarantine_retry(args) -> int:
    from pipelines.orchestration import flow
    from pipelines.ingest.quarantine import release_for_retry

    settings = load_settings()
    flow.initialise_warehouse(settings)
    if not _mapping_usable(args.mapping):
        return EXIT_USAGE
    retry = release_for_retry(settings, args.file, args.replacement)
    _say(f"{retry.description}, landed as {retry.landed}")
    outcomes = flow.ingest(settings, retry.source, [str(retry.landed)], progress=_say, mapping=args.mapping)
    _print_outcomes(outcomes)
    return _exit_code(outcomes)


def cmd_audit_disclosure(args) -> int:
    """Attack the published survey and pulse views as an analyst with a linear solver would."""
    from pipelines.orchestration import flow
    from pipelines.disclosure.audit import audit_current_waves
    from warehouse.db import get_engine

    settings = load_settings()
    flow.initialise_warehouse(settings)
    started = time.monotonic()
    with get_engine(settings.warehouse_url).connect() as connection:
        findings = audit_current_waves(connection, settings.min_group_size, flow.audited_views(), args.wave,
                                       progress=_say)
    if findings.empty:
        _say(f"disclosure audit: no hidden cell can be worked out from the published views "
             f"({time.monotonic() - started:.0f} s)")
        return 0
    _say(f"disclosure audit: {len(findings)} hidden cell(s) can be worked out from the published views:")
    for row in findings.head(50).itertuples():
        group = row.unit_code or "organisation"
        if row.breakdown != "all":
            group += f", {row.breakdown} {row.group_value}"
        _say(f"  wave {row.wave}  {group}  {row.key}: {row.reason}")
    if len(findings) > 50:
        _say(f"  ... and {len(findings) - 50} more")
    return 1


def cmd_comments(args) -> int:
    from pipelines.orchestration import flow

    settings = load_settings()
    flow.initialise_warehouse(settings)
    summary = flow.process_comments(settings, _say)
    _say(f"comments: {summary['comments']} in the warehouse, {summary['processed']} newly redacted and themed, "
         f"{summary['removed']} dropped with replaced waves")
    return 0


def cmd_retheme(args) -> int:
    from nlp.comments import retheme
    from pipelines.orchestration import flow
    from warehouse.db import get_engine

    settings = load_settings()
    flow.initialise_warehouse(settings)
    summary = retheme(get_engine(settings.warehouse_url), settings.min_group_size, _say)
    _say(f"retheme: {summary['rethemed']} comments re-themed with theme model {summary['model']}")
    return 0


def cmd_purge_raw_text(args) -> int:
    from nlp.retention import purge_raw_text
    from pipelines.ingest.sources import comment_sources
    from warehouse.db import get_engine

    settings = load_settings()
    deleted = purge_raw_text(get_engine(settings.warehouse_url), args.older_than_days, comment_sources())
    _say("purged raw text: " + ", ".join(f"{table} {n} rows" for table, n in deleted.items()))
    return 0


def cmd_sample_data(args) -> int:
    if args.organisations > 1:
        from pipelines.samples.civil_service import write_civil_service_wave

        written = write_civil_service_wave(args.directory, respondents=args.respondents, organisations=args.organisations,
                                           seed=args.seed, year=max(args.years))
    else:
        from pipelines.samples.deliveries import write_sample_organisation

        written = write_sample_organisation(args.directory, respondents=args.respondents, seed=args.seed,
                                            years=tuple(args.years), pulses=args.pulses)
    for path in written:
        _say(f"wrote {path}")
    return 0


def cmd_headlines(args) -> int:
    from warehouse.db import get_engine
    from warehouse.queries import format_headlines, headline_rows, latest_wave

    engine = get_engine(load_settings().warehouse_url)
    found = latest_wave(engine)
    if found is None:
        _say("no people-survey results yet: run `culture ingest people_survey FILE` first")
        return 1
    org_code, wave = found
    _say(format_headlines(headline_rows(engine, org_code, args.wave or wave), org_code, args.wave or wave))
    return 0


def cmd_check_areas(args) -> int:
    from pipelines.publish import improvement_tracker

    path = Path(args.file) if args.file else improvement_tracker.AREAS_FILE
    try:
        measures = improvement_tracker.tracked_measures(path)
    except improvement_tracker.AreasFileError as error:
        _say(f"not usable: {error}")
        return 1
    areas = len({m.area_id for m in measures})
    _say(f"{path.name}: {areas} areas, {len(measures)} tracked measures: usable")
    return 0


# In the order their Asset events would run them in production.
DEMO_DAGS = ("org_reference", "people_survey", "pulse_survey", "exit_stay_interviews", "nlp_comments", "culture_report")


def cmd_notify(args) -> int:
    from pipelines.orchestration.notify import AirflowApi, NotifyError, land_and_announce

    api = AirflowApi.from_environment()
    try:
        result = land_and_announce(load_settings(), args.source, Path(args.path), api)
    except NotifyError as error:
        _say(f"error: {error}")
        return 1
    _say(f"{Path(args.path).name}: {result} to Airflow at {api.url} (asset landed_{args.source})")
    return 0


def cmd_report(args) -> int:
    from pipelines.report.build import build_report

    paths = build_report(load_settings(), Path(args.out) if args.out else None, _say)
    _say(f"wrote {paths[0]} and {len(paths) - 1} more files (index, unit reports, exports)")
    if args.pdf:
        from pipelines.report.pdf import NoBrowser, print_pdfs

        try:
            pdfs = print_pdfs([p for p in paths if p.suffix == ".html" and p.name != "index.html"])
        except NoBrowser as problem:
            _say(f"report --pdf: {problem}")
            return EXIT_USAGE
        _say(f"wrote {len(pdfs)} PDF files (A4) beside the HTML reports")
    return 0


def cmd_demo(args) -> int:
    import warnings

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from pipelines.orchestration import airflow_local, flow
    from pipelines.samples.deliveries import write_sample_organisation

    settings = load_settings()
    started = time.monotonic()
    _say(f"[1/4] writing a synthetic organisation ({args.respondents} respondents a year) to {settings.landing_dir}")
    write_sample_organisation(settings.landing_dir, respondents=args.respondents, seed=args.seed, pulses=3)
    _say(f"[2/4] preparing the warehouse at {settings.warehouse_url}")
    flow.initialise_warehouse(settings)
    _say(f"[3/4] running the Airflow DAGs with dag.test() (Airflow home {airflow_local.configure_airflow(settings)})")
    airflow_local.ensure_metadata_database()
    for dag_id in DEMO_DAGS:
        _say(f"      dag {dag_id} ...")
        airflow_local.run_dag(dag_id)
        _say(f"      dag {dag_id}: success")
    _say("[4/4] results")
    cmd_headlines(argparse.Namespace(wave=None))
    _say("")
    _say(f"warehouse:  {_without_password(settings.warehouse_url)}  (query the hr_* views; see docs/warehouse.md)")
    _say(f"report:     {settings.var_dir / 'report' / 'culture_report.html'}  (xlsx and CSV in {settings.var_dir / 'report' / 'exports'})")
    _say(f"validation: {settings.reports_dir}")
    _say(f"landing:    {settings.landing_dir}")
    _say(f"done in {time.monotonic() - started:.0f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="culture", description="Culture Insight Pipeline")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create or migrate the warehouse and load reference data")
    init.add_argument("--roles", action="store_true",
                      help="PostgreSQL: also create the loader, hr_analyst, safeguarding and admin roles and their grants")
    init.set_defaults(run=cmd_init)

    ingest = commands.add_parser("ingest", help="validate and load files now")
    ingest.add_argument("source", choices=[source.name for source in all_sources()], help="landing sub-directory name of the files' source")
    ingest.add_argument("paths", nargs="+", metavar="PATH")
    ingest.add_argument("--json", action="store_true", help="print a machine-readable result")
    ingest.add_argument("--mapping", metavar="FILE", help="the supplier's column mapping (YAML): their column names "
                        "and codes to the contract's; see README, 'Formats and column mappings'")
    ingest.set_defaults(run=cmd_ingest)

    quarantine = commands.add_parser("quarantine", help="rejected files and their reports")
    quarantine_commands = quarantine.add_subparsers(dest="quarantine_command", required=True)
    quarantine_commands.add_parser("list", help="list quarantined files and why").set_defaults(run=cmd_quarantine_list)
    retry = quarantine_commands.add_parser("retry", help="move a fixed file back to landing and ingest it now")
    retry.add_argument("file", metavar="FILE", help="quarantined file name or path (see `culture quarantine list`); "
                       "without --replacement, the quarantined copy (fixed in place) is ingested")
    retry.add_argument("--replacement", metavar="PATH",
                       help="ingest this fixed file in place of the quarantined one (which is then discarded)")
    retry.add_argument("--mapping", metavar="FILE", help="the supplier's column mapping (YAML) to read it with "
                       "(default: the landing directory's column-mapping.yml, if any)")
    retry.set_defaults(run=cmd_quarantine_retry)

    audit = commands.add_parser("audit", help="check published figures")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    disclosure = audit_commands.add_parser(
        "disclosure", help="re-derive hidden cells from the published views; exit 1 if any can be worked out")
    disclosure.add_argument("--wave", help="only this wave (survey year or pulse id)")
    disclosure.set_defaults(run=cmd_audit_disclosure)

    commands.add_parser("comments", help="redact, theme and flag new free-text comments now").set_defaults(run=cmd_comments)
    commands.add_parser("retheme", help="re-theme stored comments that an earlier theme model themed").set_defaults(
        run=cmd_retheme)

    purge = commands.add_parser("purge-raw-text", help="delete raw (unredacted) free text after its retention period")
    purge.add_argument("--older-than-days", type=int, required=True, metavar="DAYS")
    purge.set_defaults(run=cmd_purge_raw_text)

    sample = commands.add_parser("sample-data", help="write a synthetic organisation into a landing directory")
    sample.add_argument("directory", metavar="DIR")
    sample.add_argument("--respondents", type=int, default=3400)
    sample.add_argument("--seed", type=int, default=7)
    sample.add_argument("--years", type=int, nargs="+", default=[2023, 2024])
    sample.add_argument("--pulses", type=int, default=3,
                        help="bi-monthly pulses (with exit and stay interviews) in the year after the last survey; 0 for none")
    sample.add_argument("--organisations", type=int, default=1,
                        help="above 1: a Civil Service-scale wave of the last year, one survey file per organisation "
                             "(e.g. --organisations 100 --respondents 350000)")
    sample.set_defaults(run=cmd_sample_data)

    headlines = commands.add_parser("headlines", help="print headline measures against the Civil Service benchmark")
    headlines.add_argument("--wave", help="survey year (default: the latest)")
    headlines.set_defaults(run=cmd_headlines)

    areas = commands.add_parser("check-areas", help="check the areas-for-improvement file the culture team edits")
    areas.add_argument("file", nargs="?", help="the file to check (default: the one the tracker uses)")
    areas.set_defaults(run=cmd_check_areas)

    notify = commands.add_parser("notify", help="land a file and start its DAG now through Airflow's REST API")
    notify.add_argument("source", choices=[source.name for source in all_sources() if source.watched])
    notify.add_argument("path", metavar="PATH")
    notify.set_defaults(run=cmd_notify)

    report = commands.add_parser("report", help="write the HTML culture report and its xlsx/CSV exports")
    report.add_argument("--out", metavar="DIR", help="output directory (default: $CULTURE_VAR_DIR/report)")
    report.add_argument("--pdf", action="store_true", help="also print each report to A4 PDF with headless Chromium")
    report.set_defaults(run=cmd_report)

    demo = commands.add_parser("demo", help="synthetic data -> Airflow DAGs -> SQLite warehouse -> headlines")
    demo.add_argument("--respondents", type=int, default=3400)
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(run=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pipelines.shared.faults import PipelineFault, describe_fault

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except PipelineFault as error:
        print(f"error: the pipeline failed: {error}", file=sys.stderr)
        return EXIT_FAILED
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # noqa: BLE001 - no traceback: its text could quote rows of a file
        if os.environ.get("CULTURE_DEBUG") == "1":
            raise
        print(f"error: the pipeline failed: {describe_fault(f'running `culture {args.command}`', error)} "
              "(set CULTURE_DEBUG=1 to see the full error, which may contain data)", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
