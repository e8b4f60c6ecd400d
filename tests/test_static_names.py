"""Static checks of the defined names, against the Defined names section of
shared/spec/workbook.md: a generated workbook has exactly the families of the contract,
each at workbook scope, ASCII lower case and an absolute reference to one of its sheets,
and each refers to the right cells: ``period_start`` to twelve first-of-month dates,
``inp_``/``kpi_``/``qtr_``/``year_``/``target_`` to their labelled Tracker rows, the
volume and channel grids to their headers, counts and totals, and the ``calc_`` and
assumption names to their labelled cells.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from csmetrics.model.calculators import calculators
from csmetrics.model.catalog import ENTERED_INPUTS, KPIS
from csmetrics.model.selection import Selection
from csmetrics.xlsx import contract
from csmetrics.xlsx.sheets.base import Context
from csmetrics.xlsx.writer import workbook_properties
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import from_excel
from static_books import Generated, assert_none, name_area
from xlsx_parts import parse_ref


def contract_names(context: Context) -> set[str]:
    """Every defined name workbook.md promises for this configuration (the books
    here include every metric)."""
    settings = set(workbook_properties(context.config).encode())  # the settings sheet's cells
    return contract.defined_names(Selection.of(None), calculators(context.config.scales)) | settings


def test_defined_names_are_exactly_the_contract_families(book: Generated) -> None:
    actual = set(book.xlsx.workbook_names())
    expected = contract_names(book.context)
    assert actual == expected, (f"missing: {sorted(expected - actual)}; "
                                f"not in the contract: {sorted(actual - expected)}")


def test_defined_names_are_workbook_scope_ascii_lower_case(book: Generated) -> None:
    problems = []
    seen: set[str] = set()
    for name in book.xlsx.names:
        if name.name.startswith("_xlnm."):
            if name.local_sheet is None:
                problems.append(f"{name.name} -> {name.text} has no sheet scope")
            continue
        if name.name in seen:
            problems.append(f"{name.name} is defined twice")
        seen.add(name.name)
        if name.local_sheet is not None:
            problems.append(f"{name.name} is scoped to sheet {name.local_sheet}, not the workbook")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name.name):
            problems.append(f"{name.name} is not ASCII lower case letters, digits and _")
        if re.fullmatch(r"[a-z]{1,3}\d+|r\d*c?\d*|c\d*", name.name):
            problems.append(f"{name.name} reads as a cell reference")
        try:
            area = parse_ref(name.text)
        except ValueError as error:
            problems.append(f"{name.name}: {error}")
            continue
        if not area.absolute:
            problems.append(f"{name.name} -> {name.text} is not an absolute reference")
        if area.sheet not in {s.name for s in book.xlsx.all_sheets}:
            problems.append(f"{name.name} -> {name.text} names no sheet of the workbook")
    assert_none(problems, "defined-name problems")


def first_of_months(year: int, start_month: int) -> list[dt.date]:
    """The 12 period starts, computed here independently of the generator."""
    dates = []
    for offset in range(12):
        month = start_month - 1 + offset
        dates.append(dt.date(year + month // 12, month % 12 + 1, 1))
    return dates


def test_period_start_is_twelve_first_of_month_dates(book: Generated) -> None:
    area = name_area(book, contract.PERIOD_START)
    assert (area.sheet, area.shape) == (book.sheet_names["tracker"], (1, 12)), \
        f"{contract.PERIOD_START} -> {area}: expected one row of 12 cells on Tracker"
    sheet = book.xlsx.sheet(area.sheet)
    want = first_of_months(book.context.config.year, book.context.config.start_month)
    problems = []
    for ref, date in zip(area.cells(), want, strict=True):
        cell = sheet.cell(ref)
        if cell is None or cell.type != "n" or cell.formula is not None or not cell.value:
            problems.append(f"{sheet.name}!{ref}: not a plain number ({cell})")
            continue
        if not book.xlsx.xf(cell).is_date:
            problems.append(f"{sheet.name}!{ref}: number format "
                            f"{book.xlsx.xf(cell).number_format!r} is not a date format")
        shown = from_excel(float(cell.value))
        if shown != dt.datetime.combine(date, dt.time()):
            problems.append(f"{sheet.name}!{ref}: holds {shown}, expected {date}")
    assert_none(problems, f"{contract.PERIOD_START} cells wrong")


def test_period_headers_are_words_above_the_dates(book: Generated) -> None:
    """The month headers are text in the workbook's language, not dates in a
    locale-coded format that Google Sheets renders in the account's locale; the
    real dates are the row below them (period_start)."""
    context = book.context
    area = name_area(book, contract.PERIOD_START)
    sheet = book.xlsx.sheet(area.sheet)
    problems = []
    for col, label in zip(area.cols, context.month_labels, strict=True):
        ref = f"{get_column_letter(col)}{area.min_row - 1}"
        cell = sheet.cell(ref)
        if cell is None or cell.type not in ("s", "inlineStr") or cell.text != label:
            problems.append(f"{sheet.name}!{ref}: {cell and cell.text!r}, expected the text {label!r}")
    locale_coded = [xf.number_format for xf in book.xlsx.xfs if "[$-" in xf.number_format]
    assert_none(problems + [f"number format {code!r} depends on a locale code"
                            for code in locale_coded], "period headers that are not words")


def check_row_name(book: Generated, name: str, label: str, width: int) -> list[str]:
    """A name that must be one row of ``width`` cells on Tracker, in the row labelled
    ``label``, starting in the first period column."""
    area = name_area(book, name)
    period = name_area(book, contract.PERIOD_START)
    tracker = book.sheet("tracker")
    problems = []
    if area.sheet != tracker.name or area.shape != (1, width):
        problems.append(f"{name} -> {area.sheet}!{area.cells()[0]} shape {area.shape}: "
                        f"expected 1×{width} on {tracker.name}")
    shown = tracker.text_at(f"A{area.min_row}")
    if shown != label:
        problems.append(f"{name} -> {tracker.name}!A{area.min_row} is labelled {shown!r}, "
                        f"expected {label!r}")
    if width == 12 and area.cols != period.cols:
        problems.append(f"{name} covers columns {list(area.cols)}, the periods are "
                        f"{list(period.cols)}")
    return problems


def test_input_names_are_rows_of_their_inputs(book: Generated) -> None:
    text = book.context.text
    assert_none((p for item in ENTERED_INPUTS
                 for p in check_row_name(book, contract.input_name(item.id), text(f"inp_{item.id}"), 12)),
                "inp_* names wrong")


def test_kpi_names_are_rows_of_their_kpis(book: Generated) -> None:
    text = book.context.text
    assert_none((p for kpi in KPIS
                 for p in check_row_name(book, contract.kpi_name(kpi.id), text(f"kpi_{kpi.id}"), 12)),
                "kpi_* names wrong")


def test_quarter_year_and_target_names(book: Generated) -> None:
    text, config = book.context.text, book.context.config
    tracker = book.sheet("tracker")
    header_row = name_area(book, contract.PERIOD_START).min_row - 1  # the words above the dates
    headers: dict[Callable[[str], str], list[str]] = {
        contract.quarter_name: [text("quarter_label", n=n) for n in range(1, 5)],
        contract.year_name: [text("year_label", fiscal=config.start_month != 1)],
        contract.target_name: [text("header_target")],
    }
    problems = []
    for kpi in KPIS:
        kpi_name = contract.kpi_name(kpi.id)
        kpi_row = name_area(book, kpi_name).min_row
        for name_of, header in headers.items():
            name = name_of(kpi.id)
            problems += check_row_name(book, name, text(f"kpi_{kpi.id}"), len(header))
            area = name_area(book, name)
            if area.min_row != kpi_row:
                problems.append(f"{name} is on row {area.min_row}, {kpi_name} on {kpi_row}")
            shown = [tracker.text_at(f"{get_column_letter(c)}{header_row}") for c in area.cols]
            # a partly filled quarter says how many months it holds after its label
            if len(shown) != len(header) or not all(
                    isinstance(got, str) and got.startswith(want)
                    for got, want in zip(shown, header, strict=True)):
                problems.append(f"{name} -> columns headed {shown}, expected {header}")
    assert_none(problems, "qtr_/year_/target_ names wrong")


@pytest.mark.parametrize("prefix", ["vol", "chan"])
def test_volume_and_channel_names(book: Generated, prefix: str) -> None:
    context = book.context
    configured = context.config.categories if prefix == "vol" else context.config.channels
    grid = contract.VOLUME if prefix == "vol" else contract.CHANNELS
    header_name, counts_name, total_name = grid.names
    header, counts, total = (name_area(book, n) for n in grid.names)
    volume = book.sheet("volume")
    problems = [f"{area} is not on {volume.name}" for area in (header, counts, total)
                if area.sheet != volume.name]
    if header.shape != (1, len(configured)):
        problems.append(f"{header_name} shape {header.shape}, expected (1, {len(configured)})")
    shown = [volume.text_at(ref) for ref in header.cells()]
    if shown != list(configured):
        problems.append(f"{header_name} cells read {shown}, configured {list(configured)}")
    if counts.shape != (12, len(configured)) or counts.cols != header.cols:
        problems.append(f"{counts_name} {counts} is not 12 periods under {header_name}")
    if counts.min_row != header.max_row + 1:
        problems.append(f"{counts_name} starts on row {counts.min_row}, "
                        f"the header is row {header.max_row}")
    months = [volume.text_at(f"A{row}") for row in counts.rows]
    if months != context.month_labels:
        problems.append(f"{counts_name} rows are labelled {months}")
    if total.shape != (12, 1) or total.rows != counts.rows:
        problems.append(f"{total_name} {total} is not one column beside {counts_name}")
    total_header = volume.text_at(f"{get_column_letter(total.min_col)}{header.min_row}")
    if total_header != context.text("volume_total"):
        problems.append(f"{total_name} is headed {total_header!r}")
    assert_none(problems, f"{prefix}_* names wrong")


def test_calculator_names(book: Generated) -> None:
    text, sheet = book.context.text, book.sheet("formulas")
    problems = []

    def check(name: str, label: str, formula: bool) -> None:
        area = name_area(book, name)
        if area.sheet != sheet.name or area.shape != (1, 1):
            problems.append(f"{name} -> {area}: expected one cell on {sheet.name}")
            return
        ref = area.cells()[0]
        shown = sheet.text_at(f"A{area.min_row}")
        if shown != label:
            problems.append(f"{name} -> {sheet.name}!{ref} is labelled {shown!r}, not {label!r}")
        cell = sheet.cell(ref)
        if (cell is not None and cell.formula is not None) != formula:
            kind = "a formula" if formula else "an input"
            problems.append(f"{name} -> {sheet.name}!{ref} should be {kind}")

    for calc in calculators(book.context.config.scales):
        for item in calc.inputs:
            check(contract.calculator_input_name(calc.id, item.id),
                  text(item.label_key, **dict(item.label_vars)), False)
        for result in calc.results:
            check(contract.calculator_result_name(calc.id, result.id),
                  text(f"calc_{calc.id}_out_{result.id or 'main'}"), True)
    assert_none(problems, "calc_* names wrong")


def test_gross_margin_name(book: Generated) -> None:
    area = name_area(book, contract.GROSS_MARGIN)
    tracker = book.sheet("tracker")
    assert (area.sheet, area.shape) == (tracker.name, (1, 1)), f"{contract.GROSS_MARGIN} -> {area}"
    ref = area.cells()[0]
    label = tracker.text_at(f"A{area.min_row}")
    assert label == book.context.text("assumption_gross_margin"), f"{tracker.name}!A{area.min_row}"
    cell = tracker.cell(ref)
    assert cell is not None and cell.formula is None and cell.value is not None, \
        f"{tracker.name}!{ref} should hold the entered gross margin"
    assert float(cell.value) == book.context.data.gross_margin, f"{tracker.name}!{ref}"
