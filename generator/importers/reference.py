"""The reference of the import's figures: plain Python over ticket records, no DuckDB
and no numpy, written from the definitions (metrics.md, import.md and the decisions
in ``engine``'s docstring) rather than from the SQL, so that the tests can compare
the two on generated tickets.

It is slow on purpose-free grounds (loops over tickets and days): it is for tests.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .options import ImportOptions
from .result import Span

HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Ticket:
    """A ticket record as the engine keeps it after reading: aware instants, hours."""

    id: str
    created: dt.datetime
    first_reply: dt.datetime | None = None
    solved: dt.datetime | None = None
    updated: dt.datetime | None = None
    channel: str | None = None
    category: str | None = None
    agent: str | None = None
    replies: int | None = None
    reopens: int | None = None
    csat_rated: bool = False
    csat_satisfied: bool = False
    frt_calendar: float | None = None
    frt_business: float | None = None
    resolution_calendar: float | None = None
    resolution_business: float | None = None
    solved_exact: bool = True


@dataclass
class Figures:
    """The reference's figures, shaped as ``ImportResult``'s."""

    months: list[dt.date]
    inputs: dict[str, dict[dt.date, float | None]] = field(default_factory=dict)
    observed: dict[str, dict[str, float | None]] = field(default_factory=dict)
    categories: dict[str, dict[dt.date, int]] = field(default_factory=dict)
    channels: dict[str, dict[dt.date, int]] = field(default_factory=dict)
    channel_inputs: dict[str, dict[str, dict[dt.date, float | None]]] = field(default_factory=dict)
    agents: dict[str, dict[str, dict[dt.date, float | None]]] = field(default_factory=dict)
    unassigned: dict[str, dict[dt.date, float | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Fact:
    """A ticket with what the figures need of it."""

    t: Ticket
    created_month: dt.date
    solved_month: dt.date | None
    category: str
    channel: str
    agent: str | None
    frt: float | None
    res: float | None
    replied: bool
    frt_measured: bool
    frt_met: bool
    res_measured: bool
    res_met: bool
    breach_month: dt.date | None
    fcr: bool


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear interpolation between the closest ranks (Excel's PERCENTILE.INC)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def local_instant(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The instant (in UTC) of a local wall time as ICU (DuckDB) reads it: a time skipped
    by the clock change is read with the offset before it, a repeated one as its second
    occurrence."""
    naive = dt.datetime.combine(day, time)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        chosen = first
    else:
        skipped = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive
        chosen = first if skipped else second
    # in UTC: Python adds a timedelta to a zoned time on the wall clock, and the engine
    # (like the spec) counts durations between instants
    return chosen.astimezone(dt.UTC)


