"""The regeneration contract against edits made in real LibreOffice (a headless
StarBasic macro, see libreoffice_edits): rows inserted and sorted inside a grid,
names deleted or broken by a deleted row, a sheet of the team's own (carried), pasted text
and numbers typed over a formula. Each ends in full carry-over or in a refusal
that lists what would be lost; never in silent loss."""

from __future__ import annotations

from pathlib import Path

import pytest
from csmetrics.xlsx import contract
from csmetrics.xlsx.reader import read_filled
from engines import require_engine
from libreoffice_edits import basic_string, edit_in_libreoffice, sheet
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from test_trust import filled_workbook_path, regenerate

pytestmark = pytest.mark.engines


@pytest.fixture
def book(tmp_path: Path) -> Path:
    require_engine("libreoffice")
    return filled_workbook_path(tmp_path)


def area(book: Path, name: str) -> tuple[str, int, int, int, int]:
    """Sheet, first row, first column, last row, last column (0-based) of a name."""
    workbook = load_workbook(book, read_only=True)
    try:
        sheet_name, ref = next(iter(workbook.defined_names[name].destinations))
    finally:
        workbook.close()
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return sheet_name, min_row - 1, min_col - 1, max_row - 1, max_col - 1


def test_rows_inserted_inside_the_volume_grid_keep_every_month(book: Path) -> None:
    before = read_filled(book)
    name, first, *_ = area(book, contract.VOLUME.counts)
    edit_in_libreoffice(book, [sheet(name), f"  s.Rows.insertByIndex({first + 4}, 2)"])
    assert area(book, contract.VOLUME.counts)[3] == first + 13  # the name grew by two rows
    after = read_filled(book)
    assert (after.volume, after.channels) == (before.volume, before.channels)
    assert regenerate(book).exit_code == 0


def test_a_sorted_volume_grid_keeps_every_value_in_its_month(book: Path) -> None:
    before = read_filled(book)
    name, first, _, last, _ = area(book, contract.VOLUME.counts)
    *_, last_col = area(book, contract.CHANNELS.total)
    cells = f"A{first + 1}:{chr(65 + last_col)}{last + 1}"
    edit_in_libreoffice(book, [
        sheet(name),
        f"  r = s.getCellRangeByName({basic_string(cells)})",
        "  Dim fields(0) As New com.sun.star.table.TableSortField",
        "  fields(0).Field = 1 : fields(0).IsAscending = False",
        "  Dim how(0) As New com.sun.star.beans.PropertyValue",
        "  how(0).Name = \"SortFields\" : how(0).Value = fields()",
        "  r.sort(how())",
    ])
    after = read_filled(book)
    assert (after.volume, after.channels) == (before.volume, before.channels)
    label = load_workbook(book, read_only=True)[name][f"A{first + 1}"].value
    assert label != "Jan 2026", "the sort did not move the rows"


def test_a_deleted_name_is_listed_and_refused(book: Path) -> None:
    edit_in_libreoffice(book, [f"  doc.NamedRanges.removeByName({basic_string('inp_agents')})"])
    result = regenerate(book)
    assert result.exit_code == 2
    assert "the name inp_agents is missing" in result.stderr


def test_a_deleted_row_that_a_name_needs_stops_the_run(book: Path) -> None:
    name, row, *_ = area(book, contract.input_name("agents"))
    before = book.read_bytes()
    edit_in_libreoffice(book, [sheet(name), f"  s.Rows.removeByIndex({row}, 1)"])
    assert book.read_bytes() != before
    result = regenerate(book)
    assert result.exit_code == 2
    assert "the name inp_agents no longer refers to cells" in result.stderr


def test_a_sheet_of_the_teams_own_is_carried(book: Path) -> None:
    edit_in_libreoffice(book, [
        "  doc.Sheets.insertNewByName(\"Our notes\", doc.Sheets.Count)",
        "  n = doc.Sheets.getByName(\"Our notes\")",
        "  n.getCellRangeByName(\"A1\").setString(\"launch week\")",
        "  n.getCellRangeByName(\"B1\").setValue(42)",
        "  n.getCellRangeByName(\"C1\").setFormula(\"=B1*2\")",
    ])
    result = regenerate(book)
    assert result.exit_code == 0, result.stderr
    own = load_workbook(book)["Our notes"]
    assert (own["A1"].value, own["B1"].value, own["C1"].value) == ("launch week", 42, "=B1*2")
    assert load_workbook(book, data_only=True)["Our notes"]["C1"].value == 84  # its result too


def test_pasted_text_and_numbers_typed_over_a_formula_are_listed(book: Path) -> None:
    name, row, col, *_ = area(book, contract.input_name("agents"))
    _, kpi_row, kpi_col, *_ = area(book, contract.kpi_name("tickets_new"))
    edit_in_libreoffice(book, [
        sheet(name),
        f"  s.getCellByPosition({col}, {row}).setString(\"12 agents\")",
        f"  s.getCellByPosition({kpi_col}, {kpi_row}).setValue(321)",
    ])
    result = regenerate(book)
    assert result.exit_code == 2
    assert "the text '12 agents' is not an unambiguous number" in result.stderr
    assert "321 was typed over the formula" in result.stderr


def test_numbers_in_a_row_or_column_added_by_hand_are_listed(book: Path) -> None:
    name, row, col, *_ = area(book, contract.input_name("agents"))
    volume, first, _, _, last_col = area(book, contract.VOLUME.counts)
    edit_in_libreoffice(book, [
        sheet(name),
        f"  s.Rows.insertByIndex({row + 1}, 1)",
        f"  s.getCellByPosition(0, {row + 1}).setString(\"Contractors\")",
        f"  s.getCellByPosition({col}, {row + 1}).setValue(7)",
        sheet(volume),
        f"  s.Columns.insertByIndex({last_col + 1}, 1)",
        f"  s.getCellByPosition({last_col + 1}, {first}).setValue(55)",
    ])
    result = regenerate(book)
    assert result.exit_code == 2
    assert "7 is outside the cells csmetrics reads" in result.stderr
    assert "55 is outside the cells csmetrics reads" in result.stderr


def test_a_note_made_in_libreoffice_travels_with_its_value(book: Path) -> None:
    name, row, col, *_ = area(book, contract.input_name("agents"))
    edit_in_libreoffice(book, [
        sheet(name),
        f"  s.Annotations.insertNew(s.getCellByPosition({col + 3}, {row}).CellAddress, "
        "\"a contractor joined\")",
    ])
    result = regenerate(book, "--company", "Acme")
    assert result.exit_code == 0, result.stderr
    assert read_filled(book).notes[("inp", "agents", 3)] == "a contractor joined"
