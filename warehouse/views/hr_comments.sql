-- Redacted comments, never the flagged ones (those go to the safeguarding lead only).
-- themes lists every theme the comment supports ("bullying;workload", highest score first);
-- theme is the main one (the highest-scoring, or "other" when none is assigned).
-- A comment is listed only where its question's organisation-wide group is shown in
-- hr_comment_themes: counting these rows must never give a count (or a theme's count) that
-- disclosure control hid there, such as the three exit interviews of a quarter.
SELECT c.source, c.wave, c.question, c.reportable_unit_code AS unit_code, c.theme, c.themes, c.theme_similarity,
       c.topic, c.redacted_text
FROM comment c
WHERE NOT c.flagged
  AND EXISTS (SELECT 1 FROM fact_comment_theme f
              WHERE f.source = c.source AND f.wave = c.wave AND f.question = c.question
                AND f.unit_level = 'organisation' AND NOT f.suppressed)
