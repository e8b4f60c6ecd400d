"""What a source is: a declarative mapping from an export's headers to the ticket
record, and the few quirks it needs.

Headers match case-insensitively, with ``_``, ``-`` and runs of spaces taken as one
space (``Created at``, ``created_at`` and ``CREATED-AT`` are one header). A field's
aliases are tried in order; the first header present wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# The record's raw fields a source can map (durations carry their unit separately).
TIMESTAMP_FIELDS = ("created", "first_reply", "solved", "closed", "updated")
DURATION_FIELDS = ("frt_calendar", "frt_business", "resolution_calendar", "resolution_business")
NUMBER_FIELDS = ("replies", "reopens")
TEXT_FIELDS = ("id", "status", "channel", "category", "agent", "csat")
SLA_CLOCK_FIELDS = ("frt_sla_clock", "resolution_sla_clock")  # Jira: time left, negative when breached
EVENT_FIELDS = ("activity", "timestamp")
FIELDS = (*TEXT_FIELDS, *TIMESTAMP_FIELDS, *DURATION_FIELDS, *NUMBER_FIELDS, *SLA_CLOCK_FIELDS,
          "solved_flag", *EVENT_FIELDS)
# Units of a duration column: how many make an hour ("hms" is HH:MM[:SS], handled apart)
UNITS_PER_HOUR = {"seconds": 3600, "minutes": 60, "hours": 1, "milliseconds": 3_600_000}


def normalise(header: str) -> str:
    """A header as matching sees it."""
    return re.sub(r"[\s_\-]+", " ", header.replace("\ufeff", "")).strip().casefold()


@dataclass(frozen=True)
class Source:
    """A helpdesk export format.

    ``fields`` maps a record field to the header aliases it is read from;
    ``units`` gives the unit of each duration field; ``markers`` are the headers that
    recognise the export (``--source auto`` picks the source with most markers
    present, which must include every one of ``required``)."""

    name: str
    fields: Mapping[str, tuple[str, ...]]
    markers: tuple[str, ...]
    required: tuple[str, ...] = ()
    units: Mapping[str, str] = field(default_factory=dict)
    null_values: tuple[str, ...] = ()  # values that mean "empty" (ServiceNow's "?")
    not_solved: tuple[str, ...] = ()  # solved-time values that mean "not solved"
    keep_last_row: bool = False  # several rows per ticket: the file's last one is the ticket
    events: bool = False  # one row per event, not per ticket
    notes: tuple[str, ...] = ()  # said in the summary whenever the source is used

    def column_for(self, name: str, headers: Mapping[str, str]) -> str | None:
        """The file's column for the record field ``name``, or None. ``headers``
        maps normalised headers to the file's own spelling."""
        for alias in self.fields.get(name, ()):
            if (found := headers.get(normalise(alias))) is not None:
                return found
        return None

    def score(self, headers: Mapping[str, str]) -> int:
        """How many of the markers the headers hold; 0 when a required one is missing."""
        if any(normalise(h) not in headers for h in self.required):
            return 0
        return sum(normalise(marker) in headers for marker in self.markers)
