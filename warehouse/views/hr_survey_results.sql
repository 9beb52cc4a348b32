-- Annual people survey: one row per group (organisation, unit, demographic group of the
-- organisation or of a directorate) and measure, current delivery of each wave only.
SELECT w.source,
       w.wave,
       w.org_code,
       m.unit_code,
       m.unit_name,
       m.unit_level,
       m.breakdown,
       m.group_value,
       m.group_label,
       m.measure,
       rm.label AS measure_label,
       rm.polarity,
       rm.value_unit,
       m.value,
       m.respondents,
       m.benchmark,
       m.benchmark_year,
       m.diff_pp,
       m.significant,
       m.change_pp,
       m.change_significant,
       m.suppressed
FROM fact_survey_measure m
JOIN survey_wave w ON w.wave_id = m.wave_id AND w.status = 'current'
LEFT JOIN ref_measure rm ON rm.measure = m.measure
