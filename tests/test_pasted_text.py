"""Text pasted into input cells counts as "not entered", never as an error.

Pasting bypasses data validation, so an input cell can hold text: a space,
"12 tickets", "1.234,5". Every KPI, rollup, total and calculator result must then
show what it shows when that cell is truly blank (the reference computed with
``None`` there), no engine may show an error value anywhere, and the input cell is
highlighted as "not a number" by a conditional format.

Each workbook gets one kind of bad paste in every kind of input cell: every Tracker
input row (each in some month), targets, the gross margin, Ticket Volume category
and channel cells and one input of every calculator. The workbooks are written by
the real writer with those cells written as strings, then recalculated in IronCalc
(in process), LibreOffice (one batched call) and Gnumeric.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from csmetrics.config.resolve import resolve_config
from csmetrics.config.settings import Config
from csmetrics.model import reference
from csmetrics.model.calculators import calculators
from csmetrics.model.catalog import ENTERED_INPUTS, KPIS
from csmetrics.model.data import WorkbookData
from csmetrics.model.expr import Ref, walk
from csmetrics.xlsx.layout import FormulasLayout, cell
from csmetrics.xlsx.sheets.base import Context, SheetWriter
from csmetrics.xlsx.styles import FLAG_FILL
from engines import (
    CellReader,
    is_error,
    read_values,
    recalc_gnumeric,
    recalc_ironcalc,
    recalc_libreoffice,
    require_engine,
)
from workbooks import Expected, compare, expected_values, make_workbook, random_data
from xlsx_parts import NS, Book, cells_of_sqref, read_book

# Text a user may paste: each is not a number in any engine, whatever its locale.
BAD_PASTES = (" ", "12 tickets", "1.234,5", "n/a", "#N/A", "=1")

# A logical input cell: ("inp", input id, month), ("target", kpi id), ("gross_margin",),
# ("volume" | "channels", name, month) or ("calc", calculator id, input id).
Key = tuple[object, ...]


@dataclass
class Case:
    name: str
    text: str
    config: Config
    data: WorkbookData
    pastes: list[Key]
    path: Path | None = None
    context: Context | None = None
    expected: Expected = field(default_factory=dict)
    cells: dict[Key, tuple[str, str]] = field(default_factory=dict)  # key -> (sheet, A1)


def _case(index: int, text: str) -> Case:
    """Full random data (no blanks, no zeros), with a bad paste in every kind of input."""
    config = Config(years=2, start_month=4) if index == len(BAD_PASTES) - 1 else Config()
    resolved = resolve_config(config)
    months = resolved.periods.count
    rng = random.Random(index)
    data = random_data(rng, config, blank=0.0, zero=0.0, months=months)
    data.targets = {kpi.id: round(rng.uniform(1, 100), 2) for kpi in KPIS}
    calcs = calculators(resolved.scales)
    data.calculators = {calc.id: {item.id: item.example or 1.0 for item in calc.inputs}
                        for calc in calcs}
    data.gross_margin = 0.75
    pastes: list[Key] = []
    # every Tracker input row in some month (two rows a month), another from case to case
    for number, item in enumerate(ENTERED_INPUTS):
        month = (5 * number + 7 * index) % months
        data.inputs[item.id][month] = None
        pastes.append(("inp", item.id, month))
    for number in range(3):  # three targets
        kpi = KPIS[(3 * index + number) % len(KPIS)]
        data.targets[kpi.id] = None
        pastes.append(("target", kpi.id))
    if index % 2:  # the gross margin blanks CLV everywhere: only in every other case
        pastes.append(("gross_margin",))  # (blank data means the configured margin)
    for grid, names in (("volume", resolved.categories), ("channels", resolved.channels)):
        series = getattr(data, grid)
        for number in range(2):
            name = names[(index + number) % len(names)]
            month = (3 * index + 5 * number + 1) % months
            series[name][month] = None
            pastes.append((grid, name, month))
    for calc in calcs:  # one input of every calculator
        item = calc.inputs[index % len(calc.inputs)]
        data.calculators[calc.id][item.id] = None
        pastes.append(("calc", calc.id, item.id))
    return Case(f"paste_{index}", text, config, data, pastes)


def _positions(context: Context, keys: list[Key]) -> dict[Key, tuple[str, int, int]]:
    """(sheet, row, col), 0-based, of each logical input cell."""
    tracker, volume = context.tracker, context.volume
    months = tracker.periods.months
    found: dict[Key, tuple[str, int, int]] = {}
    for key in keys:
        kind = key[0]
        if kind == "inp":
            _, input_id, month = key
            found[key] = (tracker.sheet, tracker.input_row[input_id], tracker.col(months[month]))
        elif kind == "target":
            found[key] = (tracker.sheet, tracker.kpi_row[key[1]], tracker.target_col)
        elif kind == "gross_margin":
            found[key] = (tracker.sheet, tracker.assumption_row["gross_margin"],
                          tracker.FIRST_PERIOD_COL)
        elif kind in ("volume", "channels"):
            _, name, month = key
            names = volume.categories if kind == "volume" else volume.channels
            col_of = volume.category_col if kind == "volume" else volume.channel_col
            found[key] = (volume.sheet, volume.month_row(month), col_of(names.index(name)))
        else:
            _, calc_id, input_id = key
            block = next(b for b in context.formulas.blocks if b.calculator.id == calc_id)
            found[key] = (context.formulas.sheet, block.input_rows[input_id],
                          FormulasLayout.VALUE_COL)
    return found


@contextlib.contextmanager
def _pasting(case: Case) -> Iterator[list[Key]]:
    """Write the case's bad cells as strings, as a paste leaves them; yield those written."""
    original = SheetWriter.write_input
    written: list[Key] = []
    where: dict[tuple[str, int, int], Key] = {}

    def write_input(self: SheetWriter, row: int, col: int, value: float | None, unit,
                    fill: str | None = None) -> None:
        if not where:  # the layout is known once the writer runs
            where.update((place, key) for key, place in _positions(self.context, case.pastes).items())
        key = where.get((self.ws.name, row, col))
        if key is None:
            original(self, row, col, value, unit, fill)
            return
        assert value is None or key == ("gross_margin",), f"{key}: blank data expected"
        self.ws.write_string(row, col, case.text, self.styles.input(unit))
        written.append(key)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SheetWriter, "write_input", write_input)
        yield written


