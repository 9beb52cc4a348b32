-- Does intention predict leaving? Per directorate and annual wave: intending to leave within a year
-- (C01 = 1 or 2) and engagement from the wave, beside the leaving rate of the year that follows,
-- each against the organisation. Built only from published (unsuppressed) figures of
-- hr_survey_results and hr_leaving_rates, so it reveals nothing they do not.
WITH survey AS (
    SELECT wave, unit_code, unit_name,
           CASE WHEN COUNT(CASE WHEN measure IN ('C01_1', 'C01_2') THEN 1 END) = 2
                THEN SUM(CASE WHEN measure IN ('C01_1', 'C01_2') THEN value END) END AS intend_to_leave,
           MAX(CASE WHEN measure = 'EEI' THEN value END) AS eei
    FROM hr_survey_results
    WHERE breakdown = 'all' AND (unit_code IS NULL OR unit_level = 'directorate') AND NOT suppressed
      AND measure IN ('C01_1', 'C01_2', 'EEI')
    GROUP BY wave, unit_code, unit_name
),
leaving AS (
    SELECT SUBSTR(period, 1, 4) AS year, unit_code, AVG(value) AS rate, COUNT(*) AS quarters
    FROM hr_leaving_rates
    WHERE breakdown = 'all' AND measure = 'leaving_rate' AND NOT suppressed
      AND (unit_code IS NULL OR unit_level = 'directorate')
    GROUP BY SUBSTR(period, 1, 4), unit_code
),
joined AS (
    SELECT s.wave, s.unit_code, s.unit_name, s.intend_to_leave, s.eei, l.rate, l.quarters
    FROM survey s
    LEFT JOIN leaving l ON l.year = CAST(CAST(s.wave AS INTEGER) + 1 AS TEXT)
         AND (l.unit_code = s.unit_code OR (l.unit_code IS NULL AND s.unit_code IS NULL))
)
SELECT u.wave,
       u.unit_code,
       u.unit_name,
       u.intend_to_leave AS intend_to_leave_pct,
       o.intend_to_leave AS organisation_intend_to_leave_pct,
       u.eei,
       o.eei AS organisation_eei,
       u.rate AS following_year_leaving_rate,
       o.rate AS organisation_following_year_leaving_rate,
       u.quarters AS leaving_quarters,
       CASE WHEN u.rate IS NULL OR o.rate IS NULL OR u.intend_to_leave IS NULL OR o.intend_to_leave IS NULL THEN NULL
            WHEN u.intend_to_leave > o.intend_to_leave AND u.rate > o.rate THEN 'both_higher'
            WHEN u.intend_to_leave <= o.intend_to_leave AND u.rate <= o.rate THEN 'both_not_higher'
            WHEN u.intend_to_leave > o.intend_to_leave THEN 'intention_only'
            ELSE 'leaving_only' END AS agreement,
       CASE WHEN u.intend_to_leave > o.intend_to_leave AND u.rate > o.rate AND u.eei < o.eei THEN TRUE
            ELSE FALSE END AS retention_risk
FROM joined u
JOIN joined o ON o.unit_code IS NULL AND o.wave = u.wave
WHERE u.unit_code IS NOT NULL
