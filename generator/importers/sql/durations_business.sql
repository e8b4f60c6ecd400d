-- Each ticket's times in business hours: the helpdesk's own durations where the export
-- carries them, else counted on the schedule. work_days holds one row per local day of
-- the business timezone: its window (start_us, length_us; 0 on days off and holidays)
-- and the business microseconds before it (clock_before). The business clock of an
-- instant is its day's clock_before plus the part of the day's window before it, so a
-- duration is the difference of two clocks: a join on the day, no loop over tickets.
CREATE OR REPLACE VIEW timed AS
WITH clocks AS (
    SELECT
        t.*,
        c.clock_before + least(greatest(epoch_us(t.created) - c.start_us, 0), c.length_us) AS created_clock,
        f.clock_before + least(greatest(epoch_us(t.first_reply) - f.start_us, 0), f.length_us) AS reply_clock,
        v.clock_before + least(greatest(epoch_us(t.solved) - v.start_us, 0), v.length_us) AS solved_clock,
        s.now_clock, s.resolution_target, s.business_zone
    FROM tickets t
    CROSS JOIN settings s
    LEFT JOIN work_days c ON c.day = CAST(timezone(s.business_zone, t.created) AS DATE)
    LEFT JOIN work_days f ON f.day = CAST(timezone(s.business_zone, t.first_reply) AS DATE)
    LEFT JOIN work_days v ON v.day = CAST(timezone(s.business_zone, t.solved) AS DATE)
),
due AS (
    -- open tickets past the resolution target: the instant the business clock reached it
    SELECT k.id, make_timestamptz(w.start_us + (k.due_clock - w.clock_before)) AS resolution_due
    FROM (SELECT id, created_clock + CAST(resolution_target * 3.6e9 AS BIGINT) AS due_clock
          FROM clocks WHERE solved IS NULL AND now_clock - created_clock > resolution_target * 3.6e9) k
    ASOF JOIN (SELECT * FROM work_days WHERE length_us > 0) w ON k.due_clock > w.clock_before
)
SELECT
    clocks.* EXCLUDE (created_clock, reply_clock, solved_clock, now_clock, resolution_target, business_zone),
    (first_reply IS NOT NULL OR frt_calendar IS NOT NULL OR frt_business IS NOT NULL) AS replied,
    coalesce(frt_business, (reply_clock - created_clock) / 3.6e9) AS frt_hours,
    CASE WHEN solved IS NOT NULL THEN coalesce(
        resolution_business,
        CASE WHEN solved_exact THEN (solved_clock - created_clock) / 3.6e9 END)
    END AS resolution_hours,
    (now_clock - created_clock) / 3.6e9 AS waited_hours,
    due.resolution_due
FROM clocks LEFT JOIN due USING (id);
