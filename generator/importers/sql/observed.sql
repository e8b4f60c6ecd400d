-- Medians and 90th percentiles of quarter and year spans, from each span's own tickets
-- (never from monthly figures): first response of the tickets received in the span,
-- resolution time of those solved in it. span_days lists each span's days, so that a
-- ticket finds its spans by its day (a hash join, not a range join).
WITH received AS (
    SELECT s.key,
        quantile_cont(f.frt_hours, 0.5) AS frt_median_hours,
        quantile_cont(f.frt_hours, 0.9) AS frt_p90_hours
    FROM span_days s JOIN facts f ON f.created_day = s.day
    GROUP BY s.key
),
solved AS (
    SELECT s.key,
        quantile_cont(f.resolution_hours, 0.5) AS art_median_hours,
        quantile_cont(f.resolution_hours, 0.9) AS art_p90_hours
    FROM span_days s JOIN facts f ON f.solved_day = s.day
    GROUP BY s.key
)
SELECT s.key, r.frt_median_hours, r.frt_p90_hours, v.art_median_hours, v.art_p90_hours
FROM spans s LEFT JOIN received r USING (key) LEFT JOIN solved v USING (key);
