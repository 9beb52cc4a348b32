-- The inspection's areas for improvement: per evidencing measure and current annual wave, pulse or
-- exit/stay interview period, the organisation's figure, its change since the previous one and the
-- status that change earns, the distance to the target set in
-- pipelines/shared/reference_data/improvement_areas.yml, the pace achieved since the first tracked figure
-- beside the pace the target needs, and (annual rows) what the latest pulse since suggests.
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
       t.baseline_wave,
       t.baseline_value,
       t.pace_achieved,
       t.pace_needed,
       t.on_track,
       t.pulse_wave,
       t.pulse_change_pp,
       t.pulse_suggests,
       t.suppressed
FROM fact_improvement_tracker t
LEFT JOIN survey_wave w ON w.wave_id = t.wave_id
LEFT JOIN ref_measure rm ON rm.measure = t.measure
WHERE t.wave_id IS NULL OR w.status = 'current'
