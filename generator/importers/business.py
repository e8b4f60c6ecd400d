"""Business hours as a table of days: the schedule's window of each local day of the
business timezone, and the business time before it (a running "business clock").

A duration in business hours is then the difference of two clock readings, each a
join on the day (see ``sql/durations_business.sql``): vectorised, no loop over
tickets. Windows are local times made instants day by day, so a day on which the
clocks change has its true length.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .options import ImportOptions

MARGIN_DAYS = 2  # days of the calendar before the first and after the last timestamp


def create_work_days(connection: Any, options: ImportOptions) -> None:
    """Make the ``work_days`` table covering every timestamp of ``tickets``."""
    schedule = options.business_hours
    zone = options.business_zone
    first, last = connection.execute(
        "SELECT CAST(timezone(?, min(created)) AS DATE), "
        "CAST(timezone(?, max(greatest(created, first_reply, solved, updated))) AS DATE) FROM tickets",
        [zone, zone]).fetchone()
    first -= dt.timedelta(days=MARGIN_DAYS)
    last += dt.timedelta(days=MARGIN_DAYS)
    connection.execute("CREATE TABLE holidays (day DATE)")
    holidays = schedule.holidays_between(first.year, last.year)
    if holidays:
        connection.executemany("INSERT INTO holidays VALUES (?)", [[day] for day in holidays])
    working = ", ".join(str(day + 1) for day in schedule.days)  # isodow: Monday is 1
    connection.execute(f"""
        CREATE TABLE work_days AS
        WITH days AS (
            SELECT CAST(range AS DATE) AS day
            FROM range(CAST(? AS DATE), CAST(? AS DATE) + INTERVAL 1 DAY, INTERVAL 1 DAY)
        ),
        windows AS (
            SELECT day,
                epoch_us(timezone(?, day + CAST(? AS TIME))) AS start_us,
                CASE WHEN isodow(day) IN ({working}) AND day NOT IN (SELECT day FROM holidays)
                     THEN epoch_us(timezone(?, day + CAST(? AS TIME)))
                          - epoch_us(timezone(?, day + CAST(? AS TIME)))
                     ELSE 0 END AS length_us
            FROM days
        )
        SELECT day, start_us, length_us,
            CAST(coalesce(sum(length_us) OVER (
                ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                AS BIGINT)
                AS clock_before
        FROM windows
        ORDER BY day""",
        [first, last, zone, schedule.start.isoformat(), zone, schedule.end.isoformat(), zone,
         schedule.start.isoformat()])
