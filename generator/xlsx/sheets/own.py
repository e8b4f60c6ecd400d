"""A sheet of the team's own, carried through regeneration: its values and
formulas (with their last results), number formats, column widths and notes.

The reader finds such sheets (``own_sheet_names``) and fills an ``OwnSheet``;
the writer writes it after the csmetrics sheets. What cannot be carried (charts,
images, merged cells) is named in ``not_carried`` so that it is listed, never
dropped silently.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format

from ...config.choices import SETTINGS_SHEET

Cell = tuple[int, int]  # (row, column), 0-based as xlsxwriter counts


@dataclass(eq=False)
class OwnSheet:
    name: str
    values: dict[Cell, Any] = field(default_factory=dict)  # constants, or formulas' last results
    formulas: dict[Cell, str] = field(default_factory=dict)  # "=..." as the file has them
    formats: dict[Cell, str] = field(default_factory=dict)  # number formats other than General
    widths: dict[int, float] = field(default_factory=dict)  # column -> width in characters
    notes: dict[Cell, str] = field(default_factory=dict)
    not_carried: list[str] = field(default_factory=list)

    @property
    def cells(self) -> set[Cell]:
        return set(self.values) | set(self.formulas)


def own_sheet_names(sheets: list[str], named: Iterable[str]) -> list[str]:
    """The team's own sheets: all but the cover (the first), the settings sheet
    and the sheets that csmetrics' defined names point at."""
    ours = {*named, SETTINGS_SHEET}
    return [sheet for index, sheet in enumerate(sheets) if index and sheet not in ours]


def read_details(path: Path, own: list[OwnSheet]) -> None:
    """Number formats, widths, notes, and what cannot be carried, from a full
    read of the workbook (read-only mode has none of them). A file openpyxl's full
    reader rejects keeps its values and formulas, and the rest is listed."""
    if not own:
        return
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for what it cannot read
        for sheet in own:
            sheet.not_carried.append(f"its number formats, widths and notes ({error})")
        return
    for sheet in own:
        ws = workbook[sheet.name]
        for row in ws.iter_rows():
            for cell in row:
                place = (cell.row - 1, cell.column - 1)
                if cell.number_format and cell.number_format != "General" and \
                        place in sheet.cells:
                    sheet.formats[place] = cell.number_format
                if cell.comment is not None:
                    sheet.notes[place] = cell.comment.text
        for letter, dimension in ws.column_dimensions.items():
            if dimension.customWidth and dimension.width:
                from openpyxl.utils.cell import column_index_from_string

                sheet.widths[column_index_from_string(letter) - 1] = float(dimension.width)
        charts, images = len(getattr(ws, "_charts", [])), len(getattr(ws, "_images", []))
        if charts:
            sheet.not_carried.append(f"{charts} chart(s)")
        if images:
            sheet.not_carried.append(f"{images} image(s)")
        if ws.merged_cells.ranges:
            sheet.not_carried.append("merged cells " + ", ".join(
                str(r) for r in ws.merged_cells.ranges))
    workbook.close()


def write_own_sheet(workbook: xlsxwriter.Workbook, sheet: OwnSheet, name: str) -> None:
    """The sheet as the team left it, as far as ``sheet`` holds it."""
    ws = workbook.add_worksheet(name)
    formats: dict[str, Format] = {}

    def number_format(place: Cell, default: str | None = None) -> Format | None:
        wanted = sheet.formats.get(place, default)
        if wanted is None:
            return None
        if wanted not in formats:
            formats[wanted] = workbook.add_format({"num_format": wanted})
        return formats[wanted]

    for place in sorted(sheet.cells):
        row, col = place
        value = sheet.values.get(place)
        if place in sheet.formulas:
            cached = value if isinstance(value, str | bool) or (
                isinstance(value, int | float) and math.isfinite(value)) else ""
            ws.write_formula(row, col, sheet.formulas[place], number_format(place), cached)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, number_format(place))
        elif isinstance(value, int | float) and math.isfinite(value):
            ws.write_number(row, col, value, number_format(place))
        elif isinstance(value, dt.datetime | dt.date | dt.time):
            ws.write_datetime(row, col, value, number_format(place, "yyyy-mm-dd"))
        elif value is not None:
            ws.write_string(row, col, str(value), number_format(place))
    for col, width in sheet.widths.items():
        ws.set_column(col, col, width)
    for (row, col), text in sheet.notes.items():
        ws.write_comment(row, col, text)
