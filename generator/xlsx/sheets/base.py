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
from xlsxwriter.utility import xl_rowcol_to_cell
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
from ..layout import AgentsLayout, FormulasLayout, TrackerLayout, VolumeLayout, quote_sheet
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
    agents: AgentsLayout
    sheet_names: dict[str, str]
    tracker_result: reference.TrackerResult
    volume_result: reference.VolumeResult
    agents_result: reference.AgentResult
    month_labels: list[str]
    period_starts: list[dt.date]
    months_filled: list[int]  # 1 for a month with any input, by the reference
    rollup_labels: dict[str, str]  # plain label of each quarter and year, by column key
    names: dict[str, str] = field(default_factory=dict)  # defined name -> reference

    def define(self, name: str, reference_text: str) -> None:
        """Register a workbook-scope defined name (written once, at the end)."""
        if name in self.names:
            raise ValueError(f"defined name {name} used twice")
        self.names[name] = reference_text


LOGO_BOX = (180, 54)  # pixels: the header area of the first three rows
TARGET = "target"  # the kind of input a KPI's target cell is: any number


@dataclass(frozen=True)
class Allowed:
    """What an input cell accepts, said three times over: the validation rule,
    the sentence that states it (ending every prompt, and the error message),
    and the condition that flags a value breaking it (pasting bypasses
    validation). Every rule has a Google Sheets equivalent ("greater than or
    equal to", "between"): Sheets has no whole-number criterion, so counts are
    checked as numbers >= 0 and a fraction is flagged instead."""

    rule: dict[str, Any]
    sentence_key: str
    breaks: str  # condition on the placeholder X, given that X is a number

    def flag(self, cell: str) -> str:
        """Conditional-format formula: the cell holds something, and it is not a
        number or breaks the rule (never an error value: the test is guarded)."""
        return f'AND({cell}<>"",IF(ISNUMBER({cell}),{self.breaks.replace("X", cell)},TRUE))'


POSITIVE = "positive"  # a setting: any number above 0 (an SLA target in hours)
PRINTABLE_POINTS = 842 - 72 * 0.8  # A4 landscape less the side margins (0.4 in each)
# 10 % of the width to spare: LibreOffice prints the same column widths up to 10 %
# wider than Excel does (its character width differs), and must not add a page.
PRINT_SPARE = 0.9

ALLOWED = {
    Unit.COUNT: Allowed({"validate": "decimal", "criteria": ">=", "value": 0}, "valid_count_error",
                        "OR(X<0,X<>ROUND(X,0))"),
    Unit.PERCENT: Allowed({"validate": "decimal", "criteria": "between", "minimum": 0,
                           "maximum": 1}, "valid_percent_error", "OR(X<0,X>1)"),
    POSITIVE: Allowed({"validate": "decimal", "criteria": ">", "value": 0}, "valid_positive_error",
                      "X<=0"),
    TARGET: Allowed({"validate": "decimal", "criteria": "between", "minimum": -1e12,
                     "maximum": 1e12}, "valid_target_error", "ABS(X)>1000000000000"),
}
DECIMAL = Allowed({"validate": "decimal", "criteria": ">=", "value": 0}, "valid_decimal_error", "X<0")


def allowed(unit: Unit | str) -> Allowed:
    return ALLOWED.get(unit, DECIMAL)


def validation(text: Text, unit: Unit | str, help: str, title: str) -> dict[str, Any]:
    """Data validation for an input cell, with a prompt that says everything on
    its own: what to enter (``help``), then what is allowed. Google Sheets keeps
    one help text and drops titles and error messages, so no meaning is left to
    them; the error message repeats the prompt's last sentence."""
    kind = allowed(unit)
    sentence = text(kind.sentence_key)
    room = PROMPT_LIMIT - len(sentence) - 1
    return {
        **kind.rule,
        "input_title": _clip(title, 32),
        "input_message": f"{_clip(help, room)} {sentence}",
        "error_title": _clip(text("valid_error_title"), 32),
        "error_message": _clip(sentence, PROMPT_LIMIT),
    }


