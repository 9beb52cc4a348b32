-- Theme prevalence over waves for the whole organisation, all questions together. Reads the
-- protected hr_comment_themes, so a suppressed wave has no value and no change either side.
SELECT source, wave, theme, comments, theme_comments, value,
       value - LAG(value) OVER (PARTITION BY source, theme ORDER BY wave) AS change_pp,
       suppressed
FROM hr_comment_themes
WHERE question = '*' AND unit_level = 'organisation'
