"""Static checks of generated workbooks against shared/spec/workbook.md.

No spreadsheet engine is involved: the .xlsx parts are read as XML with zipfile and
ElementTree. Three workbooks are generated once per module: the default one, one filled
with random data (a fiscal year starting in July, so the periods cross a year), and one
whose configured texts look like formulas.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import random
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from csmetrics.config.settings import Config
from csmetrics.model.calculators import calculators
from csmetrics.model.catalog import ENTERED_INPUTS, INPUT_BY_ID, INPUTS, KPIS, Unit
from csmetrics.xlsx import contract
from csmetrics.xlsx.layout import FormulasLayout
from csmetrics.xlsx.sheets.base import Context
from openpyxl.utils.cell import get_column_letter, range_boundaries
from openpyxl.utils.datetime import from_excel
from workbooks import Expected, expected_values, make_workbook, random_data

# --------------------------------------------------------------------------- what is allowed

# Functions that Excel 2010+, Google Sheets and LibreOffice all evaluate the same way,
# including on blanks and on the "" a formula returns. Widen only after checking all three.
SHARED_FUNCTIONS = frozenset({
    "ABS", "AND", "AVERAGE", "COUNT", "IF", "ISNUMBER", "MAX", "MIN", "NOT", "OR", "ROUND", "SUM",
})

# Functions added after Excel 2007: the file must spell them with the "_xlfn." prefix, or
# Excel shows #NAME?. None is allowed today (none is in SHARED_FUNCTIONS); the set makes the
# failure message precise if one ever slips in.
FUTURE_FUNCTIONS = frozenset({
    "AGGREGATE", "ANCHORARRAY", "BYCOL", "BYROW", "CEILING.MATH", "CHOOSECOLS", "CHOOSEROWS",
    "CONCAT", "DAYS", "FILTER", "FLOOR.MATH", "IFNA", "IFS", "ISOWEEKNUM", "LAMBDA", "LET",
    "MAKEARRAY", "MAP", "MAXIFS", "MINIFS", "MODE.SNGL", "NUMBERVALUE", "PERCENTILE.EXC",
    "PERCENTILE.INC", "QUARTILE.EXC", "QUARTILE.INC", "RANDARRAY", "RANK.AVG", "RANK.EQ",
    "REDUCE", "SCAN", "SEQUENCE", "SINGLE", "SORT", "SORTBY", "STDEV.P", "STDEV.S", "SWITCH",
    "TEXTJOIN", "TEXTSPLIT", "TOCOL", "TOROW", "UNIQUE", "VAR.P", "VAR.S", "VSTACK", "HSTACK",
    "XLOOKUP", "XMATCH",
})
FUTURE_PREFIXES = ("_XLFN._XLWS.", "_XLFN.", "_XLWS.")

# Volatile, dynamic-array or engine-specific functions the contract bans outright.
BANNED_FUNCTIONS = frozenset({
    "OFFSET", "INDIRECT", "NOW", "TODAY", "RAND", "RANDBETWEEN", "RANDARRAY", "CELL", "INFO",
    "FILTER", "LET", "LAMBDA", "XLOOKUP", "XMATCH", "SEQUENCE", "SORT", "SORTBY", "UNIQUE",
    "ANCHORARRAY", "SINGLE", "ARRAYFORMULA", "IMPORTRANGE", "GOOGLEFINANCE",
})
# Characters that, outside string literals and quoted sheet names, mean a structured table
# reference ([#This Row]), implicit intersection (@), a spilled range (A1#) or an error literal.
BANNED_SYNTAX = {"[": "structured reference", "]": "structured reference",
                 "@": "implicit intersection", "#": "spill reference or error literal"}

# --------------------------------------------------------------------------- formula tokens

_LITERAL = re.compile(r'"(?:[^"]|"")*"|\'(?:[^\']|\'\')*\'')
_FUNCTION = re.compile(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_.]*)\s*\(")


def strip_literals(formula: str) -> str:
    """The formula with string literals and quoted sheet names emptied."""
    return _LITERAL.sub(lambda m: m.group(0)[0] * 2, formula)


def function_names(formula: str) -> list[str]:
    """Upper-case function names called in a formula, prefixes kept (``_XLFN.IFS``)."""
    return [name.upper() for name in _FUNCTION.findall(strip_literals(formula))]


def bare(name: str) -> str:
    for prefix in FUTURE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


# --------------------------------------------------------------------------- references

_REF = re.compile(r"^(?:'(?P<quoted>(?:[^']|'')+)'|(?P<plain>[A-Za-z0-9_.]+))!"
                  r"(?P<first>\$?[A-Z]{1,3}\$?\d+)(?::(?P<last>\$?[A-Z]{1,3}\$?\d+))?$")


@dataclass(frozen=True)
class Area:
    """A rectangular range on one sheet, 1-based like the A1 text it came from."""

    sheet: str
    min_col: int
    min_row: int
    max_col: int
    max_row: int
    absolute: bool

    @property
    def shape(self) -> tuple[int, int]:
        return (self.max_row - self.min_row + 1, self.max_col - self.min_col + 1)

    @property
    def rows(self) -> range:
        return range(self.min_row, self.max_row + 1)

    @property
    def cols(self) -> range:
        return range(self.min_col, self.max_col + 1)

    def cells(self) -> list[str]:
        """A1 addresses, row by row."""
        return [f"{get_column_letter(c)}{r}" for r in self.rows for c in self.cols]


def parse_ref(text: str) -> Area:
    """``'Sheet name'!$A$1:$B$2`` (or a single cell) as an Area."""
    match = _REF.match(text)
    if not match:
        raise ValueError(f"not a single-area reference: {text!r}")
    sheet = match["quoted"].replace("''", "'") if match["quoted"] else match["plain"]
    last = match["last"] or match["first"]
    min_col, min_row, max_col, max_row = range_boundaries(
        f"{match['first']}:{last}".replace("$", ""))
    absolute = all(part.count("$") == 2 for part in (match["first"], last))
    return Area(sheet, min_col, min_row, max_col, max_row, absolute)


def address(row: int, col: int) -> str:
    """A1 address of a 0-based (row, col), as the layouts count."""
    return f"{get_column_letter(col + 1)}{row + 1}"


def cells_of_sqref(sqref: str) -> set[str]:
    cells: set[str] = set()
    for part in sqref.split():
        min_col, min_row, max_col, max_row = range_boundaries(part)
        cells.update(f"{get_column_letter(c)}{r}" for r in range(min_row, max_row + 1)
                     for c in range(min_col, max_col + 1))
    return cells


# --------------------------------------------------------------------------- the package

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS = {"m": MAIN, "r": REL, "p": PKG_REL, "c": CHART}

# Built-in number formats that display a date.
BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))


@dataclass(frozen=True)
class Cell:
    ref: str
    type: str  # the t attribute, "n" when absent
    style: int
    formula: str | None
    formula_kind: str | None  # the <f t=...> attribute (array, shared, ...)
    value: str | None  # raw <v> text; None when there is no <v>
    text: str | None  # the string for shared/inline strings
    attributes: dict[str, str]


@dataclass(frozen=True)
class Xf:
    number_format: str
    number_format_id: int
    locked: bool

    @property
    def is_date(self) -> bool:
        if self.number_format_id in BUILTIN_DATE_FORMATS:
            return True
        code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", self.number_format.split(";")[0]).lower()
        return bool(re.search(r"[dy]", code)) or bool(re.search(r"m{3,}", code))


@dataclass(frozen=True)
class Validation:
    sqref: str
    attributes: dict[str, str]
    formula1: str | None
    formula2: str | None


@dataclass(frozen=True)
class DefinedName:
    name: str
    local_sheet: int | None
    text: str


@dataclass
class Sheet:
    name: str
    part: str
    root: ET.Element
    cells: dict[str, Cell]
    validations: list[Validation]

    def cell(self, ref: str) -> Cell | None:
        return self.cells.get(ref)

    def text_at(self, ref: str) -> str | None:
        cell = self.cells.get(ref)
        return None if cell is None else cell.text


class Package:
    """The parts of an .xlsx file, parsed on demand."""

    def __init__(self, path: Path):
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}

    def xml(self, part: str) -> ET.Element:
        return ET.fromstring(self.parts[part])

    def relations(self, part: str) -> list[tuple[str, str, str | None]]:
        """(type, target part, target mode) of a part's relationships."""
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        if rels_part not in self.parts:
            return []
        found = []
        for rel in self.xml(rels_part).iterfind("p:Relationship", NS):
            target, mode = rel.get("Target", ""), rel.get("TargetMode")
            if mode != "External":
                target = (target[1:] if target.startswith("/")
                          else posixpath.normpath(posixpath.join(folder, target)))
            found.append((rel.get("Type", "").rsplit("/", 1)[-1], target, mode))
        return found

    def relation_targets(self, part: str, kind: str) -> list[str]:
        return [target for rel_type, target, _ in self.relations(part) if rel_type == kind]


