"""Plotly figures for the culture report, one function per chart, each from one report table.

Colours: the organisation in GOV.UK blue against a grey benchmark; heatmaps on a blue–orange
diverging scale (readable with the common colour-vision deficiencies: no red against green),
blue for better than the organisation and orange for worse, whatever the measure's direction.
"""
from __future__ import annotations

import pandas as pd

from pipelines.measures.measure_catalogue import WORSE
from pipelines.report.format import SOURCE_LABELS, code_label, measure_label, whole

ORGANISATION_COLOUR = "#1d70b8"  # GOV.UK blue
BENCHMARK_COLOUR = "#6f777b"
SUPPRESSED_COLOUR = "#e6e6e6"
# Orange (worse) – white – blue (better): ColorBrewer PuOr's ends, safe for colour-blind readers.
DIVERGING = [[0.0, "#b35806"], [0.25, "#f1a340"], [0.5, "#f7f7f7"], [0.75, "#80b1d3"], [1.0, "#2166ac"]]
# Heatmap column headings short enough to sit side by side.
SHORT_LABELS = {"EEI": "Engagement<br>index", "E03_yes": "Bullied or<br>harassed", "E01_yes": "Discriminated<br>against",
                "B33": "Acceptable<br>workload", "THEME:learning_development": "Learning and<br>development",
                "W10": "Wellbeing<br>conversations", "W09": "Wellbeing<br>support"}
GAP_LIMIT = 15  # points either side of the organisation at which the colour saturates
LAYOUT = dict(template="plotly_white", margin=dict(l=10, r=10, t=60, b=10), font=dict(family="Arial, sans-serif", color="#0b0c0c"),
              legend=dict(orientation="h", y=-0.12))


def versus_benchmark(frame: pd.DataFrame, title: str):
    """Horizontal bars: the organisation (or unit) against the Civil Service benchmark."""
    import plotly.graph_objects as go

    labels = [measure_label(m, l).removesuffix(": Yes") for m, l in zip(frame["measure"], frame["measure_label"])]
    figure = go.Figure([
        go.Bar(y=labels, x=frame["value"], name="This organisation", orientation="h", marker_color=ORGANISATION_COLOUR,
               text=[whole(v) if pd.notna(v) else "suppressed" for v in frame["value"]], textposition="outside"),
        go.Bar(y=labels, x=frame["benchmark"], name="Civil Service benchmark", orientation="h", marker_color=BENCHMARK_COLOUR,
               text=[whole(v) for v in frame["benchmark"]], textposition="outside"),
    ])
    figure.update_layout(title=title, barmode="group", height=140 + 48 * len(frame), xaxis=dict(range=[0, 110]),
                         yaxis=dict(autorange="reversed"), **LAYOUT)
    return figure


def difference_heatmap(frame: pd.DataFrame, reference: pd.DataFrame, row_column: str = "row_label"):
    """Rows (units or groups) × key measures, coloured by the better-or-worse difference from `reference`
    (measure -> value, polarity); each cell shows its value and n, suppressed cells say so on grey."""
    import plotly.graph_objects as go

    rows = list(dict.fromkeys(frame[row_column]))
    measures = list(dict.fromkeys(frame["measure"]))
    columns = [SHORT_LABELS.get(m) or measure_label(m, l).removesuffix(": Yes") for m, l in
               frame.drop_duplicates("measure").set_index("measure").reindex(measures)["measure_label"].items()]
    base = reference.set_index("measure")
    cell = {(r[row_column], r["measure"]): r for _, r in frame.iterrows()}
    z, text, grey = [], [], []
    for row in rows:
        z_row, text_row, grey_row = [], [], []
        for measure in measures:
            item = cell.get((row, measure))
            if item is None:
                z_row.append(None), text_row.append(""), grey_row.append(None)
                continue
            if pd.isna(item["value"]):
                z_row.append(None), text_row.append("suppressed"), grey_row.append(1.0)
                continue
            gap = item["value"] - base["value"].get(measure, float("nan"))
            sign = -1.0 if base["polarity"].get(measure) == WORSE else 1.0
            z_row.append(None if pd.isna(gap) else sign * gap)
            respondents = "" if pd.isna(item["respondents"]) else f"<br>n={whole(item['respondents'])}"
            text_row.append(f"{whole(item['value'])}{respondents}")
            grey_row.append(None)
        z.append(z_row), text.append(text_row), grey.append(grey_row)
    figure = go.Figure([
        go.Heatmap(z=grey, x=columns, y=rows, showscale=False, hoverinfo="skip", colorscale=[[0, SUPPRESSED_COLOUR], [1, SUPPRESSED_COLOUR]]),
        go.Heatmap(z=z, x=columns, y=rows, text=text, texttemplate="%{text}", textfont=dict(color="#0b0c0c", size=11),
                   colorscale=DIVERGING, zmin=-GAP_LIMIT, zmax=GAP_LIMIT, hoverinfo="skip",
                   colorbar=dict(title=dict(text="points better (+)<br>or worse (−)", side="right"), tickvals=[-15, 0, 15],
                                 ticktext=["15 worse", "same", "15 better"])),
    ])
    # The section's heading is the title: a second one inside the chart only crowds the column headings.
    figure.update_layout(height=110 + 34 * len(rows), **LAYOUT)
    figure.update_layout(margin=dict(l=10, r=10, t=70, b=10))
    figure.update_xaxes(side="top", tickangle=0)
    figure.update_yaxes(autorange="reversed")
    return figure


