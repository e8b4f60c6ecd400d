"""The reader: what a team entered into a csmetrics workbook, read back.

Reading goes through the workbook's defined names (``inp_*``, ``vol_*``,
``chan_*``, ``target_*``, ``calc_*``, ``assumption_gross_margin``,
``period_start``), so it works whatever the sheet names, language or layout
details, and on files re-saved by Excel, LibreOffice or Gnumeric. What becomes
of each value in a newly configured workbook is ``carry``'s business.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .. import __version__
from ..config.choices import LANGUAGES
from ..errors import UsageError, shown
from ..model.agents import AGENT_INPUTS, AGENT_KPIS, AGENT_MEASURES, AGENTS
from ..model.catalog import ENTERED_INPUTS, KPI_BY_ID, OBSERVED_INPUTS
from ..model.data import CellKey, Value
from ..model.periods import Periods
from ..model.scales import Scales
from ..model.selection import Selection
from ..text import Text
from . import contract
from .layout import VolumeLayout
from .sheets.own import OwnSheet, own_sheet_names, read_details
from .styles import INPUT_FILL

_PLAIN_NUMBER = re.compile(r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Google Sheets appends its author to every note it exports ("text\n\t-Name"):
# without it, a note comes back as the team wrote it, not one line longer each trip.
_SHEETS_AUTHOR_LINE = re.compile(r"\n\t-[^\n]*\Z")


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
    logo: tuple[str, bytes] | None = None  # (".png" or ".jpeg", the image) of the header
    own_sheets: list[OwnSheet] = field(default_factory=list)  # the team's own, carried over
    notes: dict[CellKey, str] = field(default_factory=dict)  # on input cells, as WorkbookData's
    fills: dict[CellKey, str] = field(default_factory=dict)  # input cells' colours of their own
    texts: dict[str, str] = field(default_factory=dict)  # "Sheet!A1" -> text outside the names
    # layout 2: observed rollups by the old workbook's column keys ("q1", "y1"), the
    # months' notes, channel performance (measure -> channel -> months), SLA settings
    observed: dict[str, dict[str, Value]] = field(default_factory=dict)
    period_notes: list[str | None] = field(default_factory=list)
    channel_measures: dict[str, dict[str, list[Value]]] = field(default_factory=dict)
    sla: dict[str, Value] = field(default_factory=dict)
    imported: dict[CellKey, Value] = field(default_factory=dict)  # what imports wrote (notes keys)
    agents: dict[str, dict[str, list[Value]]] = field(default_factory=dict)  # name -> measure -> months
    had_agents: bool = False  # the workbook has the Agents sheet

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
    comments, which Gnumeric writes in a form openpyxl's full reader rejects), and
    where ``formulas`` is given, the formula cells of a second read."""

    def __init__(self, workbook: Any, formulas: Any = None):
        self.fills: dict[str, dict[tuple[int, int], str]] = {}
        self.sheets: dict[str, dict[tuple[int, int], Any]] = _values(workbook, self.fills)
        self.formulas: dict[str, dict[tuple[int, int], Any]] = {}
        if formulas is not None:
            self.formulas = {sheet: {rc: v for rc, v in cells.items()
                                     if isinstance(v, str) and v.startswith("=")}
                             for sheet, cells in _values(formulas).items()}


def _values(workbook: Any, fills: dict[str, dict[tuple[int, int], str]] | None = None,
            ) -> dict[str, dict[tuple[int, int], Any]]:
    """Cell values by sheet and (row, column); and where ``fills`` is given, the
    solid fill colours ("#RRGGBB") of the cells that have one."""
    sheets: dict[str, dict[tuple[int, int], Any]] = {}
    for ws in workbook.worksheets:
        cells = sheets.setdefault(ws.title, {})
        colours = fills.setdefault(ws.title, {}) if fills is not None else None
        ws.reset_dimensions()  # never trust a saved <dimension>: it may be too small
        for row in ws.iter_rows():
            for cell in row:
                value = getattr(cell, "value", None)
                if value is not None:
                    cells[(cell.row, cell.column)] = value
                if colours is not None and (colour := _solid_fill(cell)):
                    colours[(cell.row, cell.column)] = colour
    return sheets


