-- Channel performance per month: mean first response of the tickets received (the
-- weight is the channel's tickets with a first response), CSAT of the tickets solved.
WITH received AS (
    SELECT channel, created_month AS month, avg(frt_hours) AS chan_frt_hours
    FROM facts GROUP BY ALL
),
solved AS (
    SELECT channel, solved_month AS month,
        count(*) FILTER (WHERE csat_rated) AS chan_csat_responses,
        count(*) FILTER (WHERE csat_satisfied) AS chan_csat_satisfied
    FROM facts WHERE solved_month IS NOT NULL GROUP BY ALL
)
SELECT channel, month, r.chan_frt_hours, s.chan_csat_responses, s.chan_csat_satisfied
FROM received r FULL JOIN solved s USING (channel, month)
WHERE month IN (SELECT month FROM months);