CASES = [_case(index, text) for index, text in enumerate(BAD_PASTES)]


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    folder = tmp_path_factory.mktemp("pasted")
    for case in CASES:
        case.path = folder / f"{case.name}.xlsx"
        with _pasting(case) as written:
            case.context = make_workbook(case.path, case.config, case.data)
        assert sorted(map(repr, written)) == sorted(map(repr, case.pastes))
        if ("gross_margin",) in case.pastes:  # the reference with no gross margin
            data = dataclasses.replace(case.context.data, gross_margin=None)
            case.context.tracker_result = reference.tracker(data, case.context.config.periods)
        case.expected = expected_values(case.context)
        case.cells = {key: (sheet, cell(row, col))
                      for key, (sheet, row, col) in _positions(case.context, case.pastes).items()}
    return {case.name: case for case in CASES}


# --------------------------------------------------------------------------- the checks


def _blank_because_of_paste(case: Case) -> list[tuple[str, str]]:
    """KPI and calculator cells that read a pasted cell directly as a required value:
    blank in that month (or everywhere, for the gross margin)."""
    assert case.context is not None
    tracker, formulas = case.context.tracker, case.context.formulas
    months = tracker.periods.months
    blank: list[tuple[str, str]] = []
    for key in case.pastes:
        if key[0] == "inp":
            _, input_id, month = key
            needed = ("inp", input_id)
        elif key[0] == "gross_margin":
            needed, month = ("assumption", "gross_margin"), None
        elif key[0] == "calc":
            _, calc_id, input_id = key
            block = next(b for b in formulas.blocks if b.calculator.id == calc_id)
            for result in block.calculator.results:
                if any(isinstance(n, Ref) and (n.kind, n.id) == ("calc", input_id)
                       for n in walk(result.formula)):
                    blank.append((formulas.sheet,
                                  cell(block.result_rows[result.id], FormulasLayout.VALUE_COL)))
            continue
        else:
            continue
        for kpi_id, row in tracker.kpi_row.items():
            kpi = next(k for k in KPIS if k.id == kpi_id)
            if any(isinstance(n, Ref) and (n.kind, n.id) == needed for n in walk(kpi.formula)):
                columns = tracker.periods.columns if month is None else [months[month]]
                blank += [(tracker.sheet, cell(row, tracker.col(c))) for c in columns]
    return blank


def _check(case: Case, reader: CellReader, engine: str) -> None:
    errors = [f"{sheet}!{address}: {error}" for sheet, address, error in reader.errors()]
    assert errors == [], f"{engine}, {case.text!r}: error values {errors[:10]}"
    for key, (sheet, address) in case.cells.items():  # the paste is still there, as text
        got = reader.value(sheet, address)
        assert got == case.text and not is_error(got), f"{engine}: {key} reads {got!r}"
    blank = _blank_because_of_paste(case)
    assert len(blank) > 30
    shown = [f"{s}!{a}: {reader.value(s, a)!r}" for s, a in blank if reader.value(s, a) != ""]
    assert shown == [], f"{engine}, {case.text!r}: not blank beside a paste: {shown[:10]}"
    mismatches = list(compare(case.expected, reader.value))
    assert mismatches == [], f"{engine}, {case.text!r}:\n" + "\n".join(mismatches[:20])


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_ironcalc_treats_pasted_text_as_blank(name: str, cases: dict[str, Case]) -> None:
    case = cases[name]
    assert case.path is not None
    _check(case, recalc_ironcalc(case.path), "IronCalc")


