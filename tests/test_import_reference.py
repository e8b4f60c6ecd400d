"""The import engine (DuckDB) against the plain-Python reference, on generated tickets:
timezones and daylight-saving changes, month edges, tickets open across months,
reopened, unrated and unreplied tickets, business hours over weekends and holidays.
Counts must be equal; hours within a microsecond's rounding."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from zoneinfo import ZoneInfo

from csmetrics.importers import BusinessHours, ImportOptions, fiscal_spans, run_import
from csmetrics.importers.reference import Ticket, figures, local_instant
from hypothesis import given, settings
from hypothesis import strategies as st

ZONES = ("UTC", "Europe/Rome", "America/New_York", "Australia/Sydney", "Asia/Kolkata")
# instants near clock changes and month edges (UTC)
ANCHORS = (dt.datetime(2024, 3, 31, 0, 30), dt.datetime(2024, 3, 10, 6, 0), dt.datetime(2024, 10, 27, 0, 0),
           dt.datetime(2024, 11, 3, 5, 0), dt.datetime(2024, 4, 6, 15, 0), dt.datetime(2024, 1, 31, 22, 30),
           dt.datetime(2024, 2, 29, 23, 59))
HOLIDAYS = (dt.date(2024, 4, 1), dt.date(2024, 11, 1), dt.date(2024, 2, 29), dt.date(2024, 3, 11))
COLUMNS = {"id": "Ticket", "created": "Opened", "first_reply": "First reply", "solved": "Solved",
           "updated": "Updated", "channel": "Channel", "category": "Topic", "agent": "Owner",
           "replies": "Replies", "reopens": "Reopens", "csat": "Rating",
           "first_reply_minutes": "FRT min", "frt_business_minutes": "FRT business min"}
CSAT_VALUES = (None, "1", "2", "3", "4", "5", "good", "bad", "offered", "4.0")


@st.composite
def tickets(draw: st.DrawFn) -> list[tuple[Ticket, str | None]]:
    """Tickets with their raw CSAT text."""
    anchor = draw(st.sampled_from(ANCHORS)).replace(tzinfo=dt.UTC)
    count = draw(st.integers(1, 25))
    made = []
    for number in range(count):
        created = anchor + dt.timedelta(seconds=draw(st.integers(-3 * 86400, 70 * 86400)))
        first_reply = None
        if draw(st.booleans()):
            first_reply = created + dt.timedelta(seconds=draw(st.integers(0, 80 * 3600)))
        solved = None
        if draw(st.integers(0, 3)):
            solved = created + dt.timedelta(seconds=draw(st.integers(0, 45 * 86400)))
        raw_csat = draw(st.sampled_from(CSAT_VALUES))
        rated = raw_csat not in (None, "offered")
        satisfied = rated and (raw_csat in ("good",) or (raw_csat not in ("bad",) and float(raw_csat) >= 4))
        own_frt = None
        if first_reply and draw(st.booleans()):
            own_frt = (first_reply - created) / dt.timedelta(minutes=1)
        own_business = draw(st.one_of(st.none(), st.integers(0, 3000))) if first_reply else None
        made.append((Ticket(
            id=f"T{number}", created=created, first_reply=first_reply, solved=solved,
            channel=draw(st.sampled_from((None, "Email", "Chat", "Phone", "Web"))),
            category=draw(st.sampled_from((None, "Billing", "Bug", "Question", "Refund", "Other"))),
            agent=draw(st.sampled_from((None, "Ann", "bob", "Cleo"))),
            replies=draw(st.one_of(st.none(), st.integers(0, 3))),
            reopens=draw(st.one_of(st.none(), st.integers(0, 2))),
            csat_rated=rated, csat_satisfied=bool(satisfied),
            frt_calendar=None if own_frt is None else own_frt / 60,
            frt_business=None if own_business is None else own_business / 60,
        ), raw_csat))
    return made


def _text(moment: dt.datetime | None, zone: ZoneInfo, zoneless: bool) -> str:
    """ISO text: zone-less local time where it is unambiguous, else with its offset."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    naive = local.replace(tzinfo=None)
    if zoneless and local_instant(naive.date(), naive.time(), zone) == moment:
        return naive.isoformat(sep=" ")
    return local.isoformat(sep=" ")


