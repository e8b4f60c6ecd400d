"""The period columns of the tracker: months of one (fiscal) year, quarters, year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MONTHS_PER_YEAR = 12


@dataclass(frozen=True)
class Column:
    """One period column; ``months`` are the month indexes (0-11) it covers."""

    key: str  # "m0".."m11", "q1".."q4", "year"
    kind: str  # "month", "quarter" or "year"
    months: tuple[int, ...]

    @property
    def is_rollup(self) -> bool:
        return self.kind != "month"


MONTH_COLUMNS = tuple(Column(f"m{i}", "month", (i,)) for i in range(MONTHS_PER_YEAR))
QUARTER_COLUMNS = tuple(
    Column(f"q{q + 1}", "quarter", tuple(range(3 * q, 3 * q + 3))) for q in range(4)
)
YEAR_COLUMN = Column("year", "year", tuple(range(MONTHS_PER_YEAR)))
COLUMNS = (*MONTH_COLUMNS, *QUARTER_COLUMNS, YEAR_COLUMN)
ROLLUP_COLUMNS = (*QUARTER_COLUMNS, YEAR_COLUMN)


def period_starts(year: int, start_month: int) -> list[dt.date]:
    """First day of each month of the fiscal year that starts in ``start_month`` of ``year``."""
    starts = []
    for offset in range(MONTHS_PER_YEAR):
        month_index = start_month - 1 + offset
        starts.append(dt.date(year + month_index // 12, month_index % 12 + 1, 1))
    return starts