def _solid_fill(cell: Any) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type != "solid":
        return None
    rgb = getattr(fill.fgColor, "rgb", None)
    return f"#{rgb[-6:].upper()}" if isinstance(rgb, str) and len(rgb) in (6, 8) else None


def _coordinates(area: str) -> list[list[tuple[int, int]]]:
    """Rows of (row, column) pairs of an A1 area such as ``$C$11:$N$11``."""
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
    return [[(row, col) for col in range(min_col, max_col + 1)]
            for row in range(min_row, max_row + 1)]


def read_filled(path: Path) -> FilledWorkbook:
    """Everything entered in a workbook csmetrics generated (any language or layout).

    A workbook whose structure no longer says where its values are (a deleted or
    broken name, two columns of one month, two categories of one name, counts in
    a row without a month) is refused, naming the cells, rather than read wrongly."""
    workbook = _open(path, data_only=True)
    try:
        names = {name: list(defined.destinations) for name, defined in
                 workbook.defined_names.items()}
        properties = {prop.name: str(prop.value) for prop in
                      getattr(workbook, "custom_doc_props", None) or []}
        if contract.LAYOUT_PROPERTY not in properties and not contract.has_csmetrics_names(names):
            raise UsageError(f"{path}: not a workbook made by csmetrics (no csmetrics layout "
                             "version and none of its defined names)")
        formulas = _open(path, data_only=False)
        try:
            cells = _Cells(workbook, formulas)
        finally:
            formulas.close()
    finally:
        workbook.close()
    # The settings sheet's cells win over the document properties, which an
    # application may have dropped (Google Sheets) or left stale.
    properties |= _settings(names, cells)
    _check_version(path, properties)
    language = properties.get("csmetrics_language")
    # a workbook whose layout version was dropped with its properties has the
    # settings sheet from layout 2 on; without either it is layout 1
    layout = contract.layout_version(properties) or 1
    filled = _Reader(path, names, cells, DECIMAL_MARKS.get(language or ""),
                     _comments(path), layout).read()
    filled.properties = properties
    filled.logo = _logo(path)
    filled.own_sheets = _own_sheets(path, names, cells)
    return filled


def _own_sheets(path: Path, names: dict[str, Any], cells: _Cells) -> list[OwnSheet]:
    named = {sheet.replace("''", "'") for destinations in names.values()
             for sheet, _ in destinations}
    own = []
    for name in own_sheet_names(list(cells.sheets), named):
        formulas = cells.formulas.get(name, {})
        own.append(OwnSheet(
            name,
            values={(r - 1, c - 1): v for (r, c), v in cells.sheets[name].items()},
            formulas={(r - 1, c - 1): f for (r, c), f in formulas.items()},
        ))
    read_details(path, own)
    return own


def _comments(path: Path) -> dict[str, dict[Cell, str]]:
    """Every cell note of the workbook by sheet and (row, column), read from its
    comment parts (openpyxl's read-only mode skips them; its full reader rejects
    the ones Gnumeric writes)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    doc_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    from openpyxl.utils.cell import coordinate_to_tuple

    found: dict[str, dict[Cell, str]] = {}
    with zipfile.ZipFile(path) as archive:
        parts = set(archive.namelist())

        def targets(part: str) -> dict[str, tuple[str, str]]:
            rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
            if rels not in parts:
                return {}
            root = ET.fromstring(archive.read(rels))
            return {r.get("Id", ""): (r.get("Type", ""), _part(part, r.get("Target", "")))
                    for r in root.iter(f"{rel}Relationship")}

        sheets = targets("xl/workbook.xml")
        for sheet in ET.fromstring(archive.read("xl/workbook.xml")).iter(f"{main}sheet"):
            _, part = sheets.get(sheet.get(f"{doc_rel}id", ""), ("", ""))
            for kind, target in targets(part).values():
                if not kind.endswith("/comments") or target not in parts:
                    continue
                notes = found.setdefault(sheet.get("name", ""), {})
                for comment in ET.fromstring(archive.read(target)).iter(f"{main}comment"):
                    text = "".join(t.text or "" for t in comment.iter(f"{main}t"))
                    text = _SHEETS_AUTHOR_LINE.sub("", text)
                    notes[coordinate_to_tuple(comment.get("ref", "A1"))] = text
    return found


def _part(source: str, target: str) -> str:
    """A relationship's target as a part name: absolute ("/xl/...", as openpyxl
    writes them) or relative to the part that refers to it."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _logo(path: Path) -> tuple[str, bytes] | None:
    """The logo the sheets' headers show: csmetrics puts no other image in a
    workbook, so the first one of the media folder is it."""
    with zipfile.ZipFile(path) as archive:
        media = sorted(name for name in archive.namelist() if name.startswith("xl/media/")
                       and name.lower().endswith((".png", ".jpeg", ".jpg")))
        if not media:
            return None
        suffix = ".png" if media[0].lower().endswith(".png") else ".jpeg"
        return suffix, archive.read(media[0])


