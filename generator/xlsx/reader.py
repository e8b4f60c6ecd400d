"""The reader: what a team entered into a csmetrics workbook, read back.

Reading goes through the workbook's defined names (``inp_*``, ``vol_*``,
``chan_*``, ``target_*``, ``calc_*``, ``assumption_gross_margin``,
``period_start``), so it works whatever the sheet names, language or layout
details, and on files re-saved by Excel, LibreOffice or Gnumeric. What becomes
of each value in a newly configured workbook is ``carry``'s business.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..config.choices import LANGUAGES
from ..errors import UsageError
from ..model.catalog import ENTERED_INPUTS, KPI_BY_ID
from ..model.data import Value
from ..model.scales import Scales
from . import contract

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass
class FilledWorkbook:
    """What a team entered, keyed as in the old workbook."""

    path: Path
    starts: list[dt.date]
    inputs: dict[str, list[Value]] = field(default_factory=dict)
    volume: dict[str, list[Value]] = field(default_factory=dict)
    channels: dict[str, list[Value]] = field(default_factory=dict)
    targets: dict[str, Value] = field(default_factory=dict)
    calculators: dict[str, dict[str, Value]] = field(default_factory=dict)
    gross_margin: Value = None
    had_gross_margin: bool = False
    kpis: tuple[str, ...] = ()  # the metrics the workbook has
    properties: dict[str, str] = field(default_factory=dict)  # csmetrics_* document properties
    problems: list[str] = field(default_factory=list)  # text that is not a number

    @cached_property  # the properties are set once, right after reading the cells
    def made_with(self) -> contract.Properties:
        """What the workbook remembers of how it was made (its document properties)."""
        return contract.Properties.decode(self.properties)

    @property
    def scales(self) -> Scales | None:
        """The survey scales the workbook was made with, where it says."""
        return self.made_with.scales

    @property
    def language(self) -> str:
        language = self.made_with.language
        return language if language in LANGUAGES else "en"


# --------------------------------------------------------------------------- reading


class _Cells:
    """All cell values of a workbook, read once (read-only mode is fast and skips
    comments, which Gnumeric writes in a form openpyxl's full reader rejects)."""

    def __init__(self, workbook: Any):
        self.sheets: dict[str, dict[tuple[int, int], Any]] = {}
        for ws in workbook.worksheets:
            cells = self.sheets.setdefault(ws.title, {})
            ws.reset_dimensions()  # never trust a saved <dimension>: it may be too small
            for row in ws.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is not None:
                        cells[(cell.row, cell.column)] = value


def _coordinates(area: str) -> list[list[tuple[int, int]]]:
    """Rows of (row, column) pairs of an A1 area such as ``$C$11:$N$11``."""
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
    return [[(row, col) for col in range(min_col, max_col + 1)]
            for row in range(min_row, max_row + 1)]


def read_filled(path: Path) -> FilledWorkbook:
    """Everything entered in a workbook csmetrics generated (any language or layout)."""
    workbook = _open(path)
    try:
        names = {name: list(defined.destinations) for name, defined in
                 workbook.defined_names.items()}
        properties = {prop.name: str(prop.value) for prop in
                      getattr(workbook, "custom_doc_props", None) or []}
        _check_origin(path, properties, names)
        cells = _Cells(workbook)
    finally:
        workbook.close()
    filled = _Reader(path, names, cells).read()
    filled.properties = properties
    return filled


def _open(path: Path) -> Any:
    from openpyxl import load_workbook

    if not path.is_file():
        raise UsageError(f"{path}: no such workbook")
    if not zipfile.is_zipfile(path):
        raise UsageError(f"{path}: not an .xlsx workbook (or the file is damaged)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UsageError(f"{path}: cannot read the workbook, it looks damaged ({error})") from None


def _check_origin(path: Path, properties: dict[str, str], names: dict[str, Any]) -> None:
    raw = properties.get(contract.LAYOUT_PROPERTY)
    if raw is None and not contract.has_csmetrics_names(names):
        raise UsageError(f"{path}: not a workbook made by csmetrics (no csmetrics layout "
                         "version and none of its defined names)")
    try:
        version = contract.layout_version(properties)
    except ValueError:
        raise UsageError(f"{path}: unreadable csmetrics layout version {raw!r}") from None
    # Without the property (an application that drops it), the names identify layout 1.
    if version is not None and version > contract.LAYOUT_VERSION:
        raise UsageError(f"{path}: made by a newer csmetrics (layout {version}; this version "
                         f"reads layout {contract.LAYOUT_VERSION}): upgrade csmetrics")


class _Reader:
    def __init__(self, path: Path, names: dict[str, Any], cells: _Cells):
        self.path, self.names, self.cells = path, names, cells
        self.problems: list[str] = []

    def place(self, name: str) -> tuple[str, list[list[tuple[int, int]]]] | None:
        """The sheet and cells a defined name refers to; a name whose cells were
        deleted (``#REF!``) is an error worth stopping for, not an empty range."""
        destinations = self.names.get(name) or []
        if not destinations:
            return None
        sheet, area = destinations[0]
        sheet = sheet.replace("''", "'")  # openpyxl keeps a quoted name's doubled apostrophe
        try:
            cells = _coordinates(area)
        except (TypeError, ValueError):
            raise UsageError(f"{self.path}: the name {name} no longer refers to cells "
                             f"({area}); was a row or column deleted?") from None
        if sheet not in self.cells.sheets:
            raise UsageError(f"{self.path}: the name {name} refers to a missing sheet {sheet!r}")
        return sheet, cells

    def grid(self, name: str) -> list[list[Any]]:
        """Raw values of a defined name's area, row by row."""
        found = self.place(name)
        if found is None:
            return []
        sheet, cells = found
        values = self.cells.sheets[sheet]
        return [[values.get(rc) for rc in row] for row in cells]

    def area_cells(self, name: str) -> list[str]:
        from openpyxl.utils.cell import get_column_letter

        found = self.place(name)
        if found is None:
            return []
        sheet, cells = found
        return [f"{sheet}!{get_column_letter(c)}{r}" for row in cells for r, c in row]

    def numbers(self, name: str, what: str) -> list[Value]:
        flat = [v for row in self.grid(name) for v in row]
        places = self.area_cells(name)
        return [self.number(v, f"{place} ({what})") for v, place in zip(flat, places, strict=True)]

    def number(self, value: Any, where: str) -> Value:
        parsed, problem = parse_number(value)
        if problem:
            self.problems.append(f"{where}: {problem}")
        return parsed

    def read(self) -> FilledWorkbook:
        starts = [_as_date(v) for v in (self.grid(contract.PERIOD_START) or [[]])[0]]
        if not starts or any(s is None for s in starts):
            raise UsageError(f"{self.path}: the period_start dates are missing or not dates")
        filled = FilledWorkbook(self.path, starts)  # type: ignore[arg-type]
        for item in ENTERED_INPUTS:
            name = contract.input_name(item.id)
            if name in self.names:
                filled.inputs[item.id] = self.numbers(name, name)
        filled.volume = self.by_header(contract.VOLUME)
        filled.channels = self.by_header(contract.CHANNELS)
        for kpi_id in KPI_BY_ID:
            name = contract.target_name(kpi_id)
            if name in self.names:
                filled.targets[kpi_id] = self.numbers(name, name)[0]
        filled.calculators = self.calculator_inputs()
        filled.kpis = tuple(k for k in KPI_BY_ID if contract.kpi_name(k) in self.names)
        if contract.GROSS_MARGIN in self.names:
            filled.gross_margin = self.numbers(contract.GROSS_MARGIN, "gross margin")[0]
            filled.had_gross_margin = True
        filled.problems = self.problems
        return filled

    def by_header(self, grid: contract.Grid) -> dict[str, list[Value]]:
        headers = (self.grid(grid.labels) or [[]])[0]
        rows = self.grid(grid.counts)
        places = self.area_cells(grid.counts)
        width = len(headers)
        series: dict[str, list[Value]] = {}
        for index, header in enumerate(headers):
            name = str(header).strip() if header is not None else f"(column {index + 1})"
            series[name] = [self.number(row[index], f"{places[r * width + index]} ({name})")
                            for r, row in enumerate(rows)]
        return series

    def calculator_inputs(self) -> dict[str, dict[str, Value]]:
        found: dict[str, dict[str, Value]] = {}
        for name in self.names:
            if parsed := contract.parse_calculator_input(name):
                calc_id, input_id = parsed
                found.setdefault(calc_id, {})[input_id] = self.numbers(name, name)[0]
        return found


def parse_number(value: Any) -> tuple[Value, str | None]:
    """A cell value as a number: numbers as they are, text only where unambiguous
    ("12", "12 ", "1,234", "1 234"); anything else is reported, never guessed."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    if isinstance(value, int | float):
        return float(value), None
    if isinstance(value, dt.datetime | dt.date):
        return None, f"a date ({value}) where a number belongs"
    text = _SPACES.sub(" ", str(value)).strip()
    if not text:
        return None, None
    compact = text.replace(" ", "")
    if _PLAIN_NUMBER.fullmatch(compact) and (" " not in text or re.fullmatch(r"\d{1,3}( \d{3})+", text)):
        return float(compact), None
    if _THOUSANDS.fullmatch(compact) and " " not in text:
        return float(compact.replace(",", "")), None
    return None, f"the text {str(value)!r} is not an unambiguous number"


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    return None
