-- Pulse surveys, weighted to the workforce: one row per pulse, group and measure, current
-- delivery of each pulse only.
SELECT w.wave AS pulse_id,
       f.unit_code,
       f.unit_name,
       f.unit_level,
       f.breakdown,
       f.group_value,
       f.group_label,
       f.measure,
       rm.label AS measure_label,
       rm.polarity,
       f.value_weighted,
       f.value_unweighted,
       f.respondents,
       f.effective_n,
       f.moe_95,
       f.change_pp,
       f.change_significant,
       f.benchmark,
       f.benchmark_year,
       f.diff_pp,
       f.benchmark_significant,
       f.weighting,
       f.suppressed
FROM fact_pulse_measure f
JOIN survey_wave w ON w.wave_id = f.wave_id AND w.status = 'current'
LEFT JOIN ref_measure rm ON rm.measure = f.measure