@pytest.fixture(scope="module")
def libreoffice_outputs(cases: dict[str, Case], tmp_path_factory) -> dict[str, Path]:
    require_engine("libreoffice")
    paths = {name: case.path for name, case in cases.items() if case.path is not None}
    converted = recalc_libreoffice(list(paths.values()), tmp_path_factory.mktemp("pasted_lo"))
    return {name: converted[path] for name, path in paths.items()}


@pytest.fixture(scope="module")
def gnumeric_outputs(cases: dict[str, Case], tmp_path_factory) -> dict[str, Path]:
    require_engine("gnumeric")
    outdir = tmp_path_factory.mktemp("pasted_gnumeric")
    return {name: recalc_gnumeric(case.path, outdir / f"{name}.xlsx")
            for name, case in cases.items() if case.path is not None}


@pytest.mark.engines
@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_libreoffice_treats_pasted_text_as_blank(name: str, cases, libreoffice_outputs) -> None:
    _check(cases[name], read_values(libreoffice_outputs[name]), "LibreOffice")


@pytest.mark.engines
@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_gnumeric_treats_pasted_text_as_blank(name: str, cases, gnumeric_outputs) -> None:
    _check(cases[name], read_values(gnumeric_outputs[name]), "Gnumeric")


# --------------------------------------------------------------------------- static checks


def _not_a_number_rules(book: Book, sheet_name: str) -> list[tuple[set[str], str]]:
    """(cells covered, dxf XML) of every "not a number" rule of a sheet: a formula rule
    ``AND(X<>"",IF(ISNUMBER(X),<breaks the rule>,TRUE))`` whose X is the top-left
    cell of its one range (true for anything but a number)."""
    dxfs = book.package.xml("xl/styles.xml").findall("m:dxfs/m:dxf", NS)
    found = []
    for cf in book.sheet(sheet_name).root.iterfind("m:conditionalFormatting", NS):
        sqref = cf.get("sqref", "")
        corner = sqref.split()[0].split(":")[0]
        for rule in cf.iterfind("m:cfRule", NS):
            formula = rule.find("m:formula", NS)
            if (rule.get("type") == "expression" and formula is not None
                    and formula.text is not None
                    and formula.text.startswith(f'AND({corner}<>"",IF(ISNUMBER({corner}),')
                    and formula.text.endswith(",TRUE))")):
                dxf = dxfs[int(rule.get("dxfId", "-1"))]
                found.append((cells_of_sqref(sqref), ET.tostring(dxf, encoding="unicode")))
    return found


def test_pasted_cells_are_flagged_not_a_number(cases: dict[str, Case]) -> None:
    for case in cases.values():
        assert case.path is not None
        book = read_book(case.path)
        for key, (sheet, address) in case.cells.items():
            rules = [dxf for covered, dxf in _not_a_number_rules(book, sheet) if address in covered]
            assert rules, f"{case.name}: {key} ({sheet}!{address}) has no 'not a number' format"
            assert all(FLAG_FILL.lstrip("#").upper() in dxf.upper() for dxf in rules), rules


def test_every_number_input_is_flagged_not_a_number(book) -> None:
    """Every cell whose validation asks for a number is covered, and nothing else."""
    problems = []
    for sheet in book.xlsx.sheets:
        wanted: set[str] = set()
        for rule in sheet.validations:
            if rule.attributes.get("type") in ("whole", "decimal"):
                wanted |= cells_of_sqref(rule.sqref)
        covered: set[str] = set()
        for cells, _ in _not_a_number_rules(book.xlsx, sheet.name):
            covered |= cells
        unlocked = {c.ref for c in sheet.cells.values() if not book.xlsx.xf(c).locked}
        if wanted != covered or not covered <= unlocked:
            problems.append(f"{sheet.name}: not flagged {sorted(wanted - covered)[:5]}, "
                            f"flagged without validation {sorted(covered - wanted)[:5]}, "
                            f"locked {sorted(covered - unlocked)[:5]}")
    assert problems == []


_EMPTY_TEXT_TEST = re.compile(r"\$?[A-Z]{1,3}\$?\d+\s*=\s*\"\"")


def test_guards_test_numbers_not_empty_text(book) -> None:
    """A guard ``A1=""`` lets text through to the arithmetic; every guard uses ISNUMBER
    or COUNT instead (the not-a-number format's ``A1<>""`` is no guard)."""
    guards = [f"{sheet.name}!{c.ref}: {c.formula}" for sheet in book.xlsx.sheets
              for c in sheet.cells.values() if c.formula and _EMPTY_TEXT_TEST.search(c.formula)]
    assert guards == []
    assert any("ISNUMBER(" in c.formula for sheet in book.xlsx.sheets
               for c in sheet.cells.values() if c.formula)
