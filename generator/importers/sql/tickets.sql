-- The tickets counted: the usable rows, one per ticket id. Of several rows with one id
-- the latest update wins (its update time, else its latest timestamp); a source that
-- keeps the last row of each ticket (ServiceNow) ranks by file and row alone (the rows
-- of a ticket export are in the rows table in the file's order: its rowid orders them).
CREATE OR REPLACE TABLE tickets AS
WITH usable AS (
    SELECT * EXCLUDE (problem_code, problem_value, bad_code, bad_value), rowid AS order_in_file
    FROM rows
    WHERE problem_code IS NULL
),
ranked AS (
    SELECT *,
        row_number() OVER (
            PARTITION BY id
            ORDER BY
                CASE WHEN file_index IN (SELECT file_index FROM last_row_files) THEN NULL
                     ELSE coalesce(updated, greatest(created, first_reply, solved)) END DESC NULLS LAST,
                file_index DESC, coalesce(row_no, order_in_file) DESC
        ) AS copy
    FROM usable
)
SELECT * EXCLUDE (copy, order_in_file) FROM ranked
WHERE copy = 1;
