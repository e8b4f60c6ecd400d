"""Static checks that text is written as text, against the Behaviour section of
shared/spec/workbook.md: no string cell carries a formula, the formula cells are
exactly the cells the reference implementation computes, and configured texts that
look like formulas (a company, categories and channels starting with = + - @) are
written as plain strings.
"""

from __future__ import annotations

import pytest
from static_books import Generated, assert_none
from xlsx_parts import Book, address


def test_string_cells_are_never_formulas(book: Generated) -> None:
    assert_none((f"{sheet.name}!{cell.ref}: string {cell.text!r} carries formula {cell.formula}"
                 for sheet in book.xlsx.sheets for cell in sheet.cells.values()
                 if cell.type in ("s", "inlineStr") and cell.formula is not None),
                "text cells written as formulas")


def formula_cells(book: Book) -> set[tuple[str, str]]:
    return {(sheet.name, cell.ref) for sheet in book.sheets for cell in sheet.cells.values()
            if cell.formula is not None}


@pytest.mark.parametrize("which", ["default", "filled", "hostile"])
def test_formula_cells_are_exactly_the_reference_cells(request: pytest.FixtureRequest,
                                                       which: str) -> None:
    generated: Generated = request.getfixturevalue(f"{which}_book")
    actual, expected = formula_cells(generated.xlsx), set(generated.expected)
    assert_none([f"{s}!{r}: formula {generated.xlsx.sheet(s).cells[r].formula} has no reference "
                 "value" for s, r in sorted(actual - expected)]
                + [f"{s}!{r}: reference value {generated.expected[(s, r)]!r} but no formula"
                   for s, r in sorted(expected - actual)],
                "differences between formula cells and expected_values()")


def test_formula_like_configuration_is_written_as_text(hostile_book: Generated) -> None:
    context, volume = hostile_book.context, hostile_book.sheet("volume")
    layout = context.volume
    placed = [(layout.category_col(i), name) for i, name in enumerate(context.config.categories)]
    placed += [(layout.channel_col(i), name) for i, name in enumerate(context.config.channels)]
    problems = []
    for col, name in placed:
        ref = address(layout.HEADER_ROW, col)
        cell = volume.cell(ref)
        if cell is None or cell.type not in ("s", "inlineStr") or cell.formula is not None:
            problems.append(f"{volume.name}!{ref}: {name!r} is not a plain string ({cell})")
        elif cell.text != name:
            problems.append(f"{volume.name}!{ref}: reads {cell.text!r}, configured {name!r}")
    company = context.config.company
    holders = [(sheet.name, cell) for sheet in hostile_book.xlsx.sheets
               for cell in sheet.cells.values() if company in (cell.text or "")
               or company in (cell.formula or "")]
    if not holders:
        problems.append(f"the company {company!r} appears in no cell")
    problems += [f"{name}!{cell.ref}: company text in a {cell.type!r} cell {cell.formula}"
                 for name, cell in holders
                 if cell.type not in ("s", "inlineStr") or cell.formula is not None]
    assert_none(problems, "configured texts not written as text")
