-- One row per ticket: the months it counts in (created and solved, in the workbook's
-- timezone, which is the session's), its times on the chosen basis, its SLA outcomes
-- and its category and channel as the volume tab shows them (the most frequent names,
-- the rest and the blanks in "Other").
CREATE OR REPLACE TABLE facts AS
SELECT
    t.id, t.created, t.solved,
    CAST(t.created AS DATE) AS created_day,
    CAST(t.solved AS DATE) AS solved_day,
    CAST(date_trunc('month', CAST(t.created AS DATE)) AS DATE) AS created_month,
    CAST(date_trunc('month', CAST(t.solved AS DATE)) AS DATE) AS solved_month,
    coalesce(cat.bucket, 'Other') AS category,
    coalesce(chan.bucket, 'Other') AS channel,
    nullif(trim(t.agent), '') AS agent,
    t.replies, t.reopens, t.csat_rated, t.csat_satisfied,
    t.replied, t.frt_hours, t.resolution_hours,
    -- which of the helpdesk's own durations the ticket has (for the summary's notes)
    t.frt_calendar IS NOT NULL AS own_frt_calendar, t.frt_business IS NOT NULL AS own_frt_business,
    t.resolution_calendar IS NOT NULL AS own_resolution_calendar,
    t.resolution_business IS NOT NULL AS own_resolution_business,
    -- first reply: received tickets whose reply is due (replied, or waiting past the target)
    CASE WHEN t.replied THEN t.frt_hours IS NOT NULL
         ELSE t.waited_hours > s.first_reply_target END AS frt_sla_measured,
    t.replied AND coalesce(t.frt_hours <= s.first_reply_target, false) AS frt_sla_met,
    -- resolution: solved tickets in the month solved; open ones past the target once,
    -- in the month the target passed
    t.solved IS NOT NULL AND t.resolution_hours IS NOT NULL AS res_sla_measured,
    t.solved IS NOT NULL AND coalesce(t.resolution_hours <= s.resolution_target, false) AS res_sla_met,
    CASE WHEN t.solved IS NULL AND t.waited_hours > s.resolution_target
         THEN CAST(date_trunc('month', t.resolution_due) AS DATE) END AS res_breach_month
FROM timed t
CROSS JOIN settings s
LEFT JOIN category_buckets cat ON cat.name = t.category  -- texts are trimmed when read
LEFT JOIN channel_buckets chan ON chan.name = t.channel;