@dataclass
class Book:
    package: Package
    sheets: list[Sheet]
    names: list[DefinedName]
    xfs: list[Xf]

    def sheet(self, name: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(f"no sheet named {name!r}; sheets are {[s.name for s in self.sheets]}")

    def xf(self, cell: Cell) -> Xf:
        return self.xfs[cell.style]

    def workbook_names(self) -> dict[str, DefinedName]:
        return {n.name: n for n in self.names if not n.name.startswith("_xlnm.")}


def _shared_strings(package: Package) -> list[str]:
    if "xl/sharedStrings.xml" not in package.parts:
        return []
    return ["".join(t.text or "" for t in [*si.iterfind("m:t", NS), *si.iterfind("m:r/m:t", NS)])
            for si in package.xml("xl/sharedStrings.xml").iterfind("m:si", NS)]


def _xfs(package: Package) -> list[Xf]:
    styles = package.xml("xl/styles.xml")
    codes = {int(f.get("numFmtId", "0")): f.get("formatCode", "")
             for f in styles.iterfind("m:numFmts/m:numFmt", NS)}
    xfs = []
    for xf in styles.iterfind("m:cellXfs/m:xf", NS):
        number_format_id = int(xf.get("numFmtId", "0"))
        protection = xf.find("m:protection", NS)
        locked = protection is None or protection.get("locked", "1") not in ("0", "false")
        xfs.append(Xf(codes.get(number_format_id, "General"), number_format_id, locked))
    return xfs


def _cells(root: ET.Element, strings: list[str]) -> dict[str, Cell]:
    cells = {}
    for c in root.iterfind("m:sheetData/m:row/m:c", NS):
        kind = c.get("t", "n")
        f, v = c.find("m:f", NS), c.find("m:v", NS)
        value = None if v is None else (v.text or "")
        text = None
        if kind == "s" and value:
            text = strings[int(value)]
        elif kind == "inlineStr":
            text = "".join(t.text or "" for t in c.iter(f"{{{MAIN}}}t"))
        elif kind == "str":
            text = value or ""
        ref = c.get("r", "")
        cells[ref] = Cell(ref, kind, int(c.get("s", "0")),
                          None if f is None else (f.text or ""), None if f is None else f.get("t"),
                          value, text, dict(c.attrib))
    return cells


def _validations(root: ET.Element) -> list[Validation]:
    found = []
    for dv in root.iterfind("m:dataValidations/m:dataValidation", NS):
        f1, f2 = dv.find("m:formula1", NS), dv.find("m:formula2", NS)
        found.append(Validation(dv.get("sqref", ""), dict(dv.attrib),
                                None if f1 is None else f1.text, None if f2 is None else f2.text))
    return found


def read_book(path: Path) -> Book:
    package = Package(path)
    strings = _shared_strings(package)
    workbook = package.xml("xl/workbook.xml")
    targets = {rid: target for rid, target in (
        (rel.get("Id"), rel.get("Target", ""))
        for rel in package.xml("xl/_rels/workbook.xml.rels").iterfind("p:Relationship", NS))}
    sheets = []
    for element in workbook.iterfind("m:sheets/m:sheet", NS):
        target = targets[element.get(f"{{{REL}}}id")]
        part = target[1:] if target.startswith("/") else posixpath.join("xl", target)
        root = package.xml(part)
        sheets.append(Sheet(element.get("name", ""), part, root, _cells(root, strings),
                            _validations(root)))
    names = [DefinedName(d.get("name", ""),
                         int(d.get("localSheetId")) if d.get("localSheetId") is not None else None,
                         d.text or "")
             for d in workbook.iterfind("m:definedNames/m:definedName", NS)]
    return Book(package, sheets, names, _xfs(package))


# --------------------------------------------------------------------------- fixtures


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


@pytest.fixture(scope="module")
def default_book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("default"), Config())


