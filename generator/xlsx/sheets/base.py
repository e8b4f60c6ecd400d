"""What every sheet writer shares: the context, input cells, links and page set-up."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_range, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from ...config.settings import Config
from ...errors import UsageError
from ...images import fit_scale, image_size
from ...model import reference
from ...model.calculators import Calculator
from ...model.catalog import Unit
from ...model.data import CellKey, WorkbookData
from ...text import Text
from ..fixes import BLANK_RESULT
from ..layout import FormulasLayout, TrackerLayout, VolumeLayout, quote_sheet
from ..styles import Styles


@dataclass
class Context:
    """Everything the sheet writers share."""

    workbook: xlsxwriter.Workbook
    config: Config
    data: WorkbookData  # completed: every input cell has a value or None
    text: Text
    styles: Styles
    calculators: tuple[Calculator, ...]
    tracker: TrackerLayout
    volume: VolumeLayout
    formulas: FormulasLayout
    sheet_names: dict[str, str]
    tracker_result: reference.TrackerResult
    volume_result: reference.VolumeResult
    month_labels: list[str]
    period_starts: list[dt.date]
    names: dict[str, str] = field(default_factory=dict)  # defined name -> reference

    def define(self, name: str, reference_text: str) -> None:
        """Register a workbook-scope defined name (written once, at the end)."""
        if name in self.names:
            raise ValueError(f"defined name {name} used twice")
        self.names[name] = reference_text


WHOLE_UNITS = {Unit.COUNT}
LOGO_BOX = (180, 54)  # pixels: the header area of the first three rows


def validation(text: Text, unit: Unit, help_key: str, title: str) -> dict[str, Any]:
    """Data validation for an input cell: whole numbers >= 0 for counts, decimals
    >= 0 for times and money, 0-100 % for shares; with an input message."""
    if unit is Unit.PERCENT:
        rule: dict[str, Any] = {"validate": "decimal", "criteria": "between",
                                "minimum": 0, "maximum": 1}
        error = text("valid_percent_error")
    elif unit in WHOLE_UNITS:
        rule = {"validate": "integer", "criteria": ">=", "value": 0}
        error = text("valid_count_error")
    else:
        rule = {"validate": "decimal", "criteria": ">=", "value": 0}
        error = text("valid_decimal_error")
    return {
        **rule,
        "input_title": _clip(title, 32),
        "input_message": _clip(text(help_key), 255),
        "error_title": _clip(text("valid_error_title"), 32),
        "error_message": _clip(error, 255),
    }


def lines_needed(text: str, chars_per_line: int) -> int:
    """Wrapped lines a text takes in a column; wide (CJK) characters count twice,
    since spreadsheets do not grow row heights of merged or wrapped cells for us."""
    if text.isascii():
        width = len(text)
    else:
        width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return max(1, -(-width // chars_per_line))


def _clip(value: str, limit: int) -> str:
    """Excel's hard limits on validation texts; cut on a word with an ellipsis."""
    if len(value) <= limit:
        return value
    return value[: limit - 1].rsplit(" ", 1)[0] + "…"


