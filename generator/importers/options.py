"""The options of an import, and reading them from the configuration's tables.

Every option has one name, the same on the command line (``--category-column``)
and in the ``[import]`` table (``category_column``). ``read_import_options`` checks
every key of ``[import]``, ``[import.columns]``, ``[import.values]``,
``[business_hours]`` and ``[sla]`` (and reads the CSAT scale of ``[surveys]``), and
reports all problems at once, one line each, naming the key and its value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError, shown

SOURCES = ("auto", "zendesk", "freshdesk", "intercom", "hubspot", "jira", "servicenow", "eventlog",
           "generic")
HOURS = ("calendar", "business")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_MAX_NAMES = 12  # categories and channels of a new workbook, "Other" included
MAX_NAMES_LIMIT = 50  # the workbook's own limit on categories and channels
DURATION_UNITS = ("seconds", "minutes", "hours", "milliseconds", "hms")
# [import.columns] keys: the record's fields, plus a unit suffix for durations
TEXT_FIELDS = ("id", "created", "first_reply", "solved", "closed", "updated", "status", "channel",
               "category", "agent", "replies", "reopens", "csat", "solved_flag", "activity",
               "timestamp")
DURATION_FIELDS = ("first_reply", "resolution", "frt_calendar", "frt_business", "resolution_calendar",
                   "resolution_business")
VALUE_KEYS = ("channel", "category", "agent", "status", "csat_blank", "csat_good", "csat_bad")


def column_keys() -> tuple[str, ...]:
    """Every key ``[import.columns]`` accepts."""
    durations = tuple(f"{name}_{unit}" for name in DURATION_FIELDS for unit in DURATION_UNITS)
    return (*TEXT_FIELDS, *durations)


@dataclass(frozen=True)
class BusinessHours:
    """The working schedule business-hours durations are counted in (when the export
    does not carry the helpdesk's own)."""

    timezone: str | None = None  # None: the import's timezone
    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday is 0
    start: dt.time = dt.time(9)
    end: dt.time = dt.time(18)
    country: str | None = None  # a code of the holidays package: "IT", "US-CA"
    dates: tuple[dt.date, ...] = ()  # holidays of the team's own

    @property
    def hours_per_day(self) -> float:
        return (dt.datetime.combine(dt.date.min, self.end)
                - dt.datetime.combine(dt.date.min, self.start)).total_seconds() / 3600

    def holidays_between(self, first_year: int, last_year: int) -> list[dt.date]:
        """The holidays of the years given: the country's (from the holidays package,
        loaded only here) and the team's own dates."""
        found = set(self.dates)
        if self.country:
            found |= set(_country_holidays(self.country, range(first_year, last_year + 1)))
        return sorted(found)


def _country_holidays(code: str, years: range) -> list[dt.date]:
    import holidays

    country, _, subdivision = code.partition("-")
    return list(holidays.country_holidays(country, subdiv=subdivision or None, years=list(years)))


def country_problem(code: str) -> str | None:
    """Why ``code`` names no country of the holidays package, or None."""
    try:
        _country_holidays(code, range(2024, 2025))
    except (NotImplementedError, KeyError, ValueError) as error:
        return f"not a country (or country-subdivision) code of the holidays package: {error}"
    return None


@dataclass(frozen=True)
class ImportOptions:
    """What an import reads and how it counts. The defaults are the spec's: source
    recognised from the header row, calendar hours, UTC, 4 h / 24 h targets, 7 days'
    aging, CSAT satisfied from 4 of 5."""

    source: str = "auto"
    hours: str = "calendar"
    timezone: str | None = None  # None: UTC
    timestamp_format: str | None = None  # strptime format; None: detected from the data
    category_column: str | None = None
    channel_column: str | None = None
    agent_column: str | None = None
    months: tuple[dt.date, dt.date] | None = None  # first days of the first and last month
    columns: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    values: Mapping[str, Any] = field(default_factory=dict)
    created_activities: tuple[str, ...] = ()  # event logs: empty means the case's first event
    first_reply_activities: tuple[str, ...] = ()
    solved_activities: tuple[str, ...] = ()
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    first_reply_hours: float = 4.0
    resolution_hours: float = 24.0
    aging_days: float = 7.0
    csat_points: int = 5
    csat_satisfied_from: int = 4
    max_categories: int = DEFAULT_MAX_NAMES
    max_channels: int = DEFAULT_MAX_NAMES
    # the command's own options, readable from [import] too (the engine ignores them)
    category_names: Mapping[str, str] = field(default_factory=dict)  # export name -> workbook's
    channel_names: Mapping[str, str] = field(default_factory=dict)
    replace: bool = False
    dry_run: bool = False
    summary: Path | None = None

    @property
    def zone(self) -> str:
        return self.timezone or "UTC"

    @property
    def business_zone(self) -> str:
        return self.business_hours.timezone or self.zone

    def mapped_columns(self) -> dict[str, str | tuple[str, ...]]:
        """``[import.columns]`` with the three column options over it."""
        mapping = dict(self.columns)
        for name, column in (("category", self.category_column), ("channel", self.channel_column),
                             ("agent", self.agent_column)):
            if column:
                mapping[name] = column
        return mapping


# checks ------------------------------------------------------------------------------------
def timezone_problem(name: Any) -> str | None:
    """Why ``name`` is not a timezone of the IANA database, or None."""
    if not isinstance(name, str) or not name.strip():
        return 'expected a timezone name in quotes, e.g. "Europe/Rome" or "UTC"'
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return 'no such timezone; use an IANA name such as "Europe/Rome", "America/New_York" or "UTC"'
    return None


def months_problem(value: Any) -> str | None:
    return None if isinstance(value, str) and parse_months(value) else (
        'expected "YYYY-MM..YYYY-MM" (first and last month), e.g. "2023-04..2023-06"')


def parse_months(value: str) -> tuple[dt.date, dt.date] | None:
    """``"2023-04..2023-06"`` (or one month, ``"2023-04"``) as first days; None when malformed."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*(?:\.\.\s*(\d{4})-(\d{1,2})\s*)?", value)
    if not match:
        return None
    first_year, first_month, last_year, last_month = match.groups()
    last_year, last_month = last_year or first_year, last_month or first_month
    if not (1 <= int(first_month) <= 12 and 1 <= int(last_month) <= 12):
        return None
    first = dt.date(int(first_year), int(first_month), 1)
    last = dt.date(int(last_year), int(last_month), 1)
    return (first, last) if first <= last else None


def _positive_number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        return "expected a number above 0"
    return None if value < 100_000 else "must be below 100000"


def _choice(options: tuple[str, ...]) -> Any:
    def check(value: Any) -> str | None:
        return None if value in options else "allowed: " + ", ".join(options)
    return check


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "expected text in quotes"
    return None


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "expected true or false"


def _texts(value: Any) -> str | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip()
                                                           for v in value):
        return "expected a name in quotes or a list of names"
    return None


def _timestamp_format(value: Any) -> str | None:
    if not isinstance(value, str) or "%" not in value:
        return 'expected a strptime format in quotes, e.g. "%d/%m/%Y %H:%M:%S"'
    return None


def _limit(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= MAX_NAMES_LIMIT:
        return f"expected a whole number from 2 to {MAX_NAMES_LIMIT} (\"Other\" included)"
    return None


def _clock(value: Any) -> str | None:
    return None if isinstance(value, str) and _parse_clock(value) else 'expected "HH:MM", e.g. "09:00"'


def _parse_clock(value: str) -> dt.time | None:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
    if not match or int(match[1]) > 24 or int(match[2]) > 59:
        return None
    hours, minutes = int(match[1]), int(match[2])
    return dt.time(23, 59, 59, 999999) if hours == 24 else dt.time(hours, minutes)


def _days(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return 'expected a list of days, e.g. ["Mon", "Tue", "Wed", "Thu", "Fri"]'
    unknown = [day for day in value if not isinstance(day, str) or _day_index(day) is None]
    if unknown:
        return f"unknown day {shown(unknown[0])}; days: " + ", ".join(DAY_NAMES)
    return None


def _day_index(name: str) -> int | None:
    prefix = name.strip()[:3].casefold()
    return next((i for i, day in enumerate(DAY_NAMES) if day.casefold() == prefix), None)


def _holidays(value: Any) -> str | None:
    entries = value if isinstance(value, list) else [value]
    for entry in entries:
        if isinstance(entry, dt.date) and not isinstance(entry, dt.datetime):
            continue
        if isinstance(entry, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.strip()):
            try:
                dt.date.fromisoformat(entry.strip())
            except ValueError:
                return f"{shown(entry)} is not a date"
            continue
        if isinstance(entry, str) and entry.strip():
            if problem := country_problem(entry.strip()):
                return f"{shown(entry)}: {problem}"
            continue
        return ('expected a country code of the holidays package ("IT", "US-CA") and/or dates '
                '(2024-12-24 or "2024-12-24")')
    return None


IMPORT_KEYS: dict[str, Any] = {
    "source": _choice(SOURCES), "hours": _choice(HOURS), "timezone": timezone_problem,
    "timestamp_format": _timestamp_format, "category_column": _text, "channel_column": _text,
    "agent_column": _text, "months": months_problem, "created_activities": _texts,
    "first_reply_activities": _texts, "solved_activities": _texts, "max_categories": _limit,
    "max_channels": _limit, "replace": _boolean, "dry_run": _boolean, "summary": _text,
}
BUSINESS_KEYS: dict[str, Any] = {"timezone": timezone_problem, "days": _days, "start": _clock,
                                 "end": _clock, "holidays": _holidays}
SLA_KEYS: dict[str, Any] = {"first_reply_hours": _positive_number, "resolution_hours": _positive_number,
                            "aging_days": _positive_number, "hours": _choice(HOURS)}
NAME_MAPS = ("categories", "channels")  # [import.categories], [import.channels]: export -> workbook


def _value_problem(key: str, value: Any) -> str | None:
    if key in ("csat_blank", "csat_good", "csat_bad"):
        entries = value if isinstance(value, list) else [value]
        if not entries or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                  for v in entries):
            return "expected a value or a list of values (text or numbers)"
        return None
    return _text(value)


def _column_problem(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return None
    return 'expected a column name in quotes, or a list of them (joined with a space), e.g. ["Date", "Time"]'


def _did_you_mean(key: str, known: Any) -> str:
    import difflib

    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _describe(value: Any) -> str:
    kind = {bool: "true/false", int: "a number", float: "a number", str: "text",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)
    return f"{shown(value)} ({kind})"


def _check_table(name: str, table: Any, checks: Mapping[str, Any], problems: list[str],
                 skip: tuple[str, ...] = ()) -> dict[str, Any]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        problems.append(f"[{name}] must be a table, got {_describe(table)}")
        return {}
    good = {}
    for key, value in table.items():
        if key in skip:
            continue
        check = checks.get(key)
        if check is None:
            problems.append(f"unknown key {shown(f'{name}.{key}')}{_did_you_mean(key, checks)}; "
                            f"allowed: {', '.join(checks)}")
        elif problem := check(value):
            problems.append(f"{name}.{key} = {_describe(value)}: {problem}")
        else:
            good[key] = value
    return good


def read_import_options(table: Mapping[str, Any], folder: Path) -> ImportOptions:
    """The import options of a parsed configuration file (its top-level table).

    Checks ``[import]`` (with ``[import.columns]`` and ``[import.values]``),
    ``[business_hours]`` and ``[sla]``, and reads ``[surveys]``' CSAT scale. Raises
    UsageError with one line per problem. ``folder`` is the configuration file's
    folder: a relative ``summary`` path is taken from there."""
    problems: list[str] = []
    raw_import = table.get("import")
    imports = _check_table("import", raw_import, IMPORT_KEYS, problems,
                           skip=("columns", "values", *NAME_MAPS))
    maps: dict[str, dict[str, str]] = {name: {} for name in NAME_MAPS}
    columns: dict[str, str | tuple[str, ...]] = {}
    values: dict[str, Any] = {}
    if isinstance(raw_import, dict):
        checks = {key: _column_problem for key in column_keys()}
        for key, value in _check_table("import.columns", raw_import.get("columns"), checks,
                                       problems).items():
            columns[key] = value.strip() if isinstance(value, str) else tuple(v.strip() for v in value)
        values = _check_table("import.values", raw_import.get("values"),
                              {key: lambda v, k=key: _value_problem(k, v) for key in VALUE_KEYS},
                              problems)
        for name in NAME_MAPS:
            maps[name] = _name_map(f"import.{name}", raw_import.get(name), problems)
    business = _check_table("business_hours", table.get("business_hours"), BUSINESS_KEYS, problems)
    sla = _check_table("sla", table.get("sla"), SLA_KEYS, problems)
    schedule = _business_hours(business, problems)
    raw_surveys = table.get("surveys")
    surveys: dict[str, Any] = raw_surveys if isinstance(raw_surveys, dict) else {}
    points = surveys.get("csat_scale", 5)
    points = points if points in (5, 7, 10) else 5  # config/file.py reports a bad scale
    satisfied_from = surveys.get("csat_satisfied_from", {5: 4, 7: 6, 10: 9}[points])
    if isinstance(satisfied_from, bool) or not isinstance(satisfied_from, int):
        satisfied_from = {5: 4, 7: 6, 10: 9}[points]
    if problems:
        raise UsageError("\n".join(problems))
    summary = imports.get("summary")
    return ImportOptions(
        source=imports.get("source", "auto"), hours=imports.get("hours", sla.get("hours", "calendar")),
        category_names=maps["categories"], channel_names=maps["channels"],
        timezone=imports.get("timezone"), timestamp_format=imports.get("timestamp_format"),
        category_column=imports.get("category_column"), channel_column=imports.get("channel_column"),
        agent_column=imports.get("agent_column"),
        months=parse_months(imports["months"]) if "months" in imports else None,
        columns=columns, values=values,
        created_activities=_as_tuple(imports.get("created_activities")),
        first_reply_activities=_as_tuple(imports.get("first_reply_activities")),
        solved_activities=_as_tuple(imports.get("solved_activities")),
        business_hours=schedule,
        first_reply_hours=float(sla.get("first_reply_hours", 4.0)),
        resolution_hours=float(sla.get("resolution_hours", 24.0)),
        aging_days=float(sla.get("aging_days", 7.0)),
        csat_points=points, csat_satisfied_from=satisfied_from,
        max_categories=imports.get("max_categories", DEFAULT_MAX_NAMES),
        max_channels=imports.get("max_channels", DEFAULT_MAX_NAMES),
        replace=imports.get("replace", False), dry_run=imports.get("dry_run", False),
        summary=(folder / summary) if summary else None,
    )


def _name_map(name: str, table: Any, problems: list[str]) -> dict[str, str]:
    """``[import.categories]``: a name in the export = the workbook's name for it."""
    if table is None:
        return {}
    if not isinstance(table, dict):
        problems.append(f"[{name}] must be a table of \"export name\" = \"workbook name\", got "
                        f"{_describe(table)}")
        return {}
    found = {}
    for export_name, workbook_name in table.items():
        if problem := _text(workbook_name):
            problems.append(f"{name}.{shown(export_name)} = {_describe(workbook_name)}: {problem}")
        else:
            found[export_name.strip()] = workbook_name.strip()
    return found


def _as_tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _business_hours(values: dict[str, Any], problems: list[str]) -> BusinessHours:
    schedule = BusinessHours()
    start = _parse_clock(values["start"]) if "start" in values else schedule.start
    end = _parse_clock(values["end"]) if "end" in values else schedule.end
    if start is not None and end is not None and not start < end:
        problems.append(f"business_hours.start = {values.get('start', '09:00')!r} and end = "
                        f"{values.get('end', '18:00')!r}: the day must end after it starts "
                        f"(a schedule across midnight is not supported)")
    days = (tuple(sorted({index for d in values["days"] if (index := _day_index(d)) is not None}))
            if "days" in values else schedule.days)
    country, dates = None, []
    holidays = values.get("holidays", [])
    for entry in holidays if isinstance(holidays, list) else [holidays]:
        if isinstance(entry, dt.date):
            dates.append(entry)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.strip()):
            dates.append(dt.date.fromisoformat(entry.strip()))
        elif country is None:
            country = entry.strip().upper()
        else:
            problems.append(f"business_hours.holidays: two country codes ({country!r} and {entry!r}); "
                            f"give one, and list other days as dates")
    return BusinessHours(timezone=values.get("timezone"), days=days,
                         start=start or schedule.start, end=end or schedule.end, country=country,
                         dates=tuple(dates))