@pytest.fixture(scope="module")
def filled_book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("filled"), FILLED_CONFIG, FILLED_SEED)


@pytest.fixture(scope="module")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("hostile"), HOSTILE_CONFIG)


@pytest.fixture(scope="module", params=["default", "filled"])
def book(request: pytest.FixtureRequest) -> Generated:
    return request.getfixturevalue(f"{request.param}_book")


def assert_none(problems: Iterable[str], what: str, limit: int = 25) -> None:
    """Fail with every problem (up to ``limit``) listed, one per line."""
    found = list(problems)
    shown = "\n  ".join(found[:limit])
    more = f"\n  … and {len(found) - limit} more" if len(found) > limit else ""
    assert not found, f"{len(found)} {what}:\n  {shown}{more}"


def test_filled_workbook_exercises_blanks_numbers_and_calculators(filled_book: Generated) -> None:
    """Guard the fixture: the filled workbook must have blank and numeric results."""
    values = list(filled_book.expected.values())
    assert any(v is None for v in values) and any(v is not None for v in values)
    assert any(v is not None for v in filled_book.context.data.inputs["mrr"])
    assert filled_book.context.data.calculators != {
        calc.id: {item.id: item.example for item in calc.inputs}
        for calc in filled_book.context.calculators
    }, "the filled workbook should not keep the calculator examples"


# --------------------------------------------------------------------------- 1. functions


def iter_formulas(book: Book) -> Iterator[tuple[str, str]]:
    """(where, formula) for every formula text in the file: cells, defined names,
    conditional formats, data validations and chart series."""
    for sheet in book.sheets:
        for cell in sheet.cells.values():
            if cell.formula is not None:
                yield f"{sheet.name}!{cell.ref} (cell)", cell.formula
        for cf in sheet.root.iterfind("m:conditionalFormatting", NS):
            for formula in cf.iterfind("m:cfRule/m:formula", NS):
                yield f"{sheet.name}!{cf.get('sqref')} (conditional format)", formula.text or ""
        for dv in sheet.validations:
            for formula in (dv.formula1, dv.formula2):
                if formula is not None:
                    yield f"{sheet.name}!{dv.sqref} (data validation)", formula
    for name in book.names:
        yield f"defined name {name.name}", name.text
    for part in sorted(p for p in book.package.parts if p.startswith("xl/charts/chart")):
        for f in book.package.xml(part).iter(f"{{{CHART}}}f"):
            yield f"{part} (chart reference)", f.text or ""