PROMPT_LIMIT = 255  # Excel's limit on a validation prompt or message


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

    def input_area(self, first_row: int, first_col: int, last_row: int, last_col: int,
                   unit: Unit | str, help: str, title: str) -> None:
        """Validation and the invalid-value flag of one rectangle of input cells.

        Pasting bypasses data validation, so an input cell may hold text (a space,
        "12 tickets", "1.234,5"), a negative or a fraction of a ticket; the
        formulas treat text as not entered, and the flag shows why. One
        conditional format per rectangle, its formula anchored at the
        rectangle's own top-left cell: Google Sheets keeps no other kind.
        ``A1<>""`` rather than ``ISBLANK``: a cell holding an empty string looks
        and counts as blank."""
        ws = self.ws
        ws.data_validation(first_row, first_col, last_row, last_col,
                           validation(self.text, unit, help, title))
        corner = xl_rowcol_to_cell(first_row, first_col)
        ws.conditional_format(first_row, first_col, last_row, last_col, {
            "type": "formula",
            "criteria": "=" + allowed(unit).flag(corner),
            "format": self.styles.flag,
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

    def column_pages(self, groups: list[tuple[int, int]], repeat_columns: int,
                     min_scale: float, new_page: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
        """Printed pages across: consecutive ranges of columns (first, last), each
        kept on one page and packed in order while a page holds them at
        ``min_scale`` (a group whose first column is in ``new_page`` starts a
        page); the first ``repeat_columns`` columns (the labels) print on every
        page. Column widths must be set already."""
        ws = self.ws

        def pixels(first: int, last: int) -> float:
            return sum(ws._size_col(col) for col in range(first, last + 1))

        room = PRINTABLE_POINTS * PRINT_SPARE / 0.75 / min_scale
        labels = pixels(0, repeat_columns - 1)
        pages: list[tuple[int, int]] = []
        first = 0
        for group_first, group_last in groups:
            too_wide = (labels if pages else 0) + pixels(first, group_last) > room
            if group_first > first and (too_wide or group_first in new_page):
                pages.append((first, group_first - 1))
                first = group_first
        pages.append((first, groups[-1][1]))
        return pages

    def set_up_print(self, header_row: int, last_row: int, last_col: int,
                     column_pages: list[tuple[int, int]] | None = None,
                     repeat_columns: int = 0) -> None:
        """Landscape A4, titles repeated, protected without password.

        One page wide (fit to width), or, with ``column_pages``, one page per
        range of columns (first, last), the first ``repeat_columns`` columns
        (the labels) repeated on each: a wide sheet is split rather than shrunk,
        at a fixed scale that keeps its text legible.

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
        paper_width, paper_height = 842, 595  # A4 landscape, in points (PRINTABLE_POINTS)
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
        printable = paper_width - 72 * (inches["left"] + inches["right"])  # points

        def points(first: int, last: int) -> float:
            return sum(ws._size_col(col) for col in range(first, last + 1)) * 0.75

        if column_pages:
            widths = [points(first, last) + (points(0, repeat_columns - 1) if first else 0)
                      for first, last in column_pages]
        else:
            widths = [points(0, last_col)]
        scale = min(100, int(100 * PRINT_SPARE * printable / max(*widths, 1))) / 100
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
        if column_pages and len(column_pages) > 1:
            ws.set_print_scale(int(scale * 100))
            ws.set_v_pagebreaks([first for first, _ in column_pages[1:]])
        else:
            ws.fit_to_pages(1, 0)
        if repeat_columns:
            ws.repeat_columns(0, repeat_columns - 1)
        ws.set_margins(**inches)
        ws.repeat_rows(0, header_row)
        ws.print_area(0, 0, last_row, last_col)
        ws.set_h_pagebreaks(sorted(breaks))
        ws.set_footer("&L&A&R&P / &N")
        ws.protect("", {"format_columns": True, "format_rows": True})
