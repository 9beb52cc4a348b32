-- Every period label used by a view: survey waves and interview years (YYYY), interview
-- quarters (YYYY-Qn) and pulses (YYYY-MM, the month fieldwork starts). Dates are ISO text so that
-- they compare the same way on SQLite and PostgreSQL.
WITH label AS (
    SELECT wave AS period FROM survey_wave WHERE status = 'current'
    UNION
    SELECT period FROM fact_interview_measure
    UNION
    SELECT wave FROM fact_comment_theme
)
SELECT period,
       CASE WHEN LENGTH(period) = 4 THEN 'year'
            WHEN period LIKE '____-Q_' THEN 'quarter'
            ELSE 'pulse' END AS period_type,
       CAST(SUBSTR(period, 1, 4) AS INTEGER) AS year,
       CASE WHEN LENGTH(period) = 4 THEN period || '-01-01'
            WHEN period LIKE '____-Q_' THEN SUBSTR(period, 1, 4) || CASE SUBSTR(period, 7, 1)
                 WHEN '1' THEN '-01-01' WHEN '2' THEN '-04-01' WHEN '3' THEN '-07-01' ELSE '-10-01' END
            ELSE period || '-01' END AS start_date,
       CASE WHEN LENGTH(period) = 4 THEN period || '-12-31'
            WHEN period LIKE '____-Q_' THEN SUBSTR(period, 1, 4) || CASE SUBSTR(period, 7, 1)
                 WHEN '1' THEN '-03-31' WHEN '2' THEN '-06-30' WHEN '3' THEN '-09-30' ELSE '-12-31' END
            END AS end_date
FROM label
