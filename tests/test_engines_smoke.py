"""Prove that the engine pipeline in `engines` really recalculates.

Every formula is written with a deliberately wrong cached value, so a value
that reads back correct can only come from the engine recalculating it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import xlsxwriter
from engines import (
    CellError,
    CellReader,
    EngineError,
    is_error,
    iter_formula_errors,
    read_values,
    recalc_gnumeric,
    recalc_ironcalc,
    recalc_libreoffice,
    require_engine,
)

TRACKER = "Tracker"
DEFS = "Formulas & Definitions"
STALE = 999  # cached value written for formulas; never the right answer

# Expected value per cell; `CellError` means "any error value".
Expected = dict[tuple[str, str], float | str | bool | type[CellError]]


def _build(path: Path, a1: float) -> Expected:
    """Write a workbook with stale cached values; return what recalculation gives."""
    wb = xlsxwriter.Workbook(path)
    tracker = wb.add_worksheet(TRACKER)
    defs = wb.add_worksheet(DEFS)
    wb.define_name("Rate", f"='{DEFS}'!$B$1")

    defs.write_string("A1", "Rate")
    defs.write_number("B1", 0.5)
    defs.write_formula("B2", f"={TRACKER}!A6*2", None, STALE)

    tracker.write_number("A1", a1)
    tracker.write_number("A2", 4.0)
    tracker.write_formula("A3", '=IF(A2="","",A1/A2)', None, STALE)
    tracker.write_formula("A4", '=IF(A5="","",A1/A5)', None, STALE)  # A5 is blank
    tracker.write_formula("A6", "=SUM(A1:A2)", None, STALE)
    tracker.write_formula("A7", "=Rate*A1", None, STALE)
    tracker.write_formula("A8", '=IF(COUNT(B1:B3)=0,"",SUM(B1:B3))', None, STALE)
    tracker.write_formula("A9", "=A1/0", None, STALE)
    # A10 is left blank.
    tracker.write_formula("A11", "=A1>A2", None, False)
    tracker.write_formula("A12", f"='{DEFS}'!B2+1", None, STALE)
    wb.close()

    return {
        (TRACKER, "A1"): a1,
        (TRACKER, "A3"): a1 / 4,
        (TRACKER, "A4"): "",
        (TRACKER, "A5"): "",
        (TRACKER, "A6"): a1 + 4,
        (TRACKER, "A7"): a1 * 0.5,
        (TRACKER, "A8"): "",
        (TRACKER, "A9"): CellError,
        (TRACKER, "A10"): "",
        (TRACKER, "A11"): True,
        (TRACKER, "A12"): (a1 + 4) * 2 + 1,
        (DEFS, "A1"): "Rate",
        (DEFS, "B2"): (a1 + 4) * 2,
    }


@pytest.fixture
def workbooks(tmp_path: Path) -> dict[Path, Expected]:
    """Two workbooks with different inputs, so swapped outputs would be caught."""
    src = tmp_path / "src"
    src.mkdir()
    return {src / f"book{a1:g}.xlsx": _build(src / f"book{a1:g}.xlsx", a1) for a1 in (10.0, 30.0)}


def _assert_recalculated(reader: CellReader, expected: Expected) -> None:
    for (sheet, cell), want in expected.items():
        got = reader.value(sheet, cell)
        where = f"{sheet}!{cell}"
        if want is CellError:
            assert is_error(got), f"{where}: expected an error, got {got!r}"
            continue
        assert type(got) is type(want), f"{where}: expected {want!r}, got {got!r}"
        if isinstance(want, float):
            assert got == pytest.approx(want, rel=1e-12), where
        else:
            assert got == want, where


def _assert_only_div0(errors: list[tuple[str, str, CellError]]) -> None:
    assert errors == [(TRACKER, "A9", "#DIV/0!")]
    assert all(is_error(e) for _, _, e in errors)


def _corrupt(path: Path) -> Path:
    path.write_bytes(random.Random(0).randbytes(4096))
    return path


def test_inputs_carry_wrong_cached_values(workbooks: dict[Path, Expected]) -> None:
    """Without recalculation the stale values show, so the other tests mean something."""
    reader = read_values(next(iter(workbooks)))
    assert reader.value(TRACKER, "A3") == STALE
    assert reader.value(TRACKER, "A4") == STALE
    assert reader.value(TRACKER, "A11") is False
    assert reader.value(DEFS, "B2") == STALE
    assert list(iter_formula_errors(reader)) == []


def test_ironcalc_recalculates(workbooks: dict[Path, Expected]) -> None:
    for src, expected in workbooks.items():
        reader = recalc_ironcalc(src)
        _assert_recalculated(reader, expected)
        _assert_only_div0(list(iter_formula_errors(reader)))


@pytest.mark.engines
def test_libreoffice_recalculates(workbooks: dict[Path, Expected], tmp_path: Path) -> None:
    require_engine("libreoffice")
    outputs = recalc_libreoffice(list(workbooks), tmp_path / "lo")  # one batched call
    assert set(outputs) == set(workbooks)
    for src, expected in workbooks.items():
        assert outputs[src].parent == tmp_path / "lo"
        _assert_recalculated(read_values(outputs[src]), expected)
        _assert_only_div0(list(iter_formula_errors(outputs[src])))


@pytest.mark.engines
def test_gnumeric_recalculates(workbooks: dict[Path, Expected], tmp_path: Path) -> None:
    require_engine("gnumeric")
    for src, expected in workbooks.items():
        out = recalc_gnumeric(src, tmp_path / "gnumeric" / src.name)
        _assert_recalculated(read_values(out), expected)
        _assert_only_div0(list(iter_formula_errors(out)))


@pytest.mark.engines
def test_libreoffice_reports_corrupt_input(workbooks: dict[Path, Expected], tmp_path: Path) -> None:
    require_engine("libreoffice")
    good = next(iter(workbooks))
    bad = _corrupt(good.parent / "corrupt.xlsx")
    with pytest.raises(EngineError, match=r"did not convert: \[.*corrupt\.xlsx'\]"):
        recalc_libreoffice([good, bad], tmp_path / "lo")


@pytest.mark.engines
def test_gnumeric_reports_corrupt_input(tmp_path: Path) -> None:
    require_engine("gnumeric")
    bad = _corrupt(tmp_path / "corrupt.xlsx")
    with pytest.raises(EngineError, match=r"did not convert .*corrupt\.xlsx"):
        recalc_gnumeric(bad, tmp_path / "out" / "corrupt.xlsx")


def test_libreoffice_rejects_ambiguous_outputs(
    workbooks: dict[Path, Expected], tmp_path: Path
) -> None:
    """Checked before LibreOffice starts, so no engine is needed."""
    first = next(iter(workbooks))
    clash = tmp_path / "other" / first.name
    clash.parent.mkdir()
    clash.write_bytes(first.read_bytes())
    with pytest.raises(ValueError, match="distinct base names"):
        recalc_libreoffice([first, clash], tmp_path / "lo")
    with pytest.raises(ValueError, match="would be overwritten"):
        recalc_libreoffice([first], first.parent)


def test_require_engine_skips_locally_but_fails_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_engine("gnumeric")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_engine("libreoffice")
