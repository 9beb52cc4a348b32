"""Plotly figures for the culture report, one function per chart, each from one report table."""
from __future__ import annotations

import pandas as pd

ORGANISATION_COLOUR = "#1d70b8"  # GOV.UK blue
BENCHMARK_COLOUR = "#b1b4b6"
SUPPRESSED_COLOUR = "#dddddd"
LAYOUT = dict(template="plotly_white", margin=dict(l=10, r=10, t=40, b=10), font=dict(family="Arial, sans-serif"),
              legend=dict(orientation="h", y=-0.15))


def _label(frame: pd.DataFrame) -> list[str]:
    return [str(label or measure) for label, measure in zip(frame["measure_label"], frame["measure"])]


def versus_benchmark(frame: pd.DataFrame, title: str):
    """Horizontal bars: the organisation against the Civil Service benchmark."""
    import plotly.graph_objects as go

    labels = _label(frame)
    figure = go.Figure([
        go.Bar(y=labels, x=frame["value"], name="This organisation", orientation="h", marker_color=ORGANISATION_COLOUR,
               text=[f"{v:.0f}" if pd.notna(v) else "suppressed" for v in frame["value"]], textposition="outside"),
        go.Bar(y=labels, x=frame["benchmark"], name="Civil Service benchmark", orientation="h", marker_color=BENCHMARK_COLOUR),
    ])
    figure.update_layout(title=title, barmode="group", height=120 + 45 * len(frame), xaxis=dict(range=[0, 105]),
                         yaxis=dict(autorange="reversed"), **LAYOUT)
    return figure


def unit_heatmap(frame: pd.DataFrame):
    """Units × themes; suppressed cells are drawn grey and labelled, never left blank or shown as zero."""
    import plotly.graph_objects as go

    values = frame.pivot_table(index="unit_code", columns="measure", values="value", aggfunc="first", dropna=False)
    hidden = frame.pivot_table(index="unit_code", columns="measure", values="suppressed", aggfunc="first").astype(bool)
    hidden = hidden.reindex(index=values.index, columns=values.columns)
    names = frame.drop_duplicates("unit_code").set_index("unit_code")["unit_name"]
    rows = [f"{names.get(code, code)} ({code})" for code in values.index]
    columns = [c.replace("THEME:", "").replace("_", " ") for c in values.columns]
    text = [["suppressed" if hidden.iat[i, j] else f"{values.iat[i, j]:.0f}" for j in range(values.shape[1])]
            for i in range(values.shape[0])]
    figure = go.Figure([
        go.Heatmap(z=hidden.astype(float).where(hidden).to_numpy(), x=columns, y=rows, showscale=False, hoverinfo="skip",
                   colorscale=[[0, SUPPRESSED_COLOUR], [1, SUPPRESSED_COLOUR]]),
        go.Heatmap(z=values.where(~hidden).to_numpy(), x=columns, y=rows, text=text, texttemplate="%{text}",
                   colorscale="RdYlGn", zmin=20, zmax=90, colorbar=dict(title="score")),
    ])
    figure.update_layout(title="Theme scores by directorate and command (grey cells: too few respondents to show)",
                         height=160 + 28 * len(rows), **LAYOUT)
    figure.update_xaxes(side="top")
    return figure


def shifts_over_pulses(frame: pd.DataFrame):
    """The six cultural shifts pulse by pulse, weighted, with 95% margins of error."""
    import plotly.graph_objects as go

    figure = go.Figure()
    for measure, rows in frame.groupby("measure", sort=True):
        figure.add_trace(go.Scatter(x=rows["pulse_id"], y=rows["value_weighted"], mode="lines+markers",
                                    name=measure.replace("SHIFT:", ""),
                                    error_y=dict(type="data", array=rows["moe_95"], visible=True)))
    figure.update_layout(title="Cultural shifts, weighted % positive by pulse (bars: 95% margin of error)",
                         yaxis=dict(range=[0, 100]), xaxis=dict(type="category"), height=420, **LAYOUT)
    return figure


def comment_theme_trends(frame: pd.DataFrame):
    import plotly.graph_objects as go

    figure = go.Figure()
    for (source, theme), rows in frame.groupby(["source", "theme"], sort=True):
        if rows["value"].notna().any():
            figure.add_trace(go.Scatter(x=rows["wave"], y=rows["value"], mode="lines+markers", name=f"{theme} ({source})"))
    figure.update_layout(title="Comment themes over time: % of comments", xaxis=dict(type="category"), height=420, **LAYOUT)
    return figure


def reasons_beside_survey(frame: pd.DataFrame):
    """Why leavers left (any reason) beside the survey's reasons for wanting to leave (C02)."""
    import plotly.graph_objects as go

    labels = [m.split(":", 1)[1].replace("_", " ") for m in frame["measure"]]
    figure = go.Figure([
        go.Bar(y=labels, x=frame["value"], name="Leavers (exit interviews)", orientation="h", marker_color=ORGANISATION_COLOUR),
        go.Bar(y=labels, x=frame["survey_value"], name="Wanting to leave (people survey C02)", orientation="h",
               marker_color=BENCHMARK_COLOUR),
    ])
    figure.update_layout(title="Reasons for leaving: exit interviews beside the people survey", barmode="group",
                         height=140 + 36 * len(frame), yaxis=dict(autorange="reversed"), **LAYOUT)
    return figure


def simple_bars(frame: pd.DataFrame, label_column: str, value_column: str, title: str):
    import plotly.graph_objects as go

    labels = [str(v).split(":", 1)[-1].replace("_", " ") for v in frame[label_column]]
    figure = go.Figure([go.Bar(y=labels, x=frame[value_column], orientation="h", marker_color=ORGANISATION_COLOUR)])
    figure.update_layout(title=title, height=140 + 30 * len(frame), yaxis=dict(autorange="reversed"), **LAYOUT)
    return figure