@pytest.mark.parametrize(("formula", "functions"), [
    ('=IF(A1="",0,SUM(A1:A3))', ["IF", "SUM"]),
    ('=IF(A1="NOW() OFFSET(",1,2)', ["IF"]),
    ('=\'SUM(x) ""\'!A1+\'It\'\'s INDIRECT(\'!B2', []),
    ('=_xlfn.IFS(A1>0,1)+STDEV.S(B1:B2)', ["_XLFN.IFS", "STDEV.S"]),
    ("=Tracker!$C$7:$N$7", []),
    ('=100*(C7-C9)/(C7+C8+C9)&"say ""IF("" here"', []),
])
def test_tokenizer_skips_literals_and_quoted_sheet_names(formula: str, functions: list[str]) -> None:
    assert function_names(formula) == functions


def test_formulas_use_only_functions_every_engine_shares(book: Generated) -> None:
    assert_none((f"{where}: {name} is not in SHARED_FUNCTIONS in {formula}"
                 for where, formula in iter_formulas(book.xlsx)
                 for name in function_names(formula) if bare(name) not in SHARED_FUNCTIONS),
                "formulas call functions outside the shared list")


def test_future_functions_are_prefixed_and_unused(book: Generated) -> None:
    problems = []
    for where, formula in iter_formulas(book.xlsx):
        for name in function_names(formula):
            if bare(name) in FUTURE_FUNCTIONS:
                hint = "" if name != bare(name) else " and lacks the _xlfn. prefix"
                problems.append(f"{where}: post-2007 function {name}{hint} in {formula}")
    assert_none(problems, "uses of functions newer than Excel 2007")


def test_no_volatile_dynamic_or_structured_features(book: Generated) -> None:
    problems = []
    for where, formula in iter_formulas(book.xlsx):
        problems += [f"{where}: banned function {name} in {formula}"
                     for name in function_names(formula) if bare(name) in BANNED_FUNCTIONS]
        stripped = strip_literals(formula)
        problems += [f"{where}: {meaning} ({char!r}) in {formula}"
                     for char, meaning in BANNED_SYNTAX.items() if char in stripped]
    for sheet in book.xlsx.sheets:
        for cell in sheet.cells.values():
            if cell.formula_kind not in (None, "normal") or "cm" in cell.attributes:
                problems.append(f"{sheet.name}!{cell.ref}: array or dynamic formula "
                                f"(t={cell.formula_kind!r}, cm={cell.attributes.get('cm')!r})")
    assert_none(problems, "volatile, dynamic-array or structured-reference features")


def test_no_macros_or_external_links(book: Generated) -> None:
    package = book.xlsx.package
    problems = [f"part {part} is a macro or external link part" for part in package.parts
                if "vbaProject" in part or part.startswith("xl/externalLinks/")]
    for part in package.parts:
        if part.endswith(".rels"):
            continue
        problems += [f"{part}: external {rel_type} relationship to {target}"
                     for rel_type, target, mode in package.relations(part) if mode == "External"]
    assert_none(problems, "macros or external links")


# --------------------------------------------------------------------------- 2. defined names


def contract_names(context: Context) -> set[str]:
    """Every defined name workbook.md promises for this configuration (the books
    here include every metric)."""
    return contract.defined_names(INPUTS, KPIS, calculators(context.config.scales), volume=True)


def name_area(book: Generated, name: str) -> Area:
    defined = book.xlsx.workbook_names()
    assert name in defined, f"defined name {name} is missing"
    return parse_ref(defined[name].text)


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
        if area.sheet not in {s.name for s in book.xlsx.sheets}:
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
    area = name_area(book, "period_start")
    assert (area.sheet, area.shape) == (book.sheet_names["tracker"], (1, 12)), \
        f"period_start -> {area}: expected one row of 12 cells on Tracker"
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
    assert_none(problems, "period_start cells wrong")


def check_row_name(book: Generated, name: str, label: str, width: int) -> list[str]:
    """A name that must be one row of ``width`` cells on Tracker, in the row labelled
    ``label``, starting in the first period column."""
    area = name_area(book, name)
    period = name_area(book, "period_start")
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
                 for p in check_row_name(book, f"inp_{item.id}", text(f"inp_{item.id}"), 12)),
                "inp_* names wrong")


def test_kpi_names_are_rows_of_their_kpis(book: Generated) -> None:
    text = book.context.text
    assert_none((p for kpi in KPIS
                 for p in check_row_name(book, f"kpi_{kpi.id}", text(f"kpi_{kpi.id}"), 12)),
                "kpi_* names wrong")


