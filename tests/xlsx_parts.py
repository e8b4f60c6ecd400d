"""A reader of the XML parts of a generated .xlsx file, for the static checks.

No spreadsheet engine is involved: the package is opened with zipfile and its parts
parsed with ElementTree into cells (formula, cached value, style), number formats and
locking, data validations, defined names and sheet relationships. The reference
helpers parse the A1 texts those parts hold (``'Sheet'!$A$1:$B$2``) into areas.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils.cell import get_column_letter, range_boundaries

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
    hidden: bool = False

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
    all_sheets: list[Sheet]  # in workbook order, hidden ones included
    names: list[DefinedName]
    xfs: list[Xf]

    @property
    def sheets(self) -> list[Sheet]:
        """The sheets a user sees (not the hidden settings sheet)."""
        return [sheet for sheet in self.all_sheets if not sheet.hidden]

    def sheet(self, name: str) -> Sheet:
        for sheet in self.all_sheets:
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
                            _validations(root), element.get("state", "visible") != "visible"))
    names = [DefinedName(d.get("name", ""),
                         int(d.get("localSheetId")) if d.get("localSheetId") is not None else None,
                         d.text or "")
             for d in workbook.iterfind("m:definedNames/m:definedName", NS)]
    return Book(package, sheets, names, _xfs(package))
