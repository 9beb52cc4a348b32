-- Redacted comments, never the flagged ones (those go to the safeguarding lead only).
SELECT source, wave, question, reportable_unit_code AS unit_code, theme, theme_similarity, topic, redacted_text
FROM comment
WHERE NOT flagged