def test_quarter_year_and_target_names(book: Generated) -> None:
    text, config = book.context.text, book.context.config
    tracker = book.sheet("tracker")
    header_row = name_area(book, "period_start").min_row
    headers = {
        "qtr": [text("quarter_label", n=n) for n in range(1, 5)],
        "year": [text("year_label", fiscal=config.start_month != 1)],
        "target": [text("header_target")],
    }
    problems = []
    for kpi in KPIS:
        kpi_row = name_area(book, f"kpi_{kpi.id}").min_row
        for prefix, header in headers.items():
            name = f"{prefix}_{kpi.id}"
            problems += check_row_name(book, name, text(f"kpi_{kpi.id}"), len(header))
            area = name_area(book, name)
            if area.min_row != kpi_row:
                problems.append(f"{name} is on row {area.min_row}, kpi_{kpi.id} on {kpi_row}")
            shown = [tracker.text_at(f"{get_column_letter(c)}{header_row}") for c in area.cols]
            if shown != header:
                problems.append(f"{name} -> columns headed {shown}, expected {header}")
    assert_none(problems, "qtr_/year_/target_ names wrong")


@pytest.mark.parametrize("prefix", ["vol", "chan"])
def test_volume_and_channel_names(book: Generated, prefix: str) -> None:
    context = book.context
    configured = context.config.categories if prefix == "vol" else context.config.channels
    header_name = "vol_categories" if prefix == "vol" else "chan_names"
    header, counts, total = (name_area(book, n) for n in
                             (header_name, f"{prefix}_counts", f"{prefix}_total"))
    volume = book.sheet("volume")
    problems = [f"{area} is not on {volume.name}" for area in (header, counts, total)
                if area.sheet != volume.name]
    if header.shape != (1, len(configured)):
        problems.append(f"{header_name} shape {header.shape}, expected (1, {len(configured)})")
    shown = [volume.text_at(ref) for ref in header.cells()]
    if shown != list(configured):
        problems.append(f"{header_name} cells read {shown}, configured {list(configured)}")
    if counts.shape != (12, len(configured)) or counts.cols != header.cols:
        problems.append(f"{prefix}_counts {counts} is not 12 periods under {header_name}")
    if counts.min_row != header.max_row + 1:
        problems.append(f"{prefix}_counts starts on row {counts.min_row}, "
                        f"the header is row {header.max_row}")
    months = [volume.text_at(f"A{row}") for row in counts.rows]
    if months != context.month_labels:
        problems.append(f"{prefix}_counts rows are labelled {months}")
    if total.shape != (12, 1) or total.rows != counts.rows:
        problems.append(f"{prefix}_total {total} is not one column beside {prefix}_counts")
    total_header = volume.text_at(f"{get_column_letter(total.min_col)}{header.min_row}")
    if total_header != context.text("volume_total"):
        problems.append(f"{prefix}_total is headed {total_header!r}")
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
    area = name_area(book, "assumption_gross_margin")
    tracker = book.sheet("tracker")
    assert (area.sheet, area.shape) == (tracker.name, (1, 1)), f"assumption_gross_margin -> {area}"
    ref = area.cells()[0]
    label = tracker.text_at(f"A{area.min_row}")
    assert label == book.context.text("assumption_gross_margin"), f"{tracker.name}!A{area.min_row}"
    cell = tracker.cell(ref)
    assert cell is not None and cell.formula is None and cell.value is not None, \
        f"{tracker.name}!{ref} should hold the entered gross margin"
    assert float(cell.value) == book.context.data.gross_margin, f"{tracker.name}!{ref}"


# --------------------------------------------------------------------------- 3. text as text


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


# --------------------------------------------------------------------------- 4. protection


def input_cells(context: Context) -> dict[tuple[str, str], Unit | None]:
    """Every cell make_workbook writes for the user to type into, with its unit
    (None for targets, whose unit is the KPI's but which may be negative)."""
    cells: dict[tuple[str, str], Unit | None] = {}
    tracker, volume, formulas = context.tracker, context.volume, context.formulas
    for item in ENTERED_INPUTS:
        for column in tracker.periods.months:
            cells[(tracker.sheet, address(tracker.input_row[item.id], tracker.col(column)))] = \
                INPUT_BY_ID[item.id].unit
    for kpi in KPIS:
        cells[(tracker.sheet, address(tracker.kpi_row[kpi.id], tracker.target_col))] = None
    cells[(tracker.sheet, address(tracker.assumption_row["gross_margin"],
                                  tracker.FIRST_PERIOD_COL))] = Unit.PERCENT
    for month in range(volume.months):
        row = volume.month_row(month)
        for index in range(len(volume.categories)):
            cells[(volume.sheet, address(row, volume.category_col(index)))] = Unit.COUNT
        for index in range(len(volume.channels)):
            cells[(volume.sheet, address(row, volume.channel_col(index)))] = Unit.COUNT
    for block in formulas.blocks:
        for item in block.calculator.inputs:
            cells[(formulas.sheet, address(block.input_rows[item.id], FormulasLayout.VALUE_COL))] = \
                item.unit
    return cells


