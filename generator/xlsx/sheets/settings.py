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

    def _write_import_log(self, header: int) -> None:
        """Every cell an import wrote (kind, key, period, value), under a header."""
        ws, context = self.ws, self.context
        log = sorted(context.data.imported.items(), key=lambda item: (item[0][0], item[0][1],
                                                                       item[0][2]))
        if not log:
            return
        for col, title in enumerate(("kind", "key", "period", "value")):
            ws.write_string(header, col, title, self.styles.bold)
        periods = context.config.periods
        for offset, ((kind, key, index), value) in enumerate(log, start=1):
            row = header + offset
            ws.write_string(row, 0, kind)
            ws.write_string(row, 1, key)
            ws.write_string(row, 2, contract.period_label(context.period_starts, periods, kind, index))
            if value is None:
                ws.write_blank(row, 3, None)
            else:
                ws.write_number(row, 3, value)
        context.define(contract.IMPORT_LOG,  # with its header: all of it is csmetrics'
                       f"{quote_sheet(ws.name)}!{absolute(header, 0)}:{absolute(header + len(log), 3)}")

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
        self._write_import_log(FIRST_ROW + len(self.properties.encode()) + 1)
        ws.set_column(KEY_COL, KEY_COL, 34)
        ws.set_column(VALUE_COL, VALUE_COL, 60)
        ws.protect("", {"format_columns": True, "format_rows": True})
        ws.hide()