def write(path: Path, made: list[tuple[Ticket, str | None]], zone: ZoneInfo) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS.values())
        for ticket, raw_csat in made:
            writer.writerow([
                ticket.id, _text(ticket.created, zone, True), _text(ticket.first_reply, zone, False),
                _text(ticket.solved, zone, True), "", ticket.channel or "", ticket.category or "",
                ticket.agent or "", "" if ticket.replies is None else ticket.replies,
                "" if ticket.reopens is None else ticket.reopens, raw_csat or "",
                "" if ticket.frt_calendar is None else repr(ticket.frt_calendar * 60),
                "" if ticket.frt_business is None else repr(ticket.frt_business * 60)])


def assert_close(engine: object, reference: object, where: str) -> None:
    if isinstance(reference, dict):
        assert isinstance(engine, dict) and list(engine) == list(reference), (where, engine, reference)
        for key in reference:
            assert_close(engine[key], reference[key], f"{where}/{key}")
    elif isinstance(reference, float) or isinstance(engine, float):
        assert engine is not None and reference is not None, (where, engine, reference)
        assert math.isclose(engine, reference, rel_tol=1e-9, abs_tol=1e-6), (where, engine, reference)
    else:
        assert engine == reference, (where, engine, reference)


@settings(max_examples=30)
@given(made=tickets(), zone_name=st.sampled_from(ZONES), hours=st.sampled_from(("calendar", "business")),
       business_zone=st.sampled_from((None, "Europe/Rome", "America/New_York")),
       limits=st.sampled_from((2, 3, 12)), wider=st.booleans(),
       targets=st.sampled_from(((4.0, 24.0), (1.5, 8.0), (30.0, 100.0))),
       aging=st.sampled_from((1.0, 7.0)))
def test_engine_equals_the_reference(made: list[tuple[Ticket, str | None]], zone_name: str, hours: str,
                                     business_zone: str | None, limits: int, wider: bool,
                                     targets: tuple[float, float], aging: float,
                                     tmp_path_factory: object) -> None:
    zone = ZoneInfo(zone_name)
    folder = Path(tmp_path_factory.mktemp("reference"))  # type: ignore[attr-defined]
    path = folder / "tickets.csv"
    write(path, made, zone)
    records = [ticket for ticket, _ in made]
    first = min(t.created for t in records).astimezone(zone)
    first_month = dt.date(first.year, first.month, 1)
    months = (dt.date(first_month.year - 1, 12, 1), dt.date(first_month.year + 1, 1, 1)) if wider else None
    options = ImportOptions(
        source="generic", hours=hours, timezone=zone_name, columns=COLUMNS, months=months,
        business_hours=BusinessHours(timezone=business_zone, dates=HOLIDAYS),
        first_reply_hours=targets[0], resolution_hours=targets[1], aging_days=aging,
        max_categories=limits, max_channels=limits)
    spans = fiscal_spans(first_month, 1)
    result = run_import([path], options, spans)
    expected = figures(records, options, spans, HOLIDAYS)
    assert result.months == expected.months
    assert_close(result.inputs, expected.inputs, "inputs")
    assert_close(result.observed, expected.observed, "observed")
    assert_close(result.categories, expected.categories, "categories")
    assert_close(result.channels, expected.channels, "channels")
    assert_close(result.channel_inputs, expected.channel_inputs, "channel_inputs")
    assert_close(result.agents, expected.agents, "agents")
    assert_close(result.unassigned, expected.unassigned, "unassigned")
    assert result.summary.tickets == len(records)