def validations_at(sheet: Sheet, ref: str) -> list[Validation]:
    return [dv for dv in sheet.validations if ref in cells_of_sqref(dv.sqref)]


def test_every_sheet_is_protected_without_password(book: Generated) -> None:
    problems = []
    for sheet in book.xlsx.sheets:
        protection = sheet.root.find("m:sheetProtection", NS)
        if protection is None or protection.get("sheet") not in ("1", "true"):
            problems.append(f"{sheet.name}: not protected")
            continue
        problems += [f"{sheet.name}: sheetProtection carries {key}={value!r}"
                     for key, value in protection.attrib.items()
                     if key in ("password", "hashValue", "saltValue", "algorithmName",
                                "spinCount")]
    workbook_protection = book.xlsx.package.xml("xl/workbook.xml").find("m:workbookProtection", NS)
    if workbook_protection is not None:
        problems.append(f"workbook protection {workbook_protection.attrib}")
    assert_none(problems, "protection problems")


def test_input_cells_are_unlocked_and_validated(book: Generated) -> None:
    problems = []
    for (sheet_name, ref), _ in sorted(input_cells(book.context).items()):
        sheet, where = book.xlsx.sheet(sheet_name), f"{sheet_name}!{ref}"
        cell = sheet.cell(ref)
        if cell is None:
            problems.append(f"{where}: input cell not written")
            continue
        if cell.formula is not None:
            problems.append(f"{where}: input cell holds formula {cell.formula}")
        if book.xlsx.xf(cell).locked:
            problems.append(f"{where}: input cell is locked")
        rules = validations_at(sheet, ref)
        if len(rules) != 1:
            problems.append(f"{where}: {len(rules)} data validations cover it, expected 1")
            continue
        attrs = rules[0].attributes
        if attrs.get("showInputMessage") != "1" or not attrs.get("prompt"):
            problems.append(f"{where}: validation {rules[0].sqref} has no input message")
        if attrs.get("showErrorMessage") != "1" or not attrs.get("error"):
            problems.append(f"{where}: validation {rules[0].sqref} has no error message")
        if attrs.get("errorStyle", "stop") != "stop":
            problems.append(f"{where}: validation {rules[0].sqref} only warns "
                            f"({attrs.get('errorStyle')})")
    assert_none(problems, "input cells without protection or validation")


def expected_rule(unit: Unit) -> tuple[str, str, str, str | None]:
    """(type, operator, formula1, formula2) the contract asks for a unit."""
    if unit is Unit.COUNT:
        return ("whole", "greaterThanOrEqual", "0", None)
    if unit is Unit.PERCENT:
        return ("decimal", "between", "0", "1")
    return ("decimal", "greaterThanOrEqual", "0", None)


def test_input_validation_matches_unit(book: Generated) -> None:
    problems = []
    for (sheet_name, ref), unit in sorted(input_cells(book.context).items()):
        rules = validations_at(book.xlsx.sheet(sheet_name), ref)
        if unit is None or len(rules) != 1:
            continue  # targets are free numbers; coverage is checked above
        rule = rules[0]
        actual = (rule.attributes.get("type"), rule.attributes.get("operator", "between"),
                  rule.formula1, rule.formula2)
        if actual != expected_rule(unit):
            problems.append(f"{sheet_name}!{ref} ({unit.value}): validation {actual}, "
                            f"expected {expected_rule(unit)}")
    assert_none(problems, "validations that do not match the unit")


def test_only_input_cells_are_unlocked(book: Generated) -> None:
    inputs = input_cells(book.context)
    assert_none((f"{sheet.name}!{cell.ref}: unlocked but not an input cell"
                 for sheet in book.xlsx.sheets for cell in sheet.cells.values()
                 if not book.xlsx.xf(cell).locked and (sheet.name, cell.ref) not in inputs),
                "unexpected unlocked cells")


def test_formula_cells_are_locked(book: Generated) -> None:
    assert_none((f"{sheet.name}!{cell.ref}: formula cell is unlocked"
                 for sheet in book.xlsx.sheets for cell in sheet.cells.values()
                 if cell.formula is not None and not book.xlsx.xf(cell).locked),
                "unlocked formula cells")


# --------------------------------------------------------------------------- 5. cached values


def cached_cell(book: Generated, sheet: str, ref: str) -> Cell:
    cell = book.xlsx.sheet(sheet).cell(ref)
    assert cell is not None and cell.formula is not None, f"{sheet}!{ref}: no formula cell"
    return cell


def test_cached_numbers_match_reference(book: Generated) -> None:
    problems = []
    for (sheet, ref), want in sorted(book.expected.items()):
        if want is None:
            continue
        cell = cached_cell(book, sheet, ref)
        try:
            got = float(cell.value or "")
        except ValueError:
            problems.append(f"{sheet}!{ref}: cached {cell.value!r} (t={cell.type}), "
                            f"reference {want!r}")
            continue
        if cell.type != "n" or abs(got - want) > 1e-9 * max(1.0, abs(want)):
            problems.append(f"{sheet}!{ref}: cached {got!r} (t={cell.type}), reference {want!r}")
    assert_none(problems, "wrong cached numbers")


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


