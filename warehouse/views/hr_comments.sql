-- Redacted comments, never the flagged ones (those go to the safeguarding lead only).
-- themes lists every theme the comment supports ("bullying;workload", highest score first);
-- theme is the main one (the highest-scoring, or "other" when none is assigned).
SELECT source, wave, question, reportable_unit_code AS unit_code, theme, themes, theme_similarity, topic, redacted_text
FROM comment
WHERE NOT flagged
