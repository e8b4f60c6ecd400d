"""What every sheet writer shares: the context, input cells, links and page set-up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlsxwriter.worksheet import Worksheet

from .catalog import Unit
from .layout import quote_sheet
from .text import Text
from .xlsx_fixes import BLANK_RESULT

if TYPE_CHECKING:
    from .workbook import Context

WHOLE_UNITS = {Unit.COUNT}


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
        """The cached result of a formula cell: the reference value, "" when blank."""
        return BLANK_RESULT if value is None else value

    def unit_text(self, unit: Unit) -> str:
        return self.text(f"unit_{unit.value}")

    def write_input(self, row: int, col: int, value: float | None, unit: Unit) -> None:
        """An unlocked input cell, empty or holding the entered number."""
        fmt = self.styles.input(unit)
        if value is None:
            self.ws.write_blank(row, col, None, fmt)
        else:
            self.ws.write_number(row, col, value, fmt)

    def write_link(self, row: int, col: int, sheet: str, target: str, label: str) -> None:
        self.ws.write_url(row, col, f"internal:{quote_sheet(sheet)}!{target}",
                          self.styles.link, string=label)

    def write_back_link(self, row: int, col: int) -> None:
        self.write_link(row, col, self.context.sheet_names["start"], "A1",
                        self.text("back_to_start"))

    def set_up_print(self, header_row: int, last_row: int, last_col: int,
                     repeat_columns: bool = False) -> None:
        """Landscape, fit to one page wide, titles repeated, protected without password."""
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)  # A4; Letter users get it scaled by their printer dialog
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.repeat_rows(0, header_row)
        if repeat_columns:
            ws.repeat_columns(0, 1)
        ws.print_area(0, 0, last_row, last_col)
        ws.set_footer("&L&A&R&P / &N")
        ws.protect("", {"format_columns": True, "format_rows": True})
