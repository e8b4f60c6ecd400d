"""How a file's timestamps are read: the shape of its values, decided from the data,
as a DuckDB expression.

Values without a zone are in the import's timezone (the session's TimeZone).
Day-first and month-first dates are told apart by the data: a first field above 12
means day-first, a second field above 12 month-first; a file where no value decides
is refused with a request for ``timestamp_format``, and one holding both is refused
too. Nothing is guessed: ``05/03/2024`` alone is never read as either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import UsageError, shown

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s*[AaPp][Mm])?)?"
_ZONE = r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
ISO = re.compile(rf"\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
                 rf"(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:[.,]\d+)?)?)?{_ZONE}")
EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")
NUMERIC = re.compile(rf"(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{2}}|\d{{4}}){_TIME}")
MONTH_NAME = re.compile(rf"\d{{1,2}}[/ -][A-Za-z]{{3,9}}\.?[/ -]\d{{2,4}}(?:,)?{_TIME}"
                        rf"|[A-Za-z]{{3,9}}\.? \d{{1,2}},? \d{{4}}(?:,)?{_TIME}")
_TIMES = ("%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p", "%H:%M:%S.%f")


@dataclass(frozen=True)
class Reading:
    """How one column's values become instants: ``kind`` is iso, epoch, numeric
    (with ``formats``), named (month names) or format (the user's)."""

    kind: str
    formats: tuple[str, ...] = ()
    offset_fix: bool = False  # "+0000" or " +00:00": normalised before the cast

    def sql(self, text: str) -> str:
        """The TIMESTAMPTZ of the SQL text expression ``text`` (NULL when unparseable)."""
        if self.kind == "iso":
            value = (rf"regexp_replace({text}, '^(\d{{4}})[/.](\d{{1,2}})[/.]', '\1-\2-')"
                     if self.formats == ("slashes",) else text)
            if self.offset_fix:
                value = (rf"regexp_replace(regexp_replace({value}, '\s+([+-]\d\d:?\d\d|Z|UTC|GMT)$', '\1'),"
                         rf" '([+-]\d\d)(\d\d)$', '\1:\2')")
            return f"try_cast({value} AS TIMESTAMPTZ)"
        if self.kind == "epoch":
            number = f"try_cast({text} AS DOUBLE)"
            return f"to_timestamp(CASE WHEN {number} >= 1e11 THEN {number} / 1000 ELSE {number} END)"
        formats = "[" + ", ".join(_quote(f) for f in self.formats) + "]"
        parsed = f"try_strptime({text}, {formats})"
        if self.kind == "format" and any("%z" in f or "%Z" in f for f in self.formats):
            return parsed
        # a zone-less local time: cast in the session's TimeZone (the import's)
        return f"CAST({parsed} AS TIMESTAMPTZ)"

    @property
    def description(self) -> str:
        if self.kind == "iso":
            return "ISO 8601 (year first)"
        if self.kind == "epoch":
            return "Unix time (seconds or milliseconds)"
        return self.formats[0] if self.kind != "named" else "with month names (e.g. 05/Mar/24 2:15 PM)"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def numeric_formats(day_first: bool, separator: str, long_year: bool) -> tuple[str, ...]:
    date = (f"%d{separator}%m{separator}" if day_first else f"%m{separator}%d{separator}") + (
        "%Y" if long_year else "%y")
    return (*(f"{date} {time}" for time in _TIMES), f"{date}T%H:%M:%S", date)


def named_formats() -> tuple[str, ...]:
    dates = ("%d/%b/%y", "%d/%b/%Y", "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d %b %y", "%d %B %Y",
             "%b %d, %Y", "%b %d %Y", "%B %d, %Y")
    return tuple(f"{d} {t}" for d in dates for t in _TIMES) + tuple(f"{d}, {t}" for d in dates[-3:]
                                                                    for t in _TIMES) + dates


@dataclass(frozen=True)
class Shape:
    """A column's values as the sample shows them."""

    kind: str  # iso, epoch, numeric, named
    separator: str = "/"
    long_year: bool = True
    offset_fix: bool = False
    slashes: bool = False
    first_above_12: bool = False  # numeric: some value's first field is above 12
    second_above_12: bool = False


def shape_of(column: str, values: Sequence[str], file: str) -> Shape | None:
    """The shape of a timestamp column's sample (None for an empty sample); a column
    whose values are no timestamp csmetrics knows is refused."""
    kinds: dict[str, int] = {}
    numeric = []
    for value in values:
        kind = _kind(value)
        kinds[kind] = kinds.get(kind, 0) + 1
        if kind == "numeric":
            numeric.append(value)
    if not values:
        return None
    best = max(kinds, key=lambda k: (k != "unknown", kinds[k]))
    if best == "unknown":
        raise UsageError(f"{file}: column {column!r} holds values like {shown(values[0])} that are "
                         f"not timestamps csmetrics can read; set timestamp_format (e.g. "
                         f"\"%d/%m/%Y %H:%M:%S\") or map another column")
    if best == "iso":
        isos = [v for v in values if _kind(v) == "iso"]
        return Shape("iso", offset_fix=any(re.search(r"(\s[+-]\d\d:?\d\d|[+-]\d{4}|\s(Z|UTC|GMT))$", v)
                                           for v in isos),
                     slashes=any("/" in v[:10] or "." in v[:10] for v in isos))
    if best == "numeric":
        matches = [NUMERIC.fullmatch(v.strip()) for v in numeric]
        first = [m for m in matches if m]
        return Shape("numeric", separator=first[0][2], long_year=len(first[0][4]) == 4,
                     first_above_12=any(int(m[1]) > 12 for m in first),
                     second_above_12=any(int(m[3]) > 12 for m in first))
    return Shape(best)


def _kind(value: str) -> str:
    text = value.strip()
    for kind, pattern in (("iso", ISO), ("epoch", EPOCH), ("numeric", NUMERIC), ("named", MONTH_NAME)):
        if pattern.fullmatch(text):
            return kind
    return "unknown"


def decide_order(file: str, shapes: dict[str, Shape], full_scan: Iterable[tuple[bool, bool]]) -> bool:
    """Whether the numeric dates of ``file`` are day-first. ``full_scan`` is called for
    (first field above 12 somewhere, second field above 12 somewhere) over the whole
    file when the samples do not decide; it is an iterable so that it runs lazily."""
    numeric = {c: s for c, s in shapes.items() if s.kind == "numeric"}
    day_first = any(s.first_above_12 for s in numeric.values())
    month_first = any(s.second_above_12 for s in numeric.values())
    if not (day_first or month_first):
        for first, second in full_scan:
            day_first, month_first = first, second
    if day_first and month_first:
        raise UsageError(f"{file}: the dates of columns {', '.join(map(repr, numeric))} are day-first in "
                         f"some rows and month-first in others; set timestamp_format "
                         f"(e.g. \"%d/%m/%Y %H:%M\") to say which, and fix the rows that differ")
    if not (day_first or month_first):
        example = "05/03/2024"
        raise UsageError(f"{file}: dates in columns {', '.join(map(repr, numeric))} could be day-first or "
                         f"month-first (no day above 12, as in {example!r}); set timestamp_format: "
                         f"\"%d/%m/%Y %H:%M:%S\" for day-first, \"%m/%d/%Y %H:%M:%S\" for month-first")
    return day_first


def reading_for(shape: Shape, day_first: bool | None, user_format: str | None) -> Reading:
    if user_format:
        return Reading("format", (user_format,))
    if shape.kind == "iso":
        return Reading("iso", ("slashes",) if shape.slashes else (), offset_fix=shape.offset_fix)
    if shape.kind == "epoch":
        return Reading("epoch")
    if shape.kind == "numeric":
        return Reading("numeric", numeric_formats(bool(day_first), shape.separator, shape.long_year))
    return Reading("named", named_formats())