# The decimal mark of each language's usual locale; a workbook whose language is
# unknown reads only the numbers that no locale could read differently.
DECIMAL_MARKS = {"en": ".", "zh-CN": ".", "ru": ",", "af": ","}
MAX_UNPACKED = 200 * 2**20  # bytes: a csmetrics workbook unpacks to well under 1 MB
MAX_PART = 100 * 2**20


def _open(path: Path, data_only: bool) -> Any:
    from openpyxl import load_workbook

    if not path.is_file():
        raise UsageError(f"{path}: no such workbook")
    if not zipfile.is_zipfile(path):
        raise UsageError(f"{path}: not an .xlsx workbook (or the file is damaged)")
    _check_size(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UsageError(f"{path}: cannot read the workbook, it looks damaged ({error})") from None


def _check_size(path: Path) -> None:
    """Refuse a workbook that would unpack to far more than any filled tracker
    (a zip bomb, or not a csmetrics workbook), before reading any of it."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    largest = max(parts, key=lambda part: part.file_size, default=None)
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED or (largest is not None and largest.file_size > MAX_PART):
        raise UsageError(f"{path}: unpacks to {total / 2**20:.0f} MB (largest part "
                         f"{largest.filename if largest else ''}); csmetrics reads workbooks of "
                         f"at most {MAX_UNPACKED // 2**20} MB unpacked, {MAX_PART // 2**20} MB a part")


def _settings(names: dict[str, Any], cells: _Cells) -> dict[str, str]:
    """The values of the settings sheet's named cells, as text like properties."""
    found: dict[str, str] = {}
    for name, destinations in names.items():
        if not contract.is_setting_name(name) or len(destinations) != 1:
            continue
        sheet, area = destinations[0]
        try:
            ((cell,),) = _coordinates(area)
        except (TypeError, ValueError):
            continue  # not one cell: the properties still say it
        value = cells.sheets.get(sheet.replace("''", "'"), {}).get(cell)
        if isinstance(value, bool):
            found[name] = "true" if value else "false"
        elif isinstance(value, int | float | str) and str(value) != "":
            found[name] = str(value)
    return found


def _check_version(path: Path, properties: dict[str, str]) -> None:
    raw = properties.get(contract.LAYOUT_PROPERTY)
    try:
        version = contract.layout_version(properties)
    except ValueError:
        raise UsageError(f"{path}: unreadable csmetrics layout version {raw!r}") from None
    # Without the setting (an application that drops it), the names identify layout 1.
    if version is not None and version > contract.LAYOUT_VERSION:
        made_by = properties.get("csmetrics_version")
        which = f"{made_by}, layout {version}" if made_by else f"layout {version}"
        raise UsageError(f"{path}: made by a newer csmetrics ({which}); this csmetrics "
                         f"{__version__} reads layouts up to {contract.LAYOUT_VERSION}: "
                         "upgrade csmetrics to regenerate it")


Cell = tuple[int, int]  # (row, column), 1-based as openpyxl counts


class _Reader:
    """Reads one workbook's values by their names. ``problems`` are values that
    cannot be carried as they are (listed; --drop-data lets them go); ``defects``
    are places where the workbook no longer says what a value means (they stop
    the run, naming the cells)."""

    def __init__(self, path: Path, names: dict[str, Any], cells: _Cells,
                 decimal_mark: str | None, comments: dict[str, dict[Cell, str]] | None = None,
                 layout_version: int = contract.LAYOUT_VERSION):
        self.path, self.names, self.cells = path, names, cells
        self.layout_version = layout_version
        self.decimal_mark = decimal_mark
        self.comments = comments or {}
        self.notes: dict[CellKey, str] = {}
        self.fills: dict[CellKey, str] = {}
        self.texts: dict[str, str] = {}
        self.problems: list[str] = []
        self.defects: list[str] = []

    def place(self, name: str) -> tuple[str, list[list[Cell]]] | None:
        """The sheet and cells a defined name refers to; a name whose cells were
        deleted (``#REF!``) is a defect worth stopping for, not an empty range."""
        if name not in self.names:
            return None
        destinations = self.names[name]
        area = destinations[0][1] if destinations else "#REF!"
        try:
            sheet, area = destinations[0]
            cells = _coordinates(area)
        except (IndexError, TypeError, ValueError):
            self.defects.append(f"the name {name} no longer refers to cells ({area}); was a row "
                                "or column deleted? Define the name again (Formulas › Name "
                                "Manager; LibreOffice: Sheet › Named Ranges) or start from a backup")
            return None
        sheet = sheet.replace("''", "'")  # openpyxl keeps a quoted name's doubled apostrophe
        if sheet not in self.cells.sheets:
            self.defects.append(f"the name {name} refers to a missing sheet {sheet!r}")
            return None
        return sheet, cells

    def where(self, sheet: str, cell: Cell) -> str:
        from openpyxl.utils.cell import get_column_letter

        return f"{sheet}!{get_column_letter(cell[1])}{cell[0]}"

    def value(self, sheet: str, cell: Cell) -> Any:
        return self.cells.sheets[sheet].get(cell)

    def number_at(self, sheet: str, cell: Cell, what: str) -> Value:
        value = self.value(sheet, cell)
        formula = self.cells.formulas.get(sheet, {}).get(cell)
        if formula is not None and value is None:
            self.problems.append(f"{self.where(sheet, cell)} ({what}): holds the formula "
                                 f"{shown(formula)}, whose result the file does not have; open "
                                 "and save it in a spreadsheet application, or type the number")
            return None
        parsed, problem = parse_number(value, self.decimal_mark)
        if problem:
            self.problems.append(f"{self.where(sheet, cell)} ({what}): {problem}")
        return parsed

    def numbers(self, name: str, what: str) -> list[Value]:
        found = self.place(name)
        if found is None:
            return []
        sheet, cells = found
        return [self.number_at(sheet, cell, what) for row in cells for cell in row]

    def read(self) -> FilledWorkbook:
        starts = self.period_starts()
        filled = FilledWorkbook(self.path, starts)
        for item in ENTERED_INPUTS:
            name = contract.input_name(item.id)
            if name in self.names:
                filled.inputs[item.id] = self.numbers(name, name)
                self.take_notes(name, "inp", item.id)
        for item in OBSERVED_INPUTS:
            filled.observed.update(self.observed(item.id, len(starts)))
        filled.period_notes = self.period_notes(len(starts))
        for name in contract.SLA_NAMES:
            if name in self.names and (values := self.numbers(name, name)):
                filled.sla[name] = values[0]
                self.take_notes(name, "setting", name)
        filled.imported = self.import_log(starts)
        filled.had_agents = contract.AGENT_NAMES in self.names
        filled.agents = self.agents(len(starts))
        months = self.grid_months(starts)
        filled.volume = self.by_header(contract.VOLUME, months, len(starts), "vol")
        filled.channels = self.by_header(contract.CHANNELS, months, len(starts), "chan")
        for measure in contract.CHANNEL_MEASURES:
            if measure in self.names:
                filled.channel_measures[measure] = self.by_header(
                    contract.Grid("", measure, ""), months, len(starts), measure)
        for kpi_id in KPI_BY_ID:
            name = contract.target_name(kpi_id)
            if name in self.names and (values := self.numbers(name, name)):
                filled.targets[kpi_id] = values[0]
                self.take_notes(name, "target", kpi_id)
        filled.calculators = self.calculator_inputs()
        filled.kpis = self.kpis()
        self.check_formulas(filled.kpis)
        if contract.GROSS_MARGIN in self.names and (
                values := self.numbers(contract.GROSS_MARGIN, "gross margin")):
            filled.gross_margin = values[0]
            filled.had_gross_margin = True
        self.check_names(filled.kpis)
        self.check_unplaced_numbers()
        if self.defects:
            raise UsageError(f"{self.path}: the workbook no longer says where some values "
                             "belong, so nothing was written:\n"
                             + "\n".join(f"  {line}" for line in self.defects))
        filled.problems = self.problems
        filled.notes, filled.fills = self.notes, self.fills
        filled.texts = self.texts
        return filled

    def observed(self, input_id: str, months: int) -> dict[str, dict[str, Value]]:
        """An observed input's quarter and year cells, by column key (q1.., y1..)."""
        found: dict[str, Value] = {}
        for name, prefix in ((contract.observed_quarter_name(input_id), "q"),
                             (contract.observed_year_name(input_id), "y")):
            if name not in self.names:
                continue
            for index, value in enumerate(self.numbers(name, name)):
                found[f"{prefix}{index + 1}"] = value
            place = self.place(name)
            if place is not None:
                sheet, cells = place
                offset = 0 if prefix == "q" else 4 * (months // 12)
                for index, cell in enumerate(c for row in cells for c in row):
                    self.take_cell(sheet, cell, ("obs", input_id, offset + index))
        return {input_id: found} if found else {}

    def import_log(self, starts: list[dt.date]) -> dict[CellKey, Value]:
        """The cells earlier imports wrote, by what they mean, with the values written
        (the area's first row is its header)."""
        found = self.place(contract.IMPORT_LOG)
        if found is None:
            return {}
        sheet, rows = found
        periods = Periods(max(1, len(starts) // 12))
        log: dict[CellKey, Value] = {}
        for row in rows[1:]:
            kind, key, label, value = (self.value(sheet, cell) for cell in row[:4])
            index = contract.period_index(str(label), starts, periods, str(kind))
            number, problem = parse_number(value, ".")
            if index is not None and kind and key and not problem:
                log[(str(kind), str(key), index)] = number
        return log

    def agents(self, months: int) -> dict[str, dict[str, list[Value]]]:
        """Each named agent's entered figures. Every table's rows are the agents of
        the name cells, in their order; a figure in a row without a name cannot be
        carried (it is listed), two agents of one name stop the run."""
        found = self.place(contract.AGENT_NAMES)
        if found is None:
            return {}
        sheet, cells = found
        names: list[str | None] = []
        seen: dict[str, Cell] = {}
        for cell in (c for row in cells for c in row):
            value = self.value(sheet, cell)
            name = str(value).strip() if value is not None and str(value).strip() else None
            if name is not None and name.casefold() in seen:
                self.defects.append(f"{self.where(sheet, seen[name.casefold()])} and "
                                    f"{self.where(sheet, cell)} are both the agent {shown(name)} "
                                    "(names match case-insensitively): rename one")
            elif name is not None:
                seen[name.casefold()] = cell
            names.append(name)
        agents: dict[str, dict[str, list[Value]]] = {name: {} for name in names if name}
        for item in AGENT_INPUTS:
            grid = self.place(item.id)
            if grid is None:
                continue
            grid_sheet, rows = grid
            for index, row in enumerate(rows):
                name = names[index] if index < len(names) else None
                values = [self.number_at(grid_sheet, cell, item.id) for cell in row][:months]
                values += [None] * (months - len(values))
                if name is not None:
                    agents[name][item.id] = values
                    for month, cell in enumerate(row[:months]):
                        self.take_cell(grid_sheet, cell, (item.id, name, month))
                elif any(v is not None for v in values):
                    self.problems.append(f"{item.id} row {index + 1} ({self.where(grid_sheet, row[0])}): "
                                         f"figures without an agent's name; type the name in "
                                         f"{self.where(sheet, cells[index][0])}")
        return agents

    def period_notes(self, months: int) -> list[str | None]:
        """The months' notes as text (a number typed there is kept as its text)."""
        found = self.place(contract.PERIOD_NOTES)
        if found is None:
            return []
        sheet, cells = found
        notes: list[str | None] = []
        for cell in (c for row in cells for c in row):
            value = self.value(sheet, cell)
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            notes.append(None if value is None or str(value).strip() == "" else str(value))
        return notes[:months] + [None] * (months - len(notes))

    def take_notes(self, name: str, kind: str, key: str) -> None:
        """Notes on the cells of a row name, by their position along it (months)."""
        found = self.place(name)
        if found is None:
            return
        sheet, cells = found
        for index, cell in enumerate(cell for row in cells for cell in row):
            self.take_cell(sheet, cell, (kind, key, index))

    def take_cell(self, sheet: str, cell: Cell, key: CellKey) -> None:
        """What the team gave an input cell beyond its value: a note, a colour."""
        if note := self.comments.get(sheet, {}).get(cell):
            self.notes[key] = note
        colour = self.cells.fills.get(sheet, {}).get(cell)
        if colour is not None and colour != INPUT_FILL.upper():
            self.fills[key] = colour

    def period_starts(self) -> list[dt.date]:
        found = self.place(contract.PERIOD_START)
        if found is None:
            self.defects.append(f"the name {contract.PERIOD_START} (the Tracker's month dates) "
                                "is missing")
            raise UsageError(f"{self.path}: " + "; ".join(self.defects))
        sheet, cells = found
        places = cells[0] if cells else []
        starts = [_as_date(self.value(sheet, cell)) for cell in places]
        if not starts or any(start is None for start in starts):
            raise UsageError(f"{self.path}: the period_start dates are missing or not dates")
        seen: dict[dt.date, Cell] = {}
        for start, cell in zip(starts, places, strict=True):
            assert start is not None
            if start in seen:
                self.defects.append(f"{self.where(sheet, seen[start])} and {self.where(sheet, cell)}"
                                    f" are both the month {start:%Y-%m}: every period column needs "
                                    "its own month")
            seen.setdefault(start, cell)
        return [start for start in starts if start is not None]

    def grid_months(self, starts: list[dt.date]) -> dict[int, int]:
        """The month each row of the Ticket Volume grids holds, from its month label
        (rows a team inserted or sorted are matched by label, not position)."""
        found = self.place(contract.VOLUME.counts) or self.place(contract.CHANNELS.counts)
        if found is None:
            return {}
        sheet, cells = found
        labels = month_labels(starts)
        months: dict[int, int] = {}
        first_row: dict[int, int] = {}
        for row in (cells_row[0][0] for cells_row in cells):
            label = self.value(sheet, (row, VolumeLayout.MONTH_COL + 1))
            month = _month_of(label, starts, labels)
            if month is None:
                continue
            if month in first_row:
                self.defects.append(f"{sheet} rows {first_row[month]} and {row} are both "
                                    f"{starts[month]:%Y-%m}: each month needs one row")
                continue
            first_row[month] = row
            months[row] = month
        if not months and len(cells) == len(starts):  # labels rewritten: rows stay in order
            months = {cells_row[0][0]: index for index, cells_row in enumerate(cells)}
        return months

    def by_header(self, grid: contract.Grid, months: dict[int, int], count: int,
                  kind: str) -> dict[str, list[Value]]:
        """A periods x names grid by its header labels: the labels' name, or where
        the grid has none (channel performance) the row just above the grid."""
        counts = self.place(grid.counts)
        headers = self.place(grid.labels) if grid.labels else None
        if counts is not None and not grid.labels:
            top = counts[1][0]
            headers = (counts[0], [[(top[0][0] - 1, col) for _, col in top]])
        if headers is None or counts is None:
            return {}
        sheet, header_cells = headers
        _, rows = counts
        series: dict[str, list[Value]] = {}
        keys: dict[str, Cell] = {}
        for index, cell in enumerate(header_cells[0]):
            header = self.value(sheet, cell)
            name = str(header).strip() if header is not None else f"(column {index + 1})"
            if name.casefold() in keys:
                self.defects.append(f"{self.where(sheet, keys[name.casefold()])} and "
                                    f"{self.where(sheet, cell)} are both headed {shown(name)} "
                                    "(names match case-insensitively): rename one")
                continue
            keys[name.casefold()] = cell
            values: list[Value] = [None] * count
            for row in rows:
                place = row[index]
                number = self.number_at(sheet, place, name)
                month = months.get(place[0])
                if month is not None:
                    values[month] = number
                    self.take_cell(sheet, place, (kind, name, month))
                elif number is not None:
                    label = self.value(sheet, (place[0], VolumeLayout.MONTH_COL + 1))
                    self.defects.append(f"{self.where(sheet, place)} ({name}): {number:g} is in "
                                        f"a row whose month ({shown(label)}) is not one of this "
                                        "workbook's months")
            series[name] = values
        return series

    def calculator_inputs(self) -> dict[str, dict[str, Value]]:
        found: dict[str, dict[str, Value]] = {}
        for name in self.names:
            if (parsed := contract.parse_calculator_input(name)) and (
                    values := self.numbers(name, name)):
                calc_id, input_id = parsed
                found.setdefault(calc_id, {})[input_id] = values[0]
        return found

    def kpis(self) -> tuple[str, ...]:
        """The metrics the workbook has: any of a KPI's names tells (a deleted
        ``kpi_`` name then shows up as missing rather than as a metric left out)."""
        families = (contract.kpi_name, contract.quarter_name, contract.year_name,
                    contract.target_name)
        present = {k for k in KPI_BY_ID if any(family(k) in self.names for family in families)}
        if contract.AGENT_NAMES in self.names:
            present.add(AGENTS)
        return Selection.of(tuple(present)).ids if present else ()

    def check_formulas(self, kpis: tuple[str, ...]) -> None:
        """A number typed over a KPI's formula has no place in the new workbook,
        which computes the KPI again: it is listed, never dropped silently."""
        if not self.cells.formulas:
            return
        computed = [name for kpi_id in kpis for name in (
            contract.kpi_name(kpi_id), contract.quarter_name(kpi_id), contract.year_name(kpi_id))]
        computed += [contract.CHANNEL_CSAT, *(kpi.id for kpi in AGENT_KPIS),
                     *(contract.agent_year_name(measure) for measure in AGENT_MEASURES)]
        for name in computed:
            if name in self.names:
                found = self.place(name)
                if found is None:
                    continue
                sheet, cells = found
                formulas = self.cells.formulas.get(sheet, {})
                for cell in (cell for row in cells for cell in row):
                    value = self.value(sheet, cell)
                    if cell not in formulas and value not in (None, ""):
                        self.problems.append(
                            f"{self.where(sheet, cell)} ({name}): {shown(value)} was typed over "
                            "the formula; the new workbook computes this cell again")

    def check_names(self, kpis: tuple[str, ...]) -> None:
        """Every name of an entered value that the workbook's metrics need is there;
        values behind a deleted name cannot be found, so the name is listed like a
        value that would be lost. A workbook without any KPI's names lost them all:
        it is checked against every metric."""
        expected = contract.entered_names(Selection.of(kpis or None), self.layout_version)
        for name in sorted(expected - set(self.names)):
            self.problems.append(f"the name {name} is missing, so the values behind it cannot be "
                                 "found; define it again (Formulas › Name Manager; LibreOffice: "
                                 "Sheet › Named Ranges), or use --drop-data to go ahead without them")


    def check_unplaced_numbers(self) -> None:
        """csmetrics types numbers only into cells its names cover; a number
        anywhere else on its sheets was typed by the team (in an inserted row, a
        column added beside a grid): it is listed, since the new workbook has no
        place for it. Text outside the names is kept in ``texts``: whether
        csmetrics wrote it is for ``carry`` to tell."""
        named: dict[str, set[Cell]] = {}
        for destinations in self.names.values():
            for sheet, area in destinations:
                try:
                    cells = _coordinates(area)
                except (TypeError, ValueError):
                    continue  # a broken name is a defect reported by place()
                named.setdefault(sheet.replace("''", "'"), set()).update(
                    cell for row in cells for cell in row)
        cover = next(iter(self.cells.sheets), None)  # the first sheet: csmetrics' too
        if cover is not None:
            named.setdefault(cover, set())
        named.pop(contract.SETTINGS_SHEET, None)  # hidden machine data: all of it csmetrics'
        for sheet, covered in named.items():
            formulas = self.cells.formulas.get(sheet, {})
            for cell, value in sorted(self.cells.sheets.get(sheet, {}).items()):
                if cell in covered or cell in formulas:
                    continue
                if isinstance(value, str):
                    self.texts[self.where(sheet, cell)] = value
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    self.problems.append(
                        f"{self.where(sheet, cell)}: {shown(value)} is outside the cells csmetrics "
                        "reads (a row or column added by hand?), so the new workbook has no "
                        "place for it")


def month_labels(starts: list[dt.date]) -> dict[str, int]:
    """The month labels of the Ticket Volume rows in every language, normalised."""
    labels: dict[str, int] = {}
    for language in LANGUAGES:
        text = Text(language)
        for index, label in enumerate(text.month_labels(starts)):
            labels.setdefault(_normal(label), index)
        text.save()
    return labels


def _normal(label: str) -> str:
    return _SPACES.sub(" ", label).strip().casefold()


def _month_of(label: Any, starts: list[dt.date], labels: dict[str, int]) -> int | None:
    if isinstance(label, dt.datetime | dt.date):
        month = dt.date(label.year, label.month, 1)
        return starts.index(month) if month in starts else None
    return labels.get(_normal(str(label))) if label is not None else None


def parse_number(value: Any, decimal_mark: str | None = ".") -> tuple[Value, str | None]:
    """A cell value as a number: numbers as they are, text only where unambiguous
    in the workbook's locale (``decimal_mark`` "." or ","; None where the locale is
    unknown). "12", "1 234" and "1,234" (with a decimal point) or "1,25" (with a
    decimal comma) are read; anything else is reported, never guessed."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    if isinstance(value, int | float):
        number = float(value)
        return (number, None) if math.isfinite(number) else (None, f"{value!r} is not a finite number")
    if isinstance(value, dt.datetime | dt.date):
        return None, f"a date ({value}) where a number belongs"
    text = _SPACES.sub(" ", str(value)).strip()
    if not text:
        return None, None
    read = _text_number(text, decimal_mark)
    if read is None:
        return None, f"the text {shown(value)} is not an unambiguous number"
    if not math.isfinite(read):
        return None, f"the text {shown(value)} is not a finite number"
    return read, None


_GROUPED = re.compile(r"(?P<int>\d{1,3}( \d{3})+)(?P<sep>[.,])?(?P<frac>\d+)?")
_ONE_MARK = re.compile(r"(?P<int>\d*)(?P<sep>[.,])(?P<frac>\d*)")
_COMMA_GROUPS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


def _text_number(text: str, mark: str | None) -> float | None:
    sign = -1.0 if text[:1] == "-" else 1.0
    body = text[1:] if text[:1] in "+-" else text
    if body.isascii() and body.isdigit():
        return sign * float(body)
    if grouped := _GROUPED.fullmatch(body):  # "1 234", "1 234,5": spaces group thousands
        if grouped["sep"] and (not grouped["frac"] or (mark is not None and grouped["sep"] != mark)):
            return None
        digits = grouped["int"].replace(" ", "") + ("." + grouped["frac"] if grouped["frac"] else "")
        return sign * float(digits)
    if (one := _ONE_MARK.fullmatch(body)) and (one["int"] or one["frac"]):
        if one["sep"] == mark or (mark is None and len(one["frac"]) != 3):
            return sign * float(f"{one['int'] or 0}.{one['frac'] or 0}")
        if mark == "." and _COMMA_GROUPS.fullmatch(body):  # "1,234": a thousands comma
            return sign * float(body.replace(",", ""))
        return None
    if mark == "." and _COMMA_GROUPS.fullmatch(body):  # "1,234,567.5"
        return sign * float(body.replace(",", ""))
    if mark != "," and _PLAIN_NUMBER.fullmatch(body):  # exponents: "1e5", "2.5E-3"
        return sign * float(body)
    return None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    return None
