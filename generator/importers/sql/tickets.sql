-- The tickets counted: the usable rows, one per ticket id. Of several rows with one id
-- the latest update wins (its update time, else its latest timestamp); a source that
-- keeps the last row of each ticket (ServiceNow) ranks by file and row alone.
CREATE OR REPLACE TABLE tickets AS
WITH usable AS (
    SELECT * EXCLUDE (problem, problem_column, problem_value, bad_field, bad_value)
    FROM rows
    WHERE problem IS NULL
),
ranked AS (
    SELECT *,
        row_number() OVER (
            PARTITION BY id
            ORDER BY
                CASE WHEN file_index IN (SELECT file_index FROM last_row_files) THEN NULL
                     ELSE coalesce(updated, greatest(created, first_reply, solved)) END DESC NULLS LAST,
                file_index DESC, row_no DESC
        ) AS copy
    FROM usable
)
SELECT * EXCLUDE (copy), copy AS copies_rank FROM ranked
WHERE copy = 1;
