"""The period columns of the tracker: the months of one or more (fiscal) years,
then each year's four quarters, then each year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Column:
    """One period column; ``months`` are the month indexes it covers."""

    key: str  # "m0".., "q1".., "y1"..
    kind: str  # "month", "quarter" or "year"
    months: tuple[int, ...]
    year: int = 0  # index of the fiscal year it belongs to

    @property
    def is_rollup(self) -> bool:
        return self.kind != "month"


@dataclass(frozen=True)
class Periods:
    """Columns for ``years`` fiscal years (1 by default)."""

    years: int = 1

    @property
    def count(self) -> int:
        return self.years * MONTHS_PER_YEAR

    @cached_property
    def months(self) -> tuple[Column, ...]:
        return tuple(Column(f"m{i}", "month", (i,), i // MONTHS_PER_YEAR) for i in range(self.count))

    @cached_property
    def quarters(self) -> tuple[Column, ...]:
        return tuple(Column(f"q{q + 1}", "quarter", tuple(range(3 * q, 3 * q + 3)), q // 4)
                     for q in range(4 * self.years))

    @cached_property
    def year_columns(self) -> tuple[Column, ...]:
        return tuple(Column(f"y{y + 1}", "year",
                            tuple(range(y * MONTHS_PER_YEAR, (y + 1) * MONTHS_PER_YEAR)), y)
                     for y in range(self.years))

    @cached_property
    def rollups(self) -> tuple[Column, ...]:
        return (*self.quarters, *self.year_columns)

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        return (*self.months, *self.rollups)

    def quarters_of(self, year: Column) -> tuple[Column, ...]:
        return tuple(q for q in self.quarters if q.year == year.year)


def period_starts(year: int, start_month: int, count: int = MONTHS_PER_YEAR) -> list[dt.date]:
    """First day of each month from ``start_month`` of ``year`` on."""
    starts = []
    for offset in range(count):
        month_index = start_month - 1 + offset
        starts.append(dt.date(year + month_index // 12, month_index % 12 + 1, 1))
    return starts
