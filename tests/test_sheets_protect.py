"""``csmetrics sheets-protect``: the input rectangles it gives are exactly the
workbook's unlocked cells, few, and the Apps Script it prints is valid."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from csmetrics.cli import main
from csmetrics.config.settings import Config
from csmetrics.sheets_protect import apps_script
from csmetrics.xlsx.protection import Rectangle, rectangles, unlocked_inputs
from csmetrics.xlsx.writer import write_workbook
from engines import recalc_libreoffice, require_engine
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.cell import coordinate_to_tuple
from xlsx_parts import read_book


def unlocked_cells(path: Path) -> dict[str, set[tuple[int, int]]]:
    """Unlocked cells per sheet, read independently with the tests' own XML reader."""
    book = read_book(path)
    found: dict[str, set[tuple[int, int]]] = {}
    for sheet in book.all_sheets:
        cells = found.setdefault(sheet.name, set())
        for cell in sheet.cells.values():
            if not book.xf(cell).locked:
                row, col = coordinate_to_tuple(cell.ref)
                cells.add((row - 1, col - 1))
    return found


def check(path: Path) -> None:
    expected = unlocked_cells(path)
    sheets = unlocked_inputs(path)
    assert [s.name for s in sheets] == list(expected)
    for sheet in sheets:
        covered: set[tuple[int, int]] = set()
        for rectangle in sheet.rectangles:
            assert not covered & rectangle.cells(), f"{sheet.name}: {rectangle.a1} overlaps"
            covered |= rectangle.cells()
        assert covered == expected[sheet.name], sheet.name


@pytest.mark.parametrize("config", [Config(), Config(language="ru", years=2, start_month=4),
                                    Config(metrics=("nps", "frt"))], ids=["default", "ru", "few"])
def test_rectangles_are_exactly_the_unlocked_cells(tmp_path: Path, config: Config) -> None:
    path = write_workbook(tmp_path / "book.xlsx", config)
    check(path)
    sheets = unlocked_inputs(path)
    assert sum(len(s.rectangles) for s in sheets) <= 60  # a few, not one per cell
    visible = [s for s in sheets if not s.hidden]
    assert not visible[0].rectangles and all(s.rectangles for s in visible[1:])  # but the cover


@pytest.mark.engines
def test_rectangles_of_a_workbook_saved_by_libreoffice(tmp_path: Path) -> None:
    require_engine("libreoffice")
    path = write_workbook(tmp_path / "book.xlsx")
    saved = recalc_libreoffice([path], tmp_path / "lo")[path]
    check(saved)
    assert [s.rectangles for s in unlocked_inputs(saved)] == [
        s.rectangles for s in unlocked_inputs(path)]


@given(st.sets(st.tuples(st.integers(0, 12), st.integers(0, 8)), min_size=1, max_size=60))
def test_rectangles_cover_any_set_of_cells_exactly_once(cells: set[tuple[int, int]]) -> None:
    covered: list[tuple[int, int]] = []
    for rectangle in rectangles(cells):
        covered += sorted(rectangle.cells())
    assert sorted(covered) == sorted(cells)


def test_a_grid_is_one_rectangle() -> None:
    grid = {(row, col) for row in range(6, 18) for col in range(1, 7)}
    assert rectangles(grid) == (Rectangle(6, 1, 17, 6),)
    assert Rectangle(6, 1, 17, 6).a1 == "B7:G18" and Rectangle(0, 27, 0, 27).a1 == "AB1"


def test_the_command_prints_the_script_and_every_sheet(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx")
    result = CliRunner().invoke(main, ["sheets-protect", str(path)])
    assert result.exit_code == 0, result.output
    for sheet in unlocked_inputs(path):
        assert f"   {sheet.name}" in result.output
        for rectangle in sheet.rectangles:
            assert f'"{rectangle.a1}"' in result.output and rectangle.a1 in result.output
    assert "setWarningOnly(true)" in result.output and "Except certain cells" in result.output
    missing = CliRunner().invoke(main, ["sheets-protect", str(tmp_path / "none.xlsx")])
    assert missing.exit_code == 2 and "no such workbook" in missing.stderr
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    bad = CliRunner().invoke(main, ["sheets-protect", str(text)])
    assert bad.exit_code == 2 and "not an .xlsx workbook" in bad.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_apps_script_parses(tmp_path: Path) -> None:
    script = tmp_path / "protect.js"
    script.write_text(apps_script(unlocked_inputs(write_workbook(tmp_path / "book.xlsx",
                                                                 Config(language="zh-CN")))))
    result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