# --------------------------------------------------------------------------- 6. sheet set-up


def test_sheet_order(book: Generated) -> None:
    names = [sheet.name for sheet in book.xlsx.sheets]
    keys = ("start", "tracker", "volume", "formulas")
    assert names == [book.sheet_names[key] for key in keys]
    assert names == ["Start here", "Tracker", "Ticket Volume", "Formulas & Definitions"]


def pane(sheet: Sheet) -> dict[str, str]:
    element = sheet.root.find("m:sheetViews/m:sheetView/m:pane", NS)
    return {} if element is None else dict(element.attrib)


def test_freeze_panes(book: Generated) -> None:
    context = book.context
    expected_splits = {
        "tracker": (context.tracker.HEADER_ROW + 1, context.tracker.FIRST_PERIOD_COL),
        "volume": (context.volume.HEADER_ROW + 1, 1),
        "formulas": None,  # frozen below its title; no column to freeze
    }
    problems = []
    for key, splits in expected_splits.items():
        sheet = book.sheet(key)
        attrs = pane(sheet)
        if attrs.get("state") != "frozen" or not attrs.get("ySplit"):
            problems.append(f"{sheet.name}: no frozen rows ({attrs})")
            continue
        actual = (int(float(attrs.get("ySplit", "0"))), int(float(attrs.get("xSplit", "0"))))
        if splits is not None and actual != splits:
            problems.append(f"{sheet.name}: frozen rows/columns {actual}, expected {splits}")
    assert_none(problems, "freeze-pane problems")


def test_page_set_up(book: Generated) -> None:
    problems = []
    for sheet in book.xlsx.sheets:
        setup = sheet.root.find("m:pageSetup", NS)
        fit = sheet.root.find("m:sheetPr/m:pageSetUpPr", NS)
        attrs = {} if setup is None else setup.attrib
        if attrs.get("orientation") != "landscape":
            problems.append(f"{sheet.name}: orientation {attrs.get('orientation')!r}")
        if fit is None or fit.get("fitToPage") not in ("1", "true"):
            problems.append(f"{sheet.name}: fit to page is off")
        if attrs.get("fitToWidth", "1") != "1" or attrs.get("fitToHeight") != "0":
            problems.append(f"{sheet.name}: fitToWidth={attrs.get('fitToWidth', '1')!r} "
                            f"fitToHeight={attrs.get('fitToHeight', '1')!r}, expected 1 and 0")
    assert_none(problems, "page set-up problems")


def test_print_titles(book: Generated) -> None:
    titles = {n.local_sheet: n.text for n in book.xlsx.names if n.name == "_xlnm.Print_Titles"}
    headers = {"tracker": book.context.tracker.HEADER_ROW, "volume": book.context.volume.HEADER_ROW}
    problems = []
    for index, sheet in enumerate(book.xlsx.sheets):
        text = titles.get(index)
        if text is None:
            problems.append(f"{sheet.name}: no print titles")
            continue
        rows = re.search(r"!\$(\d+):\$(\d+)$", text)
        key = next((k for k, v in book.sheet_names.items() if v == sheet.name), "")
        if rows is None:
            problems.append(f"{sheet.name}: print titles {text} repeat no rows")
        elif key in headers and int(rows[2]) != headers[key] + 1:
            problems.append(f"{sheet.name}: print titles {text} stop before the header row "
                            f"{headers[key] + 1}")
    assert_none(problems, "print-title problems")


def hyperlink_sheets(sheet: Sheet) -> list[str]:
    """Target sheets of a sheet's internal hyperlinks."""
    targets = []
    for link in sheet.root.iterfind("m:hyperlinks/m:hyperlink", NS):
        location = link.get("location")
        assert location, f"{sheet.name}!{link.get('ref')}: hyperlink without an internal location"
        targets.append(parse_ref(location).sheet)
    return targets


def test_every_sheet_links_back_to_start(book: Generated) -> None:
    start = book.sheet_names["start"]
    assert_none((f"{sheet.name}: no hyperlink to {start!r} (links to {hyperlink_sheets(sheet)})"
                 for sheet in book.xlsx.sheets[1:]
                 if start not in hyperlink_sheets(sheet)),
                "sheets without a link back to the start sheet")


def test_start_sheet_links_to_every_sheet(book: Generated) -> None:
    start = book.sheet("start")
    linked = set(hyperlink_sheets(start))
    others = {sheet.name for sheet in book.xlsx.sheets} - {start.name}
    assert others <= linked, f"{start.name} has no link to {sorted(others - linked)}"