class SheetWriter:
    """Base of the sheet writers: public ``write()``, private ``_write_*`` parts."""

    def __init__(self, context: Context, worksheet: Worksheet):
        self.context = context
        self.ws = worksheet
        self.styles = context.styles
        self.text = context.text
        self.config = context.config

    def write(self) -> None:
        raise NotImplementedError

    @staticmethod
    def cached(value: float | None) -> float | str:
        """The cached result of a formula cell: the reference value, "" when blank
        (or when it overflows: no infinity or NaN is ever written to a file)."""
        return BLANK_RESULT if value is None or not math.isfinite(value) else value

    def unit_text(self, unit: Unit) -> str:
        return self.text("unit_money" if unit is Unit.PRICE else f"unit_{unit.value}")

    def write_input(self, row: int, col: int, value: float | None, unit: Unit,
                    fill: str | None = None) -> None:
        """An unlocked input cell, empty or holding the entered number."""
        fmt = self.styles.input(unit, fill)
        if value is not None and not math.isfinite(value):
            raise UsageError(f"{self.ws.name}!{xl_rowcol_to_cell(row, col)}: {value} is not a "
                             "finite number")
        if value is None:
            self.ws.write_blank(row, col, None, fmt)
        else:
            self.ws.write_number(row, col, value, fmt)

    def flag_non_numbers(self, areas: list[tuple[int, int, int, int]]) -> None:
        """Highlight input cells that hold something other than a number.

        Pasting bypasses data validation, so an input cell may hold text (a space,
        "12 tickets", "1.234,5"); the formulas then treat it as not entered, and this
        rule shows why. One rule over all ``areas`` (first row, first column, last
        row, last column): its relative references start from their common top-left
        cell, which must be the top-left cell of the first area. ``A1<>""`` rather
        than ``ISBLANK``: a cell holding an empty string looks and counts as blank.
        """
        if not areas:
            return
        areas = sorted(areas)
        top, left = areas[0][0], areas[0][1]
        if any(area[1] < left for area in areas):
            raise ValueError(f"areas {areas} have no common top-left cell")
        corner = xl_rowcol_to_cell(top, left)
        self.ws.conditional_format(*areas[0], {
            "type": "formula",
            "criteria": f'=AND({corner}<>"",NOT(ISNUMBER({corner})))',
            "format": self.styles.flag,
            "multi_range": " ".join(xl_range(*area) for area in areas),
        })

    def write_entry(self, row: int, col: int, value: float | None, unit: Unit,
                    key: CellKey) -> None:
        """An input cell with what the team gave it in the workbook it came from:
        its value, its colour and its note."""
        data = self.context.data
        self.write_input(row, col, value, unit, data.fills.get(key))
        if note := data.notes.get(key):
            self.ws.write_comment(row, col, note)

    def write_band(self, row: int, last_col: int, label: str, fmt: Format) -> None:
        """A heading whose fill runs across the table, columns 0 to ``last_col``."""
        self.ws.write_string(row, 0, label, fmt)
        for col in range(1, last_col + 1):
            self.ws.write_blank(row, col, None, fmt)

    def write_link(self, row: int, col: int, sheet: str, target: str, label: str) -> None:
        self.ws.write_url(row, col, f"internal:{quote_sheet(sheet)}!{target}",
                          self.styles.link, string=label)

    def write_back_link(self, row: int, col: int) -> None:
        self.write_link(row, col, self.context.sheet_names["start"], "A1",
                        self.text("back_to_start"))

    def write_logo(self, col: int) -> None:
        """The configured logo in the sheet's header area, scaled to fit, aspect kept."""
        logo = self.config.logo
        if not logo:
            return
        width, height = image_size(Path(logo))
        scale = fit_scale(width, height, *LOGO_BOX)
        self.ws.insert_image(0, col, logo, {"x_scale": scale, "y_scale": scale,
                                            "x_offset": 2, "y_offset": 2, "object_position": 3})

    def set_up_print(self, header_row: int, last_row: int, last_col: int,
                     repeat_columns: bool = False) -> None:
        """Landscape A4, fit to one page wide, titles repeated, protected without password.

        So that printed pages read well, the print area grows to cover every chart
        (none is cut at the page edge), and a block of rows that fits on a page is
        never split across two: a block is a run of rows without a blank row in it
        (a calculator, a section, a table), and a chart joins the table just above
        it. A block that would straddle a page break gets a manual break before it;
        one taller than a page at least starts with its first rows together. Page
        heights are estimated from the row heights and the fit-to-width scale, on
        the safe side, so the break comes before the application's own.
        """
        ws = self.ws
        inches = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.5}
        paper_width, paper_height = 842, 595  # A4 landscape, in points
        # xlsxwriter knows where an object ends only through its private sizing
        # helpers (pinned below 4 in pyproject, like xlsx_fixes).
        charted: set[int] = set()
        for row, col, chart, x_offset, y_offset, x_scale, y_scale, *_ in ws.charts:
            end = ws._position_object_pixels(col, row, x_offset, y_offset,
                                             round(chart.width * x_scale),
                                             round(chart.height * y_scale), 1)
            end_col, end_row = end[4] - (end[6] == 0), end[5] - (end[7] == 0)
            last_col, last_row = max(last_col, end_col), max(last_row, end_row)
            charted.update(range(max(0, row - 2), end_row + 1))  # with the table above

        heights = [ws._size_row(row) for row in range(last_row + 1)]  # pixels
        width = sum(ws._size_col(col) for col in range(last_col + 1)) * 0.75  # points
        scale = min(100, int(100 * (paper_width - 72 * (inches["left"] + inches["right"]))
                             / max(width, 1))) / 100
        body = (paper_height - 72 * (inches["top"] + inches["bottom"])) * 0.92  # points
        page = body / 0.75 / scale  # pixels of sheet per page
        repeated = sum(heights[: header_row + 1])
        filled = [bool(ws.table.get(row)) or row in charted for row in range(last_row + 1)]
        block_end: dict[int, int] = {}
        for row in range(last_row + 1):
            if filled[row] and (row == 0 or not filled[row - 1]):
                end_row = row
                while end_row + 1 <= last_row and filled[end_row + 1]:
                    end_row += 1
                block_end[row] = end_row
        breaks, used = set(ws.hbreaks), 0.0
        for row in range(last_row + 1):
            if row in breaks:
                used = repeated
            elif row in block_end and used > repeated:
                block = sum(heights[row: block_end[row] + 1])
                if block > page - repeated:  # taller than a page: keep its head together
                    block = sum(heights[row: min(block_end[row], row + 3) + 1])
                if used + block > page:
                    breaks.add(row)
                    used = repeated
            if used + heights[row] > page:  # the application's own break
                used = repeated
            used += heights[row]

        ws.set_landscape()
        ws.set_paper(9)  # A4; Letter users get it scaled by their printer dialog
        ws.fit_to_pages(1, 0)
        ws.set_margins(**inches)
        ws.repeat_rows(0, header_row)
        if repeat_columns:
            ws.repeat_columns(0, 1)
        ws.print_area(0, 0, last_row, last_col)
        ws.set_h_pagebreaks(sorted(breaks))
        ws.set_footer("&L&A&R&P / &N")
        ws.protect("", {"format_columns": True, "format_rows": True})
