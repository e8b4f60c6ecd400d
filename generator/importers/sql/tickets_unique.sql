-- The tickets counted when no id repeats: the usable rows themselves.
CREATE OR REPLACE VIEW tickets AS
SELECT * EXCLUDE (problem_code, problem_value, bad_code, bad_value)
FROM rows
WHERE problem_code IS NULL;
