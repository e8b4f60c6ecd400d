"""The workbooks the static checks (``test_static_*``) read, and what they share.

Three workbooks are generated once per test session by the fixtures in conftest.py:
the default one, one filled with random data (a fiscal year starting in July, so the
periods cross a year), and one whose configured texts look like formulas. Each comes
as a ``Generated``: the build context, the file as parsed by ``xlsx_parts`` and the
reference values of its formula cells.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from csmetrics.config.settings import Config
from csmetrics.xlsx.sheets.base import Context
from workbooks import Expected, expected_values, make_workbook, random_data
from xlsx_parts import Area, Book, Sheet, parse_ref, read_book


@dataclass(frozen=True)
class Generated:
    context: Context
    xlsx: Book  # the file as parsed here
    expected: Expected

    @property
    def sheet_names(self) -> dict[str, str]:
        return self.context.sheet_names

    def sheet(self, key: str) -> Sheet:
        return self.xlsx.sheet(self.context.sheet_names[key])


def generate(directory: Path, config: Config, data_seed: int | None = None) -> Generated:
    data = None
    if data_seed is not None:
        data = random_data(random.Random(data_seed), config, blank=0.25, zero=0.1, months=9)
    path = directory / "book.xlsx"
    context = make_workbook(path, config, data)
    return Generated(context, read_book(path), expected_values(context))


FILLED_CONFIG = Config(year=2025, start_month=7)
FILLED_SEED = 3
HOSTILE_CONFIG = Config(
    company="=cmd|' /C calc'!A0",
    categories=('=HYPERLINK("http://x","y")', "+1", "@SUM(A1)", "-1"),
    channels=("=1+1", "Email"),
)


def assert_none(problems: Iterable[str], what: str, limit: int = 25) -> None:
    """Fail with every problem (up to ``limit``) listed, one per line."""
    found = list(problems)
    shown = "\n  ".join(found[:limit])
    more = f"\n  … and {len(found) - limit} more" if len(found) > limit else ""
    assert not found, f"{len(found)} {what}:\n  {shown}{more}"


def name_area(book: Generated, name: str) -> Area:
    """The area a workbook-scope defined name refers to; fails where it is missing."""
    defined = book.xlsx.workbook_names()
    assert name in defined, f"defined name {name} is missing"
    return parse_ref(defined[name].text)