def shifts_over_pulses(frame: pd.DataFrame):
    """The cultural shifts as small multiples (one panel each), weighted, with 95% margins of error."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    shifts = sorted(frame["measure"].unique())
    columns = 3
    rows = max(1, -(-len(shifts) // columns))
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[code_label(s) for s in shifts], shared_yaxes=True,
                           vertical_spacing=0.18)
    for i, shift in enumerate(shifts):
        part = frame[frame["measure"] == shift]
        figure.add_trace(go.Scatter(x=part["pulse_id"], y=part["value_weighted"], mode="lines+markers", showlegend=False,
                                    line=dict(color=ORGANISATION_COLOUR), name=code_label(shift),
                                    error_y=dict(type="data", array=part["moe_95"], visible=True)),
                         row=i // columns + 1, col=i % columns + 1)
    figure.update_yaxes(range=[0, 100])
    figure.update_xaxes(type="category")
    figure.update_layout(title="Cultural shifts: weighted % positive by pulse (bars: 95% margin of error)",
                         height=120 + 240 * rows, **LAYOUT)
    return figure


def comment_theme_trends(frame: pd.DataFrame, top: int = 5):
    """One panel per source (its own waves on its own axis), its `top` themes of the latest wave."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    shown = frame[frame["value"].notna()]
    sources = sorted(shown["source"].unique())
    figure = make_subplots(rows=len(sources), cols=1, subplot_titles=[SOURCE_LABELS.get(s, s) for s in sources],
                           vertical_spacing=0.12)
    palette = ["#1d70b8", "#b35806", "#4d4d4d", "#5e3c99", "#00703c"]
    for i, source in enumerate(sources, start=1):
        part = shown[shown["source"] == source]
        latest = part[part["wave"] == part["wave"].max()].sort_values("value", ascending=False)
        for colour, theme in zip(palette, latest["theme"].head(top)):
            rows = part[part["theme"] == theme].sort_values("wave")
            figure.add_trace(go.Scatter(x=rows["wave"], y=rows["value"], mode="lines+markers+text", showlegend=False,
                                        name=code_label(theme), line=dict(color=colour),
                                        text=[""] * (len(rows) - 1) + [code_label(theme)], textposition="middle right",
                                        textfont=dict(color=colour), cliponaxis=False), row=i, col=1)
        # Room on the right for the direct labels (no legend to match colours against).
        figure.update_xaxes(type="category", domain=[0, 0.74], row=i, col=1)
        figure.update_yaxes(title_text="% of comments", rangemode="tozero", row=i, col=1)
    figure.update_layout(title=f"Comment themes: the {top} most common in each source's latest wave, % of comments",
                         height=120 + 300 * max(1, len(sources)), **LAYOUT)
    return figure


def reasons_beside_survey(frame: pd.DataFrame):
    """Why leavers left (any reason) beside the survey's reasons for wanting to leave (C02)."""
    import plotly.graph_objects as go

    labels = [code_label(m) for m in frame["measure"]]
    figure = go.Figure([
        go.Bar(y=labels, x=frame["value"], name="Leavers (exit interviews)", orientation="h", marker_color=ORGANISATION_COLOUR),
        go.Bar(y=labels, x=frame["survey_value"], name="Wanting to leave (people survey)", orientation="h",
               marker_color=BENCHMARK_COLOUR),
    ])
    figure.update_layout(title="Reasons for leaving: exit interviews beside the people survey (%)", barmode="group",
                         height=160 + 36 * len(frame), yaxis=dict(autorange="reversed"), **LAYOUT)
    return figure


def simple_bars(frame: pd.DataFrame, label_column: str, value_column: str, title: str):
    import plotly.graph_objects as go

    labels = [code_label(v) for v in frame[label_column]]
    figure = go.Figure([go.Bar(y=labels, x=frame[value_column], orientation="h", marker_color=ORGANISATION_COLOUR,
                               text=[whole(v) for v in frame[value_column]], textposition="outside")])
    figure.update_layout(title=title, height=160 + 30 * len(frame), yaxis=dict(autorange="reversed"), **LAYOUT)
    return figure
