"""The people survey's and pulses' disclosure rules on top of `disclosure.suppress`.

- The splits of one question (E03_yes / _no / _pnts, C01_1..4) are one linked table each: one suppression pattern, and the shares that add up to 100 are solved together.
- Routed questions inherit their routing question's pattern: E05's base is how many were bullied
  (E03 yes), E06's how many reported (E05 yes), C02's how many intend to leave (C01). Wherever the
  routing cell is hidden the routed cell is hidden too, so its base never gives the hidden count
  away; where the routing share is shown, the base is no more than that published share.
- A group in which every respondent gave the sensitive answer (all discriminated against, all
  bullied, all felt punished for reporting, all leaving as soon as possible) is hidden whatever
  its size: the figure would say something about each person in it.
- A theme score is the mean of its questions' scores, so it is hidden wherever one of them is.
"""
from __future__ import annotations

import re

import pandas as pd

from pipelines.disclosure import suppression as disclosure
from pipelines.shared import reference

# Question -> the question whose answer routes respondents to it.
ROUTED_BY = {"E05": "E03", "E06_A": "E05", "E06_B": "E05", "E06_C": "E05", "E06_D": "E05"}
# Shares that single out a group when everyone in it gives that answer.
SENSITIVE_UNANIMOUS = {"E01_yes", "E03_yes", "E05_yes", "E06_A_no", "E06_B_no", "E06_C_yes", "E06_D_yes", "C01_1"}
_SPLIT = re.compile(r"^(?P<question>.+)_(yes|no|pnts|[1-4])$")


def routing_question(key: str) -> str | None:
    return "C01" if key.startswith("C02_") else ROUTED_BY.get(key)


def suppression_key(measure: str) -> str:
    if measure.startswith("C02_"):  # each reason is its own table (ticks do not add up), routed by C01
        return measure
    match = _SPLIT.match(measure)
    if match and not measure.startswith("THEME:"):
        return match["question"]
    return measure


def adding_keys() -> frozenset[str]:
    """Questions whose split shares add up to 100 in every group."""
    return frozenset(q.code for q in reference.question_bank() if q.scale == "yes_no_pnts") | {"C01"}


def suppress_survey_cells(cells: pd.DataFrame, families: pd.DataFrame, min_group_size: int,
                          value: str = "value") -> pd.Series:
    """Suppression flags for a wave's cells (group_id, measure, respondents, `value`)."""
    frame = _keyed(cells, value)
    themes = frame["measure"].str.startswith("THEME:")
    flags = pd.Series(False, index=frame.index)
    adding = adding_keys()
    # Routing questions first, then what they route to (E03 -> E05 -> E06_*; C01 -> C02).
    remaining = frame[~themes]
    while not remaining.empty:
        ready = remaining[~remaining["routing"].isin(remaining["key"].unique())]
        ready = _inherit_routing(ready, frame, flags)
        flags.loc[ready.index] = disclosure.suppress(ready, families, min_group_size, adding_keys=adding).to_numpy()
        remaining = remaining.drop(ready.index)
    if themes.any():
        flags.loc[themes] = _theme_flags(frame, flags, themes, min_group_size).to_numpy()
    return flags.reindex(cells.index)


def _keyed(cells: pd.DataFrame, value: str) -> pd.DataFrame:
    """The cells with their suppression key, routing question and unanimity primaries."""
    frame = cells[["group_id", "measure", "respondents"]].assign(value=cells[value].to_numpy())
    measures = pd.Series(pd.unique(frame["measure"]))
    keys = dict(zip(measures, measures.map(suppression_key)))
    frame["key"] = frame["measure"].map(keys)
    frame["routing"] = frame["key"].map({key: routing_question(key) for key in set(keys.values())})
    frame["primary"] = frame["measure"].isin(SENSITIVE_UNANIMOUS) & (frame["value"] >= 100.0 - 1e-9)
    return frame


def _inherit_routing(ready: pd.DataFrame, frame: pd.DataFrame, flags: pd.Series) -> pd.DataFrame:
    if ready["routing"].isna().all():
        return ready
    hidden = frame.loc[flags.to_numpy(), ["key", "group_id"]].drop_duplicates()
    routed_hidden = pd.MultiIndex.from_frame(ready[["routing", "group_id"]]).isin(pd.MultiIndex.from_frame(hidden))
    return ready.assign(primary=ready["primary"].to_numpy() | routed_hidden)


def _theme_flags(frame: pd.DataFrame, flags: pd.Series, themes: pd.Series, k: int) -> pd.Series:
    theme_of = {q.code: f"THEME:{q.theme}" for q in reference.question_bank() if q.theme in reference.SCORED_THEMES}
    hidden = frame.loc[flags.to_numpy(dtype=bool), ["measure", "group_id"]]
    hidden_themes = pd.MultiIndex.from_arrays([hidden["measure"].map(theme_of), hidden["group_id"]])
    theme_rows = frame[themes]
    with_hidden_question = pd.MultiIndex.from_frame(theme_rows[["measure", "group_id"]]).isin(hidden_themes)
    return pd.Series((theme_rows["respondents"].to_numpy() < k) | with_hidden_question, index=theme_rows.index)


def audit_survey_cells(cells: pd.DataFrame, families: pd.DataFrame, min_group_size: int, hidden: pd.Series,
                       value: str = "value") -> pd.DataFrame:
    """Leaks in a published pattern (group_id, key, reason): what `find_leaks` finds in every linked
    table, plus shown routed cells whose routing cell is hidden and shown themes with a hidden question."""
    frame = _keyed(cells, value)
    hidden = pd.Series(hidden.to_numpy(dtype=bool), index=frame.index)
    themes = frame["measure"].str.startswith("THEME:")
    leaks = [disclosure.find_leaks(frame[~themes], families, min_group_size, hidden[~themes], adding_keys=adding_keys())]
    hidden_pairs = set(zip(frame.loc[hidden, "key"], frame.loc[hidden, "group_id"]))
    shown = frame[~hidden & ~themes]
    routed = [(g, key) for g, key in zip(shown["group_id"], shown["key"])
              if routing_question(key) and (routing_question(key), g) in hidden_pairs]
    leaks.append(pd.DataFrame([(g, key, "shown although its routing question is hidden (its base is that hidden count)")
                               for g, key in dict.fromkeys(routed)], columns=["group_id", "key", "reason"]))
    if themes.any():
        expected = _theme_flags(frame, hidden & ~themes, themes, min_group_size).to_numpy(dtype=bool)
        exposed = frame[themes].loc[expected & ~hidden[themes].to_numpy()]
        leaks.append(pd.DataFrame({"group_id": exposed["group_id"], "key": exposed["key"],
                                   "reason": "theme shown although one of its questions is hidden"}))
    # The shares of one question add up to 100: one shown beside a hidden one gives it away.
    mixed = frame.assign(hidden=hidden).groupby(["key", "group_id"])["hidden"].agg(["any", "all"])
    mixed = mixed[mixed["any"] & ~mixed["all"]].reset_index()
    leaks.append(pd.DataFrame({"group_id": mixed["group_id"], "key": mixed["key"],
                               "reason": "some answers of this question shown, others hidden"}))
    return pd.concat(leaks, ignore_index=True)
