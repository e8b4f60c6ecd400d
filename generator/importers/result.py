"""What an import gives back: monthly figures by tracker input id, observed rollups
by span, volumes, channel and agent figures, and a summary of what was read.

A value of None is a blank cell: the export cannot tell it (see the summary's notes
for the option that would fill it), or the month is outside what the export covers.
A count is 0, not None, in a covered month without tickets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..model.periods import MONTHS_PER_YEAR


@dataclass(frozen=True)
class Span:
    """A quarter or year column: its key ("q1", "y1") and the dates it covers, from
    ``start`` (included) to ``end`` (excluded: the first day after it)."""

    key: str
    start: dt.date
    end: dt.date


def fiscal_spans(first_month: dt.date, years: int = 1) -> list[Span]:
    """The quarter and year spans of ``years`` fiscal years from ``first_month``, keyed
    as the tracker's columns are ("q1".."q4" for year 1, "q5".. for year 2, "y1"..)."""
    def month(offset: int) -> dt.date:
        index = first_month.month - 1 + offset
        return dt.date(first_month.year + index // 12, index % 12 + 1, 1)

    quarters = [Span(f"q{q + 1}", month(3 * q), month(3 * q + 3)) for q in range(4 * years)]
    year_spans = [Span(f"y{y + 1}", month(MONTHS_PER_YEAR * y), month(MONTHS_PER_YEAR * (y + 1)))
                  for y in range(years)]
    return [*quarters, *year_spans]


@dataclass(frozen=True)
class SkippedRow:
    """An example of a row that was not counted, for the summary."""

    reason: str
    file: str
    row: int  # as a spreadsheet shows it: the header is row 1
    column: str | None
    value: str | None


@dataclass(frozen=True)
class FileRead:
    """One file as it was read."""

    path: str
    source: str  # the source recognised or given
    format: str  # csv, xlsx or jsonl
    rows: int
    timestamp_format: str  # how its timestamps were read, for the summary
    columns: dict[str, str] = field(default_factory=dict)  # record field -> the file's column(s)


@dataclass
class ImportSummary:
    """What was read and counted: the text the command prints, and ``as_dict`` for
    ``--summary summary.json``."""

    files: list[FileRead] = field(default_factory=list)
    rows_read: int = 0
    tickets: int = 0  # tickets counted, after duplicates and skipped rows
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows
    examples: list[SkippedRow] = field(default_factory=list)  # a few rows per reason
    duplicates: int = 0  # rows that repeat a ticket id (the latest update was kept)
    months: list[dt.date] = field(default_factory=list)  # the months given figures
    hours: str = "calendar"
    timezone: str = "UTC"
    now: dt.datetime | None = None  # the export's latest timestamp: "now" for waiting tickets
    statuses: dict[str, int] = field(default_factory=dict)  # the source's own words
    notes: list[str] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({file.source for file in self.files})

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready values (dates and times in ISO 8601)."""
        return {
            "files": [asdict(file) for file in self.files],
            "rows_read": self.rows_read, "tickets": self.tickets,
            "skipped": dict(self.skipped), "examples": [asdict(e) for e in self.examples],
            "duplicates": self.duplicates, "months": [m.isoformat() for m in self.months],
            "hours": self.hours, "timezone": self.timezone,
            "now": self.now.isoformat() if self.now else None,
            "statuses": dict(self.statuses), "notes": list(self.notes),
        }

    def text(self) -> str:
        """The summary as the terminal shows it."""
        lines = []
        for file in self.files:
            lines.append(f"{file.path}: {file.source} ({file.format}), {file.rows:,} rows, "
                         f"timestamps {file.timestamp_format}")
        lines.append(f"rows read: {self.rows_read:,}; tickets counted: {self.tickets:,}")
        if self.duplicates:
            lines.append(f"duplicates: {self.duplicates:,} rows repeat a ticket id "
                         f"(the latest update of each was kept)")
        for reason, count in self.skipped.items():
            lines.append(f"skipped, {reason}: {count:,}")
            for example in [e for e in self.examples if e.reason == reason]:
                where = f", column {example.column!r}" if example.column else ""
                value = f": {example.value!r}" if example.value is not None else ""
                lines.append(f"    e.g. {Path(example.file).name} row {example.row}{where}{value}")
        if self.months:
            lines.append(f"months: {_month_range(self.months)}")
        lines.append(f"hours: {self.hours}; timezone: {self.timezone}"
                     + (f"; now (latest timestamp of the export): {self.now.isoformat()}"
                        if self.now else ""))
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def _month_range(months: Iterable[dt.date]) -> str:
    ordered = sorted(months)
    first, last = ordered[0], ordered[-1]
    return f"{first:%Y-%m}" if first == last else f"{first:%Y-%m}..{last:%Y-%m} ({len(ordered)} months)"


Monthly = dict[dt.date, float | None]


@dataclass
class ImportResult:
    """The figures of an import, by the ids of metrics.md.

    - ``inputs``: tracker input id -> month -> value (tickets_new, tickets_resolved, ...).
    - ``observed``: frt_median_hours, frt_p90_hours, art_median_hours, art_p90_hours ->
      span key -> value, computed from each span's own tickets.
    - ``categories`` / ``channels``: name -> month -> tickets created ("Other" holds the
      rest and the blanks).
    - ``channel_inputs``: chan_frt_hours, chan_csat_responses, chan_csat_satisfied ->
      channel -> month -> value.
    - ``agents``: agent name -> measure (agent_solved, ...) -> month -> value.
    - ``unassigned``: the same measures for the tickets without an agent, so that the
      agents' figures plus these are the team's.
    """

    months: list[dt.date]
    inputs: dict[str, Monthly]
    observed: dict[str, dict[str, float | None]]
    categories: dict[str, dict[dt.date, int]]
    channels: dict[str, dict[dt.date, int]]
    channel_inputs: dict[str, dict[str, Monthly]]
    agents: dict[str, dict[str, Monthly]]
    unassigned: dict[str, Monthly]
    summary: ImportSummary
