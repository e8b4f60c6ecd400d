"""Static checks of the cached values, against the Behaviour section of
shared/spec/workbook.md: every formula cell carries the value the reference
implementation computes, so viewers that do not recalculate show the right numbers,
and a result that is blank is cached as an empty string, never as a number. The filled
workbook is first checked to hold both blank and numeric results.
"""

from __future__ import annotations

from static_books import Generated, assert_none
from xlsx_parts import Cell


def test_filled_workbook_exercises_blanks_numbers_and_calculators(filled_book: Generated) -> None:
    """Guard the fixture: the filled workbook must have blank and numeric results."""
    values = list(filled_book.expected.values())
    assert any(v is None for v in values) and any(v is not None for v in values)
    assert any(v is not None for v in filled_book.context.data.inputs["mrr"])
    assert filled_book.context.data.calculators != {
        calc.id: {item.id: item.example for item in calc.inputs}
        for calc in filled_book.context.calculators
    }, "the filled workbook should not keep the calculator examples"


def cached_cell(book: Generated, sheet: str, ref: str) -> Cell:
    cell = book.xlsx.sheet(sheet).cell(ref)
    assert cell is not None and cell.formula is not None, f"{sheet}!{ref}: no formula cell"
    return cell


def test_cached_values_match_reference(book: Generated) -> None:
    problems = []
    for (sheet, ref), want in sorted(book.expected.items()):
        if want is None:
            continue
        cell = cached_cell(book, sheet, ref)
        if isinstance(want, str):  # a header formula's text
            if cell.type != "str" or cell.text != want:
                problems.append(f"{sheet}!{ref}: cached {cell.value!r} (t={cell.type}), "
                                f"reference {want!r}")
            continue
        try:
            got = float(cell.value or "")
        except ValueError:
            problems.append(f"{sheet}!{ref}: cached {cell.value!r} (t={cell.type}), "
                            f"reference {want!r}")
            continue
        if cell.type != "n" or abs(got - want) > 1e-9 * max(1.0, abs(want)):
            problems.append(f"{sheet}!{ref}: cached {got!r} (t={cell.type}), reference {want!r}")
    assert_none(problems, "wrong cached values")


def blank_results(book: Generated) -> list[tuple[str, Cell]]:
    """(sheet name, cell) of every formula cell whose reference value is blank."""
    return [(sheet, cached_cell(book, sheet, ref))
            for (sheet, ref), want in sorted(book.expected.items()) if want is None]


def test_blank_results_cache_no_number(book: Generated) -> None:
    assert_none((f"{sheet}!{cell.ref}: reference is blank but the cache holds {cell.value!r}"
                 for sheet, cell in blank_results(book) if cell.value not in (None, "")),
                "blank results cached as values")


def test_blank_results_are_cached_as_empty_strings(book: Generated) -> None:
    assert_none((f"{sheet}!{cell.ref}: blank result cached with t={cell.type!r}, expected t='str'"
                 for sheet, cell in blank_results(book) if cell.type != "str"),
                "blank results not cached as empty strings")
