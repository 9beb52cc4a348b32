-- Grades with a readable label and a rank to sort by (1 = most junior).
SELECT code AS grade,
       label,
       CAST(attribute AS INTEGER) AS grade_rank
FROM ref_code
WHERE list_name = 'grade'