def test_hyperlinks_point_at_existing_sheets(book: Generated) -> None:
    sheets = {sheet.name for sheet in book.xlsx.sheets}
    assert_none((f"{sheet.name}: hyperlink to missing sheet {target!r}"
                 for sheet in book.xlsx.sheets for target in hyperlink_sheets(sheet)
                 if target not in sheets), "broken hyperlinks")


@dataclass(frozen=True)
class Chart:
    part: str
    root: ET.Element

    @property
    def kinds(self) -> list[str]:
        plot = self.root.find("c:chart/c:plotArea", NS)
        assert plot is not None, f"{self.part}: no plot area"
        return [child.tag.split("}")[1] for child in plot if child.tag.endswith("Chart")]

    def series(self) -> list[ET.Element]:
        return list(self.root.iter(f"{{{CHART}}}ser"))


def volume_charts(book: Generated) -> list[Chart]:
    package = book.xlsx.package
    volume = book.sheet("volume")
    return [Chart(part, package.xml(part))
            for drawing in package.relation_targets(volume.part, "drawing")
            for part in package.relation_targets(drawing, "chart")]


def series_ref(series: ET.Element, path: str) -> Area | None:
    f = series.find(path, NS)
    return None if f is None else parse_ref(f.text or "")


def test_volume_sheet_has_a_category_and_a_channel_chart(book: Generated) -> None:
    charts = volume_charts(book)
    assert [chart.kinds for chart in charts] == [["lineChart"], ["barChart"]], \
        f"charts on the volume sheet: {[(c.part, c.kinds) for c in charts]}"


def test_chart_series_refer_to_cell_ranges(book: Generated) -> None:
    volume = book.sheet_names["volume"]
    charts = volume_charts(book)
    problems = []
    for chart, prefix in zip(charts, ("vol", "chan"), strict=True):
        counts = name_area(book, f"{prefix}_counts")
        header = name_area(book, "vol_categories" if prefix == "vol" else "chan_names")
        value_cols = []
        for index, series in enumerate(chart.series()):
            where = f"{chart.part} series {index}"
            literals = [e.tag.split("}")[1] for e in series.iter()
                        if e.tag in (f"{{{CHART}}}numLit", f"{{{CHART}}}strLit")]
            if literals:
                problems.append(f"{where}: literal data {literals}")
            values = series_ref(series, "c:val/c:numRef/c:f")
            categories = (series_ref(series, "c:cat/c:strRef/c:f")
                          or series_ref(series, "c:cat/c:numRef/c:f"))
            name = series_ref(series, "c:tx/c:strRef/c:f")
            if values is None or categories is None or name is None:
                problems.append(f"{where}: values {values}, categories {categories}, "
                                f"name {name}: all must be cell references")
                continue
            problems += [f"{where}: refers to {area.sheet!r}, not {volume!r}"
                         for area in (values, categories, name) if area.sheet != volume]
            if values.rows != counts.rows or values.shape[1] != 1:
                problems.append(f"{where}: values {values} are not one column of {prefix}_counts")
            if categories.rows != counts.rows or categories.shape[1] != 1:
                problems.append(f"{where}: categories {categories} are not the month rows")
            if name.shape != (1, 1) or name.min_row != header.min_row \
                    or name.min_col != values.min_col:
                problems.append(f"{where}: name {name} is not the header above its values")
            value_cols.append(values.min_col)
        if value_cols != list(counts.cols):
            problems.append(f"{chart.part}: series columns {value_cols}, "
                            f"{prefix}_counts columns {list(counts.cols)}")
    assert_none(problems, "chart series problems")


def test_charts_show_blanks_as_gaps(book: Generated) -> None:
    problems = []
    for chart in volume_charts(book):
        element = chart.root.find("c:chart/c:dispBlanksAs", NS)
        if element is None or element.get("val") != "gap":
            problems.append(f"{chart.part}: dispBlanksAs is "
                            f"{'absent' if element is None else element.get('val')!r}")
    assert_none(problems, "charts that do not declare gaps for blanks")


def numeric_or_blank(sheet: Sheet, ref: str) -> float | None:
    cell = sheet.cell(ref)
    if cell is None or cell.value in (None, "") or cell.type != "n":
        return None
    return float(cell.value)


def test_chart_caches_leave_blank_months_empty(book: Generated) -> None:
    problems = []
    for chart in volume_charts(book):
        for series in chart.series():
            values = series_ref(series, "c:val/c:numRef/c:f")
            assert values is not None, f"{chart.part}: series without a value range"
            sheet = book.xlsx.sheet(values.sheet)
            points = {int(pt.get("idx", "-1")): float(pt.findtext("c:v", "nan", NS))
                      for pt in series.iterfind("c:val/c:numRef/c:numCache/c:pt", NS)}
            for index, ref in enumerate(values.cells()):
                want, got = numeric_or_blank(sheet, ref), points.get(index)
                if want != got:
                    problems.append(f"{chart.part}: {values.sheet}!{ref} holds {want}, "
                                    f"the chart cache {got}")
    assert_none(problems, "chart caches that differ from the cells")

