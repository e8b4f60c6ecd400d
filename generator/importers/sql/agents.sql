-- The Agents sheet, per assignee and month (a NULL agent is the unassigned tickets).
-- Solved figures by solved month, as the tracker's; first response by created month,
-- as the tracker's frt_hours, so that the agents' figures weighted by agent_frt_count
-- add up to the team's.
WITH solved AS (
    SELECT agent, solved_month AS month,
        count(*) AS agent_solved,
        count(*) FILTER (WHERE replies = 1 AND coalesce(reopens, 0) = 0) AS agent_fcr,
        count(*) FILTER (WHERE reopens > 0) AS agent_reopened,
        coalesce(sum(replies), 0) AS agent_replies,
        count(*) FILTER (WHERE csat_rated) AS agent_csat_responses,
        count(*) FILTER (WHERE csat_satisfied) AS agent_csat_satisfied
    FROM facts WHERE solved_month IS NOT NULL GROUP BY ALL
),
received AS (
    SELECT agent, created_month AS month,
        avg(frt_hours) AS agent_frt_hours,
        count(frt_hours) AS agent_frt_count
    FROM facts GROUP BY ALL
)
SELECT coalesce(s.agent, r.agent) AS agent, coalesce(s.month, r.month) AS month,
    s.agent_solved, s.agent_fcr, s.agent_reopened, s.agent_replies,
    r.agent_frt_hours, r.agent_frt_count, s.agent_csat_responses, s.agent_csat_satisfied
FROM solved s FULL JOIN received r ON s.agent IS NOT DISTINCT FROM r.agent AND s.month = r.month
WHERE coalesce(s.month, r.month) IN (SELECT month FROM months);
