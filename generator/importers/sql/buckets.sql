-- The names a workbook shows for a text field (category or channel): the most frequent
-- among the tickets created in the months imported, ties by name. At most {limit}
-- columns: when the names (and the blanks) are more, the first {limit} - 1 are kept
-- and "Other" takes the rest; blanks always count in "Other".
CREATE OR REPLACE TABLE {table} AS
WITH counted AS (
    SELECT nullif(trim({field}), '') AS name, count(*) AS tickets
    FROM tickets
    WHERE created >= (SELECT first_start FROM settings) AND created < (SELECT last_end FROM settings)
    GROUP BY 1
),
room AS (
    SELECT CASE WHEN count(name) + CAST(count(*) FILTER (WHERE name IS NULL) > 0 AS INTEGER) > {limit}
                THEN {limit} - 1 ELSE {limit} END AS kept
    FROM counted
)
SELECT name, name AS bucket
FROM counted
WHERE name IS NOT NULL
QUALIFY row_number() OVER (ORDER BY tickets DESC, name) <= (SELECT kept FROM room);