class Schedule:
    """Business hours on the options' schedule, day by day."""

    def __init__(self, options: ImportOptions, holidays: Iterable[dt.date]) -> None:
        self.zone = ZoneInfo(options.business_zone)
        self.hours = options.business_hours
        self.holidays = set(holidays)

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        if day.weekday() not in self.hours.days or day in self.holidays:
            return None
        return (local_instant(day, self.hours.start, self.zone),
                local_instant(day, self.hours.end, self.zone))

    def hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        total = dt.timedelta()
        day = start.astimezone(self.zone).date() - dt.timedelta(days=1)
        while day <= end.astimezone(self.zone).date() + dt.timedelta(days=1):
            if (window := self.window(day)) is not None:
                overlap = min(window[1], end) - max(window[0], start)
                total += max(overlap, dt.timedelta())
            day += dt.timedelta(days=1)
        return total / HOUR

    def after(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The instant ``hours`` business hours after ``start``."""
        remaining = dt.timedelta(microseconds=round(hours * 3.6e9))
        start = start.astimezone(dt.UTC)
        day = start.astimezone(self.zone).date()
        while True:
            if (window := self.window(day)) is not None and window[1] > start:
                begin = max(window[0], start)
                available = window[1] - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += dt.timedelta(days=1)


def _month(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    local = moment.astimezone(zone)
    return dt.date(local.year, local.month, 1)


def _next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _buckets(names: list[str | None], limit: int) -> dict[str, str]:
    counts: dict[str, int] = {}
    blanks = 0
    for name in names:
        cleaned = name.strip() if name else ""
        if cleaned:
            counts[cleaned] = counts.get(cleaned, 0) + 1
        else:
            blanks += 1
    kept = limit - 1 if len(counts) + (1 if blanks else 0) > limit else limit
    ordered = sorted(counts, key=lambda n: (-counts[n], n))[:kept]
    return {name: name for name in ordered}


def figures(tickets: Sequence[Ticket], options: ImportOptions, spans: Sequence[Span] = (),
            holidays: Iterable[dt.date] = (), *, has_replies: bool = True, has_reopens: bool = True,
            has_csat: bool = True) -> Figures:
    """Every figure of an import of ``tickets`` (already one per id)."""
    zone = ZoneInfo(options.zone)
    business = options.hours == "business"
    schedule = Schedule(options, holidays)
    now = max(t for ticket in tickets for t in (ticket.created, ticket.first_reply, ticket.solved,
                                                 ticket.updated) if t is not None).astimezone(dt.UTC)
    covered = []
    month = _month(min(t.created for t in tickets), zone)
    while month <= _month(now, zone):
        covered.append(month)
        month = _next_month(month)
    months = covered
    if options.months:
        months, month = [], options.months[0]
        while month <= options.months[1]:
            months.append(month)
            month = _next_month(month)

    def starts(month: dt.date) -> dt.datetime:
        return local_instant(month, dt.time(), zone)

    def hours(start: dt.datetime, end: dt.datetime) -> float:
        return schedule.hours_between(start, end) if business else (end - start) / HOUR

    in_range = [t for t in tickets if starts(months[0]) <= t.created < starts(_next_month(months[-1]))]
    category_of = _buckets([t.category for t in in_range], options.max_categories)
    channel_of = _buckets([t.channel for t in in_range], options.max_channels)

    facts = []
    for t in tickets:
        own_frt = t.frt_business if business else t.frt_calendar
        own_res = t.resolution_business if business else t.resolution_calendar
        replied = t.first_reply is not None or t.frt_calendar is not None or t.frt_business is not None
        frt = own_frt if own_frt is not None else (hours(t.created, t.first_reply) if t.first_reply else None)
        res = None
        if t.solved is not None:
            res = own_res if own_res is not None else (hours(t.created, t.solved) if t.solved_exact else None)
        waited = hours(t.created, now)
        breach_month = None
        if t.solved is None and waited > options.resolution_hours:
            due = (schedule.after(t.created, options.resolution_hours) if business
                   else t.created.astimezone(dt.UTC)
                   + dt.timedelta(microseconds=round(options.resolution_hours * 3.6e9)))
            breach_month = _month(due, zone)
        facts.append(_Fact(
            t=t, created_month=_month(t.created, zone),
            solved_month=_month(t.solved, zone) if t.solved else None,
            category=category_of.get((t.category or "").strip(), "Other"),
            channel=channel_of.get((t.channel or "").strip(), "Other"),
            agent=(t.agent or "").strip() or None, frt=frt, res=res, replied=replied,
            frt_measured=(frt is not None) if replied else waited > options.first_reply_hours,
            frt_met=replied and frt is not None and frt <= options.first_reply_hours,
            res_measured=t.solved is not None and res is not None,
            res_met=t.solved is not None and res is not None and res <= options.resolution_hours,
            breach_month=breach_month,
            fcr=t.replies == 1 and (t.reopens or 0) == 0))

    result = Figures(months)
    earliest = min(t.created for t in tickets)
    aging = dt.timedelta(microseconds=round(options.aging_days * 86400e6))
    inputs: dict[str, dict[dt.date, float | None]] = {}

    def put(name: str, month: dt.date, value: float | None) -> None:
        inputs.setdefault(name, {})[month] = value if month in covered else None

    for month in months:
        received = [f for f in facts if f.created_month == month]
        solved = [f for f in facts if f.solved_month == month]
        frts = [f.frt for f in received if f.frt is not None]
        ress = [f.res for f in solved if f.res is not None]
        put("tickets_new", month, len(received))
        put("frt_hours", month, mean(frts))
        put("frt_median_hours", month, quantile(frts, 0.5))
        put("frt_p90_hours", month, quantile(frts, 0.9))
        put("frt_sla_measured", month, sum(f.frt_measured for f in received))
        put("frt_sla_met", month, sum(f.frt_met for f in received))
        put("tickets_resolved", month, len(solved))
        put("tickets_fcr", month, sum(f.fcr for f in solved))
        put("tickets_reopened", month, sum((f.t.reopens or 0) > 0 for f in solved))
        put("agent_replies", month, sum(f.t.replies or 0 for f in solved))
        put("art_hours", month, mean(ress))
        put("art_median_hours", month, quantile(ress, 0.5))
        put("art_p90_hours", month, quantile(ress, 0.9))
        put("res_sla_measured", month, sum(f.res_measured for f in solved)
            + sum(f.breach_month == month for f in facts))
        put("res_sla_met", month, sum(f.res_met for f in solved))
        put("csat_responses", month, sum(f.t.csat_rated for f in solved))
        put("csat_satisfied", month, sum(f.t.csat_satisfied for f in solved))
        start, end = starts(month), starts(_next_month(month))
        measured = min(end, now)
        put("tickets_open_start", month, None if earliest >= start else sum(
            f.t.created < start and (f.t.solved is None or f.t.solved >= start) for f in facts))
        open_end = [f for f in facts if f.t.created < end and (f.t.solved is None or f.t.solved >= end)]
        put("tickets_open_end", month, len(open_end))
        put("tickets_aged", month, sum(f.t.created < measured - aging for f in open_end))
    blank = _blank(facts, has_replies, has_reopens, has_csat)
    result.inputs = {name: (dict.fromkeys(months) if name in blank else values)
                     for name, values in inputs.items()}

    for span in spans:
        span_start = local_instant(span.start, dt.time(), zone)
        span_end = local_instant(span.end, dt.time(), zone)
        frts = [f.frt for f in facts if span_start <= f.t.created < span_end and f.frt is not None]
        ress = [f.res for f in facts if f.t.solved and span_start <= f.t.solved < span_end
                and f.res is not None]
        for name, value in (("frt_median_hours", quantile(frts, 0.5)),
                            ("frt_p90_hours", quantile(frts, 0.9)),
                            ("art_median_hours", quantile(ress, 0.5)),
                            ("art_p90_hours", quantile(ress, 0.9))):
            result.observed.setdefault(name, {})[span.key] = None if name in blank else value

    month_set = set(months)
    for kind, target in (("category", result.categories), ("channel", result.channels)):
        totals: dict[str, dict[dt.date, int]] = {}
        for f in facts:
            if f.created_month in month_set:
                counts = totals.setdefault(getattr(f, kind), {})
                counts[f.created_month] = counts.get(f.created_month, 0) + 1
        order = sorted(totals, key=lambda n: (n == "Other", -sum(totals[n].values()), n))
        for name in order:
            target[name] = {m: totals[name].get(m, 0) for m in months if m in covered}

    for name in ("chan_frt_hours", "chan_csat_responses", "chan_csat_satisfied"):
        result.channel_inputs[name] = {}
        for channel in result.channels:
            values: dict[dt.date, float | None] = {}
            for month in months:
                if name in blank or month not in covered:
                    values[month] = None
                elif name == "chan_frt_hours":
                    values[month] = mean([f.frt for f in facts if f.channel == channel
                                          and f.created_month == month and f.frt is not None])
                else:
                    solved = [f for f in facts if f.channel == channel and f.solved_month == month]
                    key = "csat_rated" if name.endswith("responses") else "csat_satisfied"
                    values[month] = sum(getattr(f.t, key) for f in solved)
            result.channel_inputs[name][channel] = values

    agents = sorted({f.agent for f in facts if f.agent is not None and (
        f.created_month in month_set or f.solved_month in month_set)}, key=str.casefold)
    for agent in [*agents, None]:
        own = [f for f in facts if f.agent == agent]
        table: dict[str, dict[dt.date, float | None]] = {}
        for month in months:
            solved = [f for f in own if f.solved_month == month]
            frts = [f.frt for f in own if f.created_month == month and f.frt is not None]
            for name, value in (
                    ("agent_solved", len(solved)), ("agent_fcr", sum(f.fcr for f in solved)),
                    ("agent_reopened", sum((f.t.reopens or 0) > 0 for f in solved)),
                    ("agent_replies", sum(f.t.replies or 0 for f in solved)),
                    ("agent_frt_hours", mean(frts)), ("agent_frt_count", len(frts)),
                    ("agent_csat_responses", sum(f.t.csat_rated for f in solved)),
                    ("agent_csat_satisfied", sum(f.t.csat_satisfied for f in solved))):
                table.setdefault(name, {})[month] = (
                    None if name in blank or month not in covered else value)
        if agent is None:
            result.unassigned = table
        else:
            result.agents[agent] = table
    return result


def _blank(facts: list[_Fact], has_replies: bool, has_reopens: bool, has_csat: bool) -> set[str]:
    blank: set[str] = set()
    replied = [f for f in facts if f.replied]
    if replied and not any(f.frt is not None for f in facts):
        blank |= {"frt_hours", "frt_median_hours", "frt_p90_hours", "frt_sla_measured", "frt_sla_met",
                  "chan_frt_hours", "agent_frt_hours", "agent_frt_count"}
    if any(f.solved_month for f in facts) and not any(f.res is not None for f in facts):
        blank |= {"art_hours", "art_median_hours", "art_p90_hours", "res_sla_measured", "res_sla_met"}
    if not has_reopens:
        blank |= {"tickets_reopened", "agent_reopened"}
    if not has_replies:
        blank |= {"tickets_fcr", "agent_replies", "agent_fcr"}
    if not has_csat:
        blank |= {"csat_responses", "csat_satisfied", "chan_csat_responses", "chan_csat_satisfied",
                  "agent_csat_responses", "agent_csat_satisfied"}
    return blank
