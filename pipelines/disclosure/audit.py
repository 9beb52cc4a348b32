"""The built-in attacker: what an analyst holding every published table could work out.

It reads a wave's rows from the analyst's view (`hr_survey_results` or `hr_pulse_results`: values
and counts exactly as published), rebuilds the relations between groups from the group columns and
the org chart alone, and looks for hidden cells it can fix or bound too tightly, shown routed cells
whose base is a hidden count, and counts shown on suppressed rows. It is stronger than a real
analyst in one way, on purpose: it also knows every hidden cell's true respondent count (read from
the restricted facts), so a wave it passes is safe against anyone who can only guess those.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipelines.measures import group_families
from pipelines.disclosure.survey_cells import audit_survey_cells
from pipelines.shared.periods import wave_tree_date
from warehouse import waves
from warehouse.db import table
from warehouse.org_tree import units_in_force

GROUP = ["unit_code", "breakdown", "group_value"]


@dataclass(frozen=True)
class AuditedView:
    """Where a wave source's figures are published, as its results step declares it
    (pipelines.publish.wave_results.WaveResults.audited)."""
    view: str
    facts: str
    wave_column: str  # the view's column naming the wave
    value: str  # the view's (and facts') value with exact linear relations between groups
    count: str  # the view's respondent count column
    org_column: str | None = None  # the view's organisation column, for a source delivered per organisation


class DisclosureAuditFailed(RuntimeError):
    """A wave whose published figures would give hidden cells away."""

    def __init__(self, findings: pd.DataFrame):
        self.findings = findings
        super().__init__(f"disclosure audit: {len(findings)} hidden cell(s) could be worked out "
                         f"({'; '.join(sorted(findings['reason'].unique()))})")


def audit_wave(connection: Connection, wave_id: int, min_group_size: int, spec: AuditedView) -> pd.DataFrame:
    """Findings (wave, unit_code, breakdown, group_value, key, reason) for one current wave,
    published in `spec`'s view."""
    wave = waves.wave_row(connection, wave_id)
    of_organisation = f" AND {spec.org_column} = :org" if spec.org_column else ""
    shown = pd.read_sql(sa.text(
        f"SELECT unit_code, breakdown, group_value, measure, {spec.value} AS published_value, "
        f"{spec.count} AS published_count FROM {spec.view} WHERE {spec.wave_column} = :wave{of_organisation}"),
        connection, params={"org": wave.org_code, "wave": wave.wave})
    facts = table(connection.engine, spec.facts)
    truth = pd.read_sql(sa.select(facts.c.unit_code, facts.c.breakdown, facts.c.group_value, facts.c.measure,
                                  facts.c.respondents, getattr(facts.c, spec.value).label("value"))
                        .where(facts.c.wave_id == wave_id), connection)
    cells = _keyed(truth).merge(_keyed(shown), on=GROUP + ["measure"], how="left")
    hidden = cells["published_value"].isna()
    groups = cells[GROUP].drop_duplicates().reset_index(drop=True)
    groups["group_id"] = range(len(groups))
    cells = cells.merge(groups, on=GROUP)
    units = units_in_force(connection, wave_tree_date(wave))
    families = group_families.families(groups, *group_families.links_of(units))
    findings = audit_survey_cells(cells, families, min_group_size, hidden)
    findings = findings.merge(groups, on="group_id").drop(columns="group_id")
    small_shown = cells[~hidden & (cells["respondents"] < min_group_size)]
    counted = cells[hidden & cells["published_count"].notna()]
    extra = pd.concat([
        small_shown[GROUP].assign(key=small_shown["measure"], reason=f"figure shown for fewer than {min_group_size} respondents"),
        counted[GROUP].assign(key=counted["measure"], reason="respondent count shown on a suppressed row"),
    ])
    result = pd.concat([findings, extra], ignore_index=True).drop_duplicates()
    return result.replace({"": None}).assign(wave=wave.wave)[["wave", *GROUP, "key", "reason"]]


def _keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """NULL group columns (the organisation, the 'all' breakdown) as '' so that they join."""
    return frame.assign(**{c: frame[c].fillna("").astype(str) for c in ("unit_code", "group_value")})


def audit_current_waves(connection: Connection, min_group_size: int, views: Mapping[str, AuditedView],
                        wave: str | None = None, progress=lambda _m: None) -> pd.DataFrame:
    """Findings for every current wave of the sources in `views` (source -> where its figures are
    published), or those named `wave`."""
    survey_wave = table(connection.engine, "survey_wave")
    query = sa.select(survey_wave.c.wave_id).where(survey_wave.c.status == "current",
                                                   survey_wave.c.source.in_(list(views)))
    if wave is not None:
        query = query.where(survey_wave.c.wave == wave)
    found = []
    for (wave_id,) in connection.execute(query).all():
        row = waves.wave_row(connection, wave_id)
        findings = audit_wave(connection, wave_id, min_group_size, views[row.source])
        progress(f"audited {row.source} wave {row.wave} ({row.org_code}): {len(findings)} finding(s)")
        found.append(findings)
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=["wave", *GROUP, "key", "reason"])
