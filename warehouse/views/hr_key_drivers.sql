-- Key drivers (relative weights, Johnson 2000) of EEI, intention to leave (C01) and B57 for the
-- organisation and each directorate with enough respondents, by theme and by question, current
-- delivery of each wave only. Rows of other units and groups (focus areas only) are in hr_focus_areas.
SELECT w.source,
       w.wave,
       w.org_code,
       d.unit_code,
       d.unit_name,
       d.unit_level,
       d.outcome,
       d.driver_kind,
       d.driver,
       rm.label AS driver_label,
       d.importance_rank,
       d.importance_share,
       d.share_low,
       d.share_high,
       d.r_squared,
       d.score,
       d.benchmark,
       d.diff_pp,
       d.organisation_score,
       d.below_benchmark,
       d.below_organisation,
       d.focus,
       d.suppressed
FROM fact_key_driver d
JOIN survey_wave w ON w.wave_id = d.wave_id AND w.status = 'current'
LEFT JOIN ref_measure rm ON rm.measure = d.driver
WHERE d.importance_own AND d.breakdown = 'all'
