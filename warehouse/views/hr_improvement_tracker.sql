-- The inspection's areas for improvement: per evidencing measure and current annual wave or pulse,
-- the organisation's figure, its change since the previous wave and the status that change earns,
-- and the distance to the target set in pipelines/reference_data/improvement_areas.yml.
SELECT t.area_id,
       t.area,
       t.measure,
       rm.label AS measure_label,
       t.source,
       t.wave,
       t.direction,
       t.value,
       t.previous_value,
       t.change_pp,
       t.change_significant,
       t.status,
       t.target_value,
       t.target_year,
       t.gap_to_target,
       t.target_met,
       t.suppressed
FROM fact_improvement_tracker t
JOIN survey_wave w ON w.wave_id = t.wave_id AND w.status = 'current'
LEFT JOIN ref_measure rm ON rm.measure = t.measure
