"""The hidden settings sheet: how the workbook was made, in cells.

The same settings are custom document properties too, but Google Sheets drops
those on download while it keeps hidden sheets and named ranges; so every
property is also a row here, its value cell named like the property
(``csmetrics_language`` ...). The reader prefers these cells.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from .. import contract
from ..layout import absolute, quote_sheet
from .base import Context, SheetWriter

KEY_COL, VALUE_COL = 0, 1
FIRST_ROW = 3


class SettingsSheet(SheetWriter):
    """Key and value rows, hidden and protected: a team has no reason to edit them."""

    def __init__(self, context: Context, worksheet: Worksheet, properties: contract.Properties):
        super().__init__(context, worksheet)
        self.properties = properties

    def write(self) -> None:
        ws, styles, text = self.ws, self.styles, self.text
        ws.write_string(0, 0, text("settings_title"), styles.title)
        ws.write_string(1, 0, text("settings_intro"), styles.note)
        for offset, (name, value) in enumerate(self.properties.encode().items()):
            row = FIRST_ROW + offset
            ws.write_string(row, KEY_COL, name, styles.label)
            if isinstance(value, int):
                ws.write_number(row, VALUE_COL, value)
            else:
                ws.write_string(row, VALUE_COL, value)
            self.context.define(name, f"{quote_sheet(ws.name)}!{absolute(row, VALUE_COL)}")
        ws.set_column(KEY_COL, KEY_COL, 34)
        ws.set_column(VALUE_COL, VALUE_COL, 60)
        ws.protect("", {"format_columns": True, "format_rows": True})
        ws.hide()
