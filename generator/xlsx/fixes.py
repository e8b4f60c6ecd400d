"""Places where xlsxwriter's output falls short of the workbook contract,
mended narrowly. Each touches a private xlsxwriter method, so pyproject pins
xlsxwriter below 4 and tests/test_static.py checks the resulting XML.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.chart import Chart
from xlsxwriter.worksheet import Worksheet


class BlankResult(str):
    """The cached value of a formula that shows "".

    xlsxwriter writes a cached ``""`` as an untyped ``<v></v>`` (a number to a
    strict reader); this value compares unequal to ``""`` so that it is written
    with ``t="str"``, a proper empty-text result, while its text stays empty.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BlankResult)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


BLANK_RESULT = BlankResult("")


def show_blanks_as_gaps(chart: Chart) -> None:
    """Write ``<c:dispBlanksAs val="gap"/>`` explicitly and keep blank cells out
    of the cached series data, so months not filled are gaps, never zeros, in
    every application (xlsxwriter omits "gap" as a default and caches blanks as 0).
    """
    chart.show_blanks_as("gap")
    write_num_cache = chart._write_num_cache

    def write_disp_blanks_as() -> None:
        chart._xml_empty_tag("c:dispBlanksAs", [("val", "gap")])

    def write_num_cache_without_blanks(data: list[Any] | None) -> None:
        write_num_cache([None if token == "" else token for token in data or []])

    chart._write_disp_blanks_as = write_disp_blanks_as
    chart._write_num_cache = write_num_cache_without_blanks


class SharedFunctionsWorksheet(Worksheet):
    """A worksheet whose formulas need no ``_xlfn.`` expansion.

    xlsxwriter runs 29 regular expressions over every formula to prefix
    dynamic-array functions; csmetrics formulas use only functions shared by
    Excel 2010, Google Sheets and LibreOffice (tests/test_static.py enforces the
    list), so that pass is skipped. It was the largest cost of writing the sheets.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        # Conditional formats ask for the expansion too; none of ours needs it.
        if formula.startswith("{") or self.use_future_functions:
            return super()._prepare_formula(formula, expand_future_functions)
        return formula[1:] if formula.startswith("=") else formula
