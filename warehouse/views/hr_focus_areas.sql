-- Per unit (down to teams), demographic group, outcome and kind of driver: up to three important
-- drivers to work on (score significantly below the Civil Service benchmark or the organisation)
-- and up to three strengths to keep. Units and groups too small to analyse use the importance of
-- the nearest analysed unit above them (importance_from) with their own published score.
SELECT w.wave,
       d.unit_code,
       d.unit_name,
       d.unit_level,
       d.breakdown,
       d.group_value,
       d.group_label,
       d.outcome,
       d.driver_kind,
       d.focus,
       d.focus_rank,
       d.driver,
       rm.label AS driver_label,
       d.importance_share,
       d.importance_from,
       d.importance_own,
       d.score,
       d.benchmark,
       d.diff_pp,
       d.organisation_score,
       d.below_benchmark,
       d.below_organisation,
       d.suppressed
FROM fact_key_driver d
JOIN survey_wave w ON w.wave_id = d.wave_id AND w.status = 'current'
LEFT JOIN ref_measure rm ON rm.measure = d.driver
WHERE d.focus IS NOT NULL AND NOT d.suppressed
