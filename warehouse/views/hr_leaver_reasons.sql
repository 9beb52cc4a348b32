-- Why people leave, per year of leaving, beside what the people survey said for the same unit
-- and group. The survey wave is the latest current one not after the leaving year; survey
-- figures come from hr_survey_results, so they carry its suppression as well as this row's.
WITH survey_wave_of_period AS (
    SELECT p.period, MAX(sw.wave) AS survey_wave
    FROM (SELECT DISTINCT period FROM fact_interview_measure WHERE topic = 'leaver_reason') p
    JOIN survey_wave sw ON sw.source = 'people_survey' AND sw.status = 'current' AND sw.wave <= p.period
    GROUP BY p.period
)
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
       rm.value_unit,
       f.value,
       f.respondents AS interviews,
       w.survey_wave,
       f.survey_measure,
       s.value AS survey_value,
       c1.value + c2.value AS survey_intend_to_leave,
       f.suppressed
FROM fact_interview_measure f
LEFT JOIN survey_wave_of_period w ON w.period = f.period
LEFT JOIN hr_units u ON u.unit_code = f.unit_code AND u.valid_to IS NULL
LEFT JOIN ref_code g ON g.list_name = f.breakdown AND g.code = f.group_value
LEFT JOIN ref_measure rm ON rm.measure = f.measure
LEFT JOIN hr_survey_results s
       ON s.wave = w.survey_wave AND s.measure = f.survey_measure AND s.breakdown = f.breakdown
      AND COALESCE(s.unit_code, '') = COALESCE(f.unit_code, '') AND COALESCE(s.group_value, '') = COALESCE(f.group_value, '')
LEFT JOIN hr_survey_results c1
       ON c1.wave = w.survey_wave AND c1.measure = 'C01_1' AND c1.breakdown = f.breakdown
      AND COALESCE(c1.unit_code, '') = COALESCE(f.unit_code, '') AND COALESCE(c1.group_value, '') = COALESCE(f.group_value, '')
LEFT JOIN hr_survey_results c2
       ON c2.wave = w.survey_wave AND c2.measure = 'C01_2' AND c2.breakdown = f.breakdown
      AND COALESCE(c2.unit_code, '') = COALESCE(f.unit_code, '') AND COALESCE(c2.group_value, '') = COALESCE(f.group_value, '')
WHERE f.topic = 'leaver_reason'
