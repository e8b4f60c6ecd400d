-- The tracker's ticket inputs, one row per month: received figures by created month,
-- solved figures by solved month, breaches of open tickets by the month their target
-- passed, backlog at each month's start and end (the month holding "now" is counted
-- as it stands at "now"; its aged tickets are those older than the threshold at "now").
WITH received AS (
    SELECT created_month AS month,
        count(*) AS tickets_new,
        avg(frt_hours) AS frt_hours,
        quantile_cont(frt_hours, 0.5) AS frt_median_hours,
        quantile_cont(frt_hours, 0.9) AS frt_p90_hours,
        count(*) FILTER (WHERE frt_sla_measured) AS frt_sla_measured,
        count(*) FILTER (WHERE frt_sla_met) AS frt_sla_met
    FROM facts GROUP BY ALL
),
solved AS (
    SELECT solved_month AS month,
        count(*) AS tickets_resolved,
        count(*) FILTER (WHERE replies = 1 AND coalesce(reopens, 0) = 0) AS tickets_fcr,
        count(*) FILTER (WHERE reopens > 0) AS tickets_reopened,
        coalesce(sum(replies), 0) AS agent_replies,
        avg(resolution_hours) AS art_hours,
        quantile_cont(resolution_hours, 0.5) AS art_median_hours,
        quantile_cont(resolution_hours, 0.9) AS art_p90_hours,
        count(*) FILTER (WHERE res_sla_measured) AS res_solved_measured,
        count(*) FILTER (WHERE res_sla_met) AS res_sla_met,
        count(*) FILTER (WHERE csat_rated) AS csat_responses,
        count(*) FILTER (WHERE csat_satisfied) AS csat_satisfied
    FROM facts WHERE solved_month IS NOT NULL GROUP BY ALL
),
breached AS (
    SELECT res_breach_month AS month, count(*) AS open_breached
    FROM facts WHERE res_breach_month IS NOT NULL GROUP BY ALL
),
spanning AS (  -- only tickets open across a month's boundary can be in a backlog
    SELECT created, solved FROM facts WHERE solved IS NULL OR solved_month > created_month
),
backlog AS (  -- open at an instant: created before it, not solved before it
    SELECT m.month,
        count(b.created) FILTER (WHERE b.created < m.starts AND (b.solved IS NULL OR b.solved >= m.starts))
            AS tickets_open_start,
        count(b.created) FILTER (WHERE b.solved IS NULL OR b.solved >= m.ends) AS tickets_open_end,
        count(b.created) FILTER (WHERE b.created < m.aged_before AND (b.solved IS NULL OR b.solved >= m.ends))
            AS tickets_aged
    FROM months m
    LEFT JOIN spanning b ON b.created < m.ends AND (b.solved IS NULL OR b.solved >= m.starts)
    GROUP BY m.month
)
SELECT m.month,
    coalesce(r.tickets_new, 0) AS tickets_new,
    r.frt_hours, r.frt_median_hours, r.frt_p90_hours,
    coalesce(r.frt_sla_measured, 0) AS frt_sla_measured, coalesce(r.frt_sla_met, 0) AS frt_sla_met,
    coalesce(s.tickets_resolved, 0) AS tickets_resolved, coalesce(s.tickets_fcr, 0) AS tickets_fcr,
    coalesce(s.tickets_reopened, 0) AS tickets_reopened, coalesce(s.agent_replies, 0) AS agent_replies,
    s.art_hours, s.art_median_hours, s.art_p90_hours,
    coalesce(s.res_solved_measured, 0) + coalesce(x.open_breached, 0) AS res_sla_measured,
    coalesce(s.res_sla_met, 0) AS res_sla_met,
    coalesce(s.csat_responses, 0) AS csat_responses, coalesce(s.csat_satisfied, 0) AS csat_satisfied,
    coalesce(b.tickets_open_start, 0) AS tickets_open_start,
    coalesce(b.tickets_open_end, 0) AS tickets_open_end,
    coalesce(b.tickets_aged, 0) AS tickets_aged
FROM months m
LEFT JOIN received r USING (month)
LEFT JOIN solved s USING (month)
LEFT JOIN breached x USING (month)
LEFT JOIN backlog b USING (month)
ORDER BY m.month;
