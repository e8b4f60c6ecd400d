-- Each ticket's times in calendar hours: the helpdesk's own durations where the export
-- carries them, else from the timestamps (between instants, so daylight saving is right).
-- waited_hours runs from creation to "now" (the export's latest timestamp);
-- resolution_due is when the resolution target passes.
CREATE OR REPLACE VIEW timed AS
SELECT
    t.*,
    (t.first_reply IS NOT NULL OR t.frt_calendar IS NOT NULL OR t.frt_business IS NOT NULL) AS replied,
    coalesce(t.frt_calendar, (epoch_us(t.first_reply) - epoch_us(t.created)) / 3.6e9) AS frt_hours,
    CASE WHEN t.solved IS NOT NULL THEN coalesce(
        t.resolution_calendar,
        CASE WHEN t.solved_exact THEN (epoch_us(t.solved) - epoch_us(t.created)) / 3.6e9 END)
    END AS resolution_hours,
    (epoch_us(s.now) - epoch_us(t.created)) / 3.6e9 AS waited_hours,
    make_timestamptz(epoch_us(t.created) + CAST(s.resolution_target * 3.6e9 AS BIGINT)) AS resolution_due
FROM tickets t CROSS JOIN settings s;
