"""How the culture report writes figures and names: one rounding rule and labels instead of codes.

Whole numbers everywhere in the report, rounded half up as the CSPS publishes them; the warehouse
keeps the unrounded figures. Tables are HTML with numbers right-aligned in tabular figures.
"""
from __future__ import annotations

import html
from functools import lru_cache

import pandas as pd

from pipelines.shared import reference
from warehouse.queries import round_half_up

SOURCE_LABELS = {"people_survey": "People survey", "pulse": "Pulse surveys", "exit_interviews": "Exit interviews",
                 "stay_interviews": "Stay interviews"}
THEME_LABELS = {"learning_development": "Learning and development", "inclusion_fair_treatment": "Inclusion and fair treatment",
                "resources_workload": "Resources and workload", "pay_benefits": "Pay and benefits",
                "leadership_change": "Leadership and managing change", "objectives_purpose": "Organisational objectives and purpose",
                "my_work": "My work", "my_manager": "My manager", "my_team": "My team"}
BREAKDOWN_LABELS = {"all": "Everyone", "sex": "Sex", "grade": "Grade", "ethnicity": "Ethnicity",
                    "long_term_health": "Long-term health condition", "age_band": "Age band",
                    "sexual_orientation": "Sexual orientation", "employment_type": "Employment type"}
SUPPRESSED = "suppressed"
NUM_CLASS = ' class="num"'


def whole(value) -> str:
    """'57' for 56.97; '' for a missing figure."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(round_half_up(float(value)))


def signed(value) -> str:
    """'+3', '−2', '0' (points of difference), '' when missing."""
    text = whole(value)
    if not text or text == "0":
        return text
    return f"+{text}" if not text.startswith("-") else "\u2212" + text[1:]


@lru_cache(maxsize=1)
def _reference_labels() -> dict[str, str]:
    """Leaving reasons and stay factors by code, named as the reference files name them."""
    labels = {row["code"]: row["label"] for row in reference.leaving_reasons()}
    labels.update({row["code"]: row["label"] for row in reference.stay_factors()})
    return labels


def code_label(code) -> str:
    """A readable name for a code such as 'THEME:learning_development', 'any:pay_benefits' or 'SHIFT:collaboration'."""
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return ""
    text = str(code).split(":", 1)[-1]
    return (THEME_LABELS.get(text) or SOURCE_LABELS.get(text) or _reference_labels().get(text)
            or text.replace("_", " ").capitalize())


def measure_label(code, label=None) -> str:
    """The catalogue's label where there is one, trimmed of a 'Theme score:' prefix; else the code made readable."""
    if isinstance(code, str) and code.startswith("THEME:"):
        return code_label(code)
    if isinstance(label, str) and label:
        return label[:1].upper() + label[1:]
    return code_label(code)


def table_html(frame: pd.DataFrame, columns: dict[str, str], numeric: set[str] = frozenset(), *,
               caption: str | None = None) -> str | None:
    """An HTML table of `columns` (column -> heading) with `numeric` columns as whole, right-aligned numbers.

    A row whose `suppressed` flag is set shows 'suppressed' in its numeric cells (the views hold NULL
    there, so nothing else could be shown)."""
    present = [c for c in columns if c in frame.columns]
    if frame.empty or not present:
        return None
    hidden = frame["suppressed"].fillna(False).astype(bool).tolist() if "suppressed" in frame else [False] * len(frame)
    head = "".join(f'<th scope="col"{NUM_CLASS if c in numeric else ""}>{html.escape(columns[c])}</th>' for c in present)
    body = []
    for (_, row), is_hidden in zip(frame[present].iterrows(), hidden):
        cells = []
        for column in present:
            value = row[column]
            if column in numeric:
                text = SUPPRESSED if is_hidden and pd.isna(value) else whole(value)
                cells.append(f'<td class="num">{html.escape(text)}</td>')
            elif isinstance(value, bool) or (column.endswith("significant") and pd.notna(value)):
                cells.append(f"<td>{'yes' if bool(value) else 'no'}</td>")
            else:
                cells.append(f"<td>{html.escape('' if pd.isna(value) else str(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    caption_html = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="figures">{caption_html}<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
