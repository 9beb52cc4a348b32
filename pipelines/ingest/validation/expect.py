"""Builders for GX 1.x expectation configurations, each tagged with the contract rule it enforces.

`meta.rule` names the rule in reports, `meta.message` says it in plain English, `meta.column`
names the file column to blame (for checks that run on a derived helper column), and
`meta.show_value` says whether a failing value may be quoted (codes yes; identifiers and free
text never, since they may be personal data).
"""
from __future__ import annotations

from collections.abc import Iterable

NAME_LIKE = r"^[A-Z][a-z]+(?:[ '-][A-Z][a-z]+)+$"


def expectation(kind: str, column: str | None, rule: str, message: str, *, report_column: str | None = None,
                show_value: bool = False, **kwargs) -> dict:
    arguments = {"column": column, **kwargs} if column else dict(kwargs)
    return {"type": kind, "kwargs": arguments,
            "meta": {"rule": rule, "message": message, "column": report_column or column, "show_value": show_value}}


def column_exists(column: str) -> dict:
    return expectation("expect_column_to_exist", column, "required_column", f"required column {column} is missing")


def required(column: str) -> list[dict]:
    return [column_exists(column),
            expectation("expect_column_values_to_not_be_null", column, "required_value", f"{column} is required but blank")]


def codes(column: str, allowed: Iterable, what: str = "") -> dict:
    allowed_text = sorted({str(a) for a in allowed}, key=lambda v: (len(v), v))
    listed = ", ".join(allowed_text[:12]) + (", …" if len(allowed_text) > 12 else "")
    return expectation("expect_column_values_to_be_in_set", column, "valid_code",
                       f"{column} must be {what or 'one of'} {listed} (blank = not answered; NA, N/A, -99 and . are not codes)",
                       show_value=True, value_set=allowed_text)


def known(column: str, parameter: str, rule: str, what: str) -> dict:
    return expectation("expect_column_values_to_be_in_set", column, rule, f"{column} has {what}",
                       show_value=True, value_set={"$PARAMETER": parameter})


def identifier(column: str, across_deliveries: bool = False) -> list[dict]:
    """Rules for a pseudonymous identifier, checked on helper columns the runner derives from it,
    so that GX results and Data Docs never hold an identifier (which, if the rule is broken, may
    be an e-mail address or a name)."""
    rules = [
        *required(column),
        expectation("expect_column_values_to_be_unique", "_id_key", "unique_in_file",
                    f"{column} values must be unique in the file", report_column=column),
        expectation("expect_column_values_to_be_in_set", "_id_looks_like_email", "pseudonymous_identifier",
                    f"{column} looks like an e-mail address; identifiers must be pseudonymous",
                    report_column=column, value_set=[False]),
        expectation("expect_column_values_to_be_in_set", "_id_looks_like_name", "pseudonymous_identifier",
                    f"{column} looks like a person's name; identifiers must be pseudonymous",
                    report_column=column, value_set=[False]),
    ]
    if across_deliveries:
        rules.append(expectation("expect_column_values_to_be_in_set", "_id_already_delivered", "unique_across_deliveries",
                                 f"{column} was already delivered in an earlier file", report_column=column,
                                 value_set=[False]))
    return rules


def one_value(column: str) -> dict:
    """Rows whose value differs from the first row's (the runner supplies `first_<column>`)."""
    return expectation("expect_column_values_to_be_in_set", column, "one_wave_per_file",
                       f"{column} must have one value per file, the same as in the first row", show_value=True,
                       value_set={"$PARAMETER": f"first_{column}"})


ISO_DATE = r"^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$"


def iso_date(column: str) -> list[dict]:
    """YYYY-MM-DD exactly (strptime alone takes '2025-3-9' and '2025-03- 9'), and a real day."""
    message = f"{column} must be a date as YYYY-MM-DD"
    return [expectation("expect_column_values_to_match_regex", column, "iso_date", message, show_value=True,
                        regex=ISO_DATE),
            expectation("expect_column_values_to_match_strftime_format", column, "iso_date", message, show_value=True,
                        strftime_format="%Y-%m-%d")]


def pattern(column: str, regex: str, rule: str, message: str, show_value: bool = True) -> dict:
    return expectation("expect_column_values_to_match_regex", column, rule, message, show_value=show_value, regex=regex)


def blank_unless(column: str, condition_column: str, condition_value: str, rule: str = "routing") -> dict:
    return expectation("expect_column_values_to_be_null", column, rule,
                       f"{column} is only asked when {condition_column} = {condition_value}, but is answered here",
                       row_condition=f'{condition_column} != "{condition_value}"', condition_parser="pandas")


def required_when(column: str, condition_column: str, values: list[str]) -> dict:
    return expectation("expect_column_values_to_not_be_null", column, "required_value",
                       f"{column} is required when {condition_column} is {' or '.join(values)}",
                       row_condition=f"{condition_column} in {values!r}", condition_parser="pandas")


def derived_is_blank(helper: str, column: str, rule: str, message: str) -> dict:
    """A check on a helper column computed before validation (see sources' `derived_columns`)."""
    return expectation("expect_column_values_to_be_null", helper, rule, message, report_column=column)


def derived_between(helper: str, column: str, rule: str, message: str, low: float, high: float) -> dict:
    return expectation("expect_column_values_to_be_between", helper, rule, message, report_column=column,
                       min_value=low, max_value=high)


def suite(name: str, expectations: list[dict], identifier_column: str | None) -> dict:
    return {"name": name, "expectations": expectations,
            "meta": {"generated_by": "pipelines/ingest/validation/suites.py", "identifier": identifier_column}}
