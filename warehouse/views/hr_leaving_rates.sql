-- Leaving rates per quarter of the leaving date, for the organisation, every unit, and grades
-- of the organisation and of directorates. Names and paths are the units' as in force now.
SELECT f.period,
       f.unit_code,
       u.unit_name,
       u.unit_path,
       f.unit_level,
       f.breakdown,
       f.group_value,
       g.label AS group_label,
       f.measure,
       rm.label AS measure_label,
       rm.polarity,
       f.value,
       f.respondents AS leavers,
       f.population AS average_headcount,
       f.suppressed
FROM fact_interview_measure f
LEFT JOIN hr_units u ON u.unit_code = f.unit_code AND u.valid_to IS NULL
LEFT JOIN ref_code g ON g.list_name = f.breakdown AND g.code = f.group_value
LEFT JOIN ref_measure rm ON rm.measure = f.measure
WHERE f.topic = 'leaving'
