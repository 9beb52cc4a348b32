-- Org units, one row per unit per version of the org-unit tree: a version starts on each
-- valid_from date in dim_org_unit and lasts until the next one (valid_to, exclusive; NULL = in
-- force now). The path is walked within the same version, so a unit's parent, directorate and
-- path are as they stood in that version.
WITH RECURSIVE tree_version AS (
    SELECT valid_from, LEAD(valid_from) OVER (ORDER BY valid_from) AS valid_to
    FROM (SELECT DISTINCT valid_from FROM dim_org_unit) AS version_start
),
unit_in_force AS (
    SELECT v.valid_from, v.valid_to, u.unit_code, u.unit_name, u.parent_code, u.level
    FROM tree_version v
    JOIN dim_org_unit u
      ON u.valid_from = (SELECT MAX(latest.valid_from) FROM dim_org_unit latest
                         WHERE latest.unit_code = u.unit_code AND latest.valid_from <= v.valid_from)
),
walk (valid_from, unit_code, node_code, below_node_code, next_code, name_path, depth) AS (
    SELECT valid_from, unit_code, unit_code, CAST(NULL AS VARCHAR(64)), parent_code,
           CAST(unit_name AS TEXT), 1
    FROM unit_in_force
    UNION ALL
    SELECT w.valid_from, w.unit_code, p.unit_code, w.node_code, p.parent_code,
           CAST(p.unit_name || ' > ' || w.name_path AS TEXT), w.depth + 1
    FROM walk w
    JOIN unit_in_force p ON p.valid_from = w.valid_from AND p.unit_code = w.next_code
    WHERE w.depth < 32
)
SELECT u.unit_code,
       u.unit_name,
       u.level AS unit_level,
       w.depth,
       u.parent_code,
       parent.unit_name AS parent_name,
       CASE WHEN w.depth = 1 THEN NULL WHEN w.depth = 2 THEN u.unit_code ELSE w.below_node_code END AS directorate_code,
       w.name_path AS unit_path,
       u.valid_from,
       u.valid_to,
       CASE WHEN u.valid_to IS NULL THEN 1 ELSE 0 END AS is_current
FROM unit_in_force u
LEFT JOIN walk w ON w.valid_from = u.valid_from AND w.unit_code = u.unit_code AND w.next_code IS NULL
LEFT JOIN unit_in_force parent ON parent.valid_from = u.valid_from AND parent.unit_code = u.parent_code