def options_problems(options: ImportOptions) -> list[str]:
    """What makes options built in Python (not read from a file) unusable."""
    problems = []
    for name, check in (("source", _choice(SOURCES)), ("hours", _choice(HOURS))):
        if problem := check(getattr(options, name)):
            problems.append(f"{name} = {shown(getattr(options, name))}: {problem}")
    for name, zone in (("timezone", options.timezone), ("business_hours.timezone",
                                                         options.business_hours.timezone)):
        if zone is not None and (problem := timezone_problem(zone)):
            problems.append(f"{name} = {shown(zone)}: {problem}")
    for name in ("first_reply_hours", "resolution_hours", "aging_days"):
        if problem := _positive_number(getattr(options, name)):
            problems.append(f"sla.{name} = {shown(getattr(options, name))}: {problem}")
    for name in ("max_categories", "max_channels"):
        if problem := _limit(getattr(options, name)):
            problems.append(f"{name} = {shown(getattr(options, name))}: {problem}")
    if not 1 <= options.csat_satisfied_from <= options.csat_points:
        problems.append(f"csat_satisfied_from = {options.csat_satisfied_from}: must be from 1 to "
                        f"the CSAT scale ({options.csat_points})")
    unknown = sorted(set(options.columns) - set(column_keys()))
    if unknown:
        problems.append(f"unknown [import.columns] key {shown(unknown[0])}"
                        f"{_did_you_mean(unknown[0], column_keys())}")
    if options.business_hours.country and (problem := country_problem(options.business_hours.country)):
        problems.append(f"business_hours.holidays = {shown(options.business_hours.country)}: {problem}")
    return problems
