"""The report's findings in plain sentences: what differs most from the benchmark (ranked by size of
gap times confidence), the inspection's concerns always (with why no difference is claimed where
none is), what moved since last year and since the last pulse, what leavers, stayers and comments say.

Every sentence is built from published (already suppressed) figures only; a hidden figure is
named as hidden, never estimated.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from nlp.taxonomy import OTHER
from pipelines.measures.measure_catalogue import BETTER, WORSE
from pipelines.report.format import SOURCE_LABELS, code_label, measure_label, whole
from pipelines.measures.significance import MIN_N_FOR_SIGNIFICANCE

# The inspection's central concerns, in the order a reader expects them.
CONCERNS = (
    ("Bullying and harassment", "E03_yes"),
    ("Reporting bullying or harassment", "E05_yes"),
    ("What followed a report: appropriate action", "E06_A_yes"),
    ("What followed a report: felt punished", "E06_D_yes"),
    ("Discrimination", "E01_yes"),
    ("Workload", "B33"),
    ("Learning and development", "THEME:learning_development"),
    ("Wellbeing conversations", "W10"),
    ("Challenging inappropriate behaviour", "B57"),
    ("Safe to challenge", "B46"),
)
TOP_FINDINGS = 6


@dataclass(frozen=True)
class Finding:
    topic: str
    sentence: str
    significant: bool


# How a figure's unit is written after it: a share in percent, a theme score or index out of 100 (so
# that "44" beside "57%" in one list is not read as a share).
UNIT_SUFFIX = {"percent": "%", "score_0_100": " out of 100"}


def _unit(row) -> str:
    return UNIT_SUFFIX.get(getattr(row, "value_unit", "percent"), "")


def _label(row) -> str:
    label = measure_label(row.measure, row.measure_label)
    return label.removesuffix(": Yes")


def confidence(row) -> float:
    """The difference's z statistic against the benchmark (a proportion's standard error at n)."""
    if pd.isna(row.value) or pd.isna(row.benchmark) or not row.respondents:
        return 0.0
    p = min(max(float(row.value) / 100.0, 0.01), 0.99)
    return abs(float(row.value) - float(row.benchmark)) / (100.0 * math.sqrt(p * (1 - p) / float(row.respondents)))


def _direction(row, diff: int) -> str:
    polarity = getattr(row, "polarity", BETTER)
    if polarity == WORSE:
        return "worse than" if diff > 0 else "better than"
    if polarity == BETTER:
        return "better than" if diff > 0 else "worse than"
    return "above" if diff > 0 else "below"


def benchmark_sentence(row, organisation: str) -> str:
    unit, value, benchmark = _unit(row), whole(row.value), whole(row.benchmark)
    diff = int(whole(row.diff_pp) or 0)
    points = "point" if abs(diff) == 1 else "points"
    return (f"{_label(row)}: {value}{unit} in {organisation}, {abs(diff)} {points} {_direction(row, diff)} "
            f"the Civil Service benchmark ({benchmark}{unit}).")


def ranked_findings(overall: pd.DataFrame, organisation: str, limit: int = TOP_FINDINGS) -> list[Finding]:
    """Significant differences from the benchmark, largest gap × confidence first."""
    shown = overall[overall["significant"].fillna(False).astype(bool) & overall["value"].notna()
                    & overall["benchmark"].notna()]
    shown = shown[~shown["measure"].str.endswith(("_no", "_pnts")) & ~shown["measure"].str.startswith("C0")]
    if shown.empty:
        return []
    rank = [abs(float(r.diff_pp)) * min(confidence(r), 10.0) for r in shown.itertuples()]
    ordered = shown.assign(rank=rank).sort_values("rank", ascending=False).head(limit)
    return [Finding(_label(r), benchmark_sentence(r, organisation), True) for r in ordered.itertuples()]


def concern_findings(overall: pd.DataFrame, organisation: str) -> list[Finding]:
    """One sentence per inspection concern, always: a difference where significant, else why none is claimed."""
    by_measure = {r.measure: r for r in overall.itertuples()}
    found = []
    for topic, measure in CONCERNS:
        row = by_measure.get(measure)
        if row is None:
            found.append(Finding(topic, f"{topic}: not measured in this wave.", False))
        elif pd.isna(row.value):
            found.append(Finding(topic, f"{_label(row)}: not shown for {organisation}, because too few people "
                                        "answered to publish it safely.", False))
        elif bool(row.significant) and pd.notna(row.benchmark) and whole(row.diff_pp) not in ("0", ""):
            found.append(Finding(topic, benchmark_sentence(row, organisation), True))
        elif pd.isna(row.benchmark):
            found.append(Finding(topic, f"{_label(row)}: {whole(row.value)}{_unit(row)} in {organisation}; "
                                        "there is no Civil Service benchmark to compare with.", False))
        else:
            reason = (f"fewer than {MIN_N_FOR_SIGNIFICANCE} people answered, too few to test a difference"
                      if (row.respondents or 0) < MIN_N_FOR_SIGNIFICANCE else
                      "the difference is within the margin of error at 95% confidence")
            found.append(Finding(topic, f"{_label(row)}: {whole(row.value)}{_unit(row)} in {organisation} against "
                                        f"{whole(row.benchmark)}{_unit(row)} across the Civil Service. No difference is "
                                        f"claimed: {reason}.", False))
    return found


def _moved(label: str, change, now, unit: str, since: str) -> str | None:
    change = int(whole(change) or 0)
    if change == 0:
        return None
    points = "point" if abs(change) == 1 else "points"
    return f"{label} {'rose' if change > 0 else 'fell'} {abs(change)} {points} since {since} (now {whole(now)}{unit})."


# A summary read in two minutes names the largest movements; the sections below show every change.
MOVEMENTS_SHOWN = 8


def year_movements(overall: pd.DataFrame, previous_wave: str | None, shown: int = MOVEMENTS_SHOWN) -> list[str]:
    if previous_wave is None or overall.empty:
        return []
    moved = overall[overall["change_significant"].fillna(False).astype(bool) & overall["change_pp"].notna()]
    moved = moved[~moved["measure"].str.endswith(("_no", "_pnts"))]
    moved = moved.reindex(moved["change_pp"].abs().sort_values(ascending=False).index)
    statements = [s for s in (_moved(_label(r), r.change_pp, r.value, _unit(r), previous_wave) for r in moved.itertuples()) if s]
    if len(statements) <= shown:
        return statements
    rest = len(statements) - shown
    return statements[:shown] + [f"… and {rest} smaller significant change{'s' if rest > 1 else ''} since {previous_wave}: "
                                 "each section below shows every measure's change."]


def pulse_movements(pulses: pd.DataFrame) -> list[str]:
    """Significant changes in the latest pulse against the one before."""
    if pulses.empty:
        return []
    latest = pulses[pulses["pulse_id"] == pulses["pulse_id"].max()]
    moved = latest[latest["change_significant"].fillna(False).astype(bool) & latest["change_pp"].notna()]
    since = sorted(pulses["pulse_id"].unique())
    previous = f"the {since[-2]} pulse" if len(since) > 1 else "the previous pulse"
    return [s for s in (_moved(measure_label(r.measure, r.measure_label), r.change_pp, r.value_weighted, "%", previous)
                        for r in moved.itertuples()) if s]


def _top(frame: pd.DataFrame, label_column: str, count: int = 3) -> str:
    shown = frame[frame["value"].notna()].sort_values("value", ascending=False).head(count)
    return "; ".join(f"{mid_sentence(code_label(r[label_column]))} ({whole(r['value'])}%)" for _, r in shown.iterrows())


def mid_sentence(label: str) -> str:
    """A sentence-case label as it reads inside a sentence: only its first letter lowered, so proper
    nouns ("the Civil Service") and acronyms ("IT and tools") keep their capitals."""
    first, _, rest = label.partition(" ")
    if first.isupper() and len(first) > 1:
        return label
    return label[:1].lower() + label[1:]


def leaver_stayer_sentences(leavers: pd.DataFrame, stayers: pd.DataFrame, organisation: str) -> list[str]:
    sentences = []
    if not leavers.empty and leavers["value"].notna().any():
        sentences.append(f"Leavers from {organisation} most often gave as a reason: {_top(leavers, 'measure')} of exit interviews.")
    if not stayers.empty and stayers["value"].notna().any():
        sentences.append(f"People who stay most often name: {_top(stayers, 'measure')} of stay interviews.")
    return sentences


def comment_sentences(trends: pd.DataFrame) -> list[str]:
    """The most common themes in each source's latest wave of comments. Comments that fit no theme
    are said as such, not named as if "other" were a subject."""
    sentences = []
    if trends.empty:
        return sentences
    shown = trends[trends["value"].notna()]
    for source, rows in shown.groupby("source", sort=True):
        latest = rows[rows["wave"] == rows["wave"].max()]
        unthemed = latest.loc[latest["theme"] == OTHER, "value"]
        top = _top(latest[latest["theme"] != OTHER], "theme")
        if top:
            sentence = (f"{SOURCE_LABELS.get(source, code_label(source))} comments ({latest['wave'].iat[0]}) are most "
                        f"often about {top} of comments.")
            if not unthemed.empty and whole(unthemed.iat[0]) != "0":
                sentence += f" {whole(unthemed.iat[0])}% fit none of the themes."
            sentences.append(sentence)
    return sentences


def response_sentence(rates: pd.DataFrame, name: str, unit_code: str | None) -> str | None:
    """'In X, 600 of 1,057 staff (57%) answered the 2024 people survey.' from the published rate."""
    if rates.empty:
        return None
    scope = rates["unit_code"].isna() if unit_code is None else rates["unit_code"].eq(unit_code)
    row = rates[scope & rates["breakdown"].eq("all")]
    if row.empty or pd.isna(row["value"].iat[0]):
        return None
    row = row.iloc[0]
    return (f"In {name}, {int(row['respondents']):,} of {int(row['headcount']):,} staff ({whole(row['value'])}%) answered "
            f"the {row['wave']} people survey.")
