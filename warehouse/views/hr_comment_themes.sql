-- Theme prevalence of free-text comments per source, wave, question and unit (organisation or directorate).
SELECT source, wave, question, unit_code, unit_level, theme,
       comments,
       theme_comments,
       value,
       suppressed
FROM fact_comment_theme
