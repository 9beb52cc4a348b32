"""Reporting periods: the date a wave's org tree is read at, and quarter labels.

Loaders (which check units against the tree a wave was answered under) and results (which group
by that tree) read the same dates from here.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd


def org_tree_date(survey_year: int) -> dt.date:
    """Units 'in force' for a survey year: the tree as it stood at the end of that year."""
    return dt.date(survey_year, 12, 31)


def fieldwork_start(pulse_id: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(pulse_id, "%Y-%m").date()
    except (TypeError, ValueError):
        return None


def wave_tree_date(wave) -> dt.date | None:
    """The org tree a survey_wave row is reported under: an annual wave's (it has a survey year),
    else the start of the fieldwork its `YYYY-MM` wave names (a pulse's)."""
    return org_tree_date(wave.survey_year) if wave.survey_year is not None else fieldwork_start(wave.wave)


def quarter_labels(dates: pd.Series) -> pd.Series:
    """`2025-Q3` for each date: interviews and their comments report by calendar quarter."""
    dates = pd.to_datetime(dates)
    return dates.dt.year.astype(str) + "-Q" + dates.dt.quarter.astype(str)
