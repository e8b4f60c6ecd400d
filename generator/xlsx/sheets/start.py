"""The Start here sheet: title, how to use, navigation, legend, helpdesk sources."""

from __future__ import annotations

from ...model.catalog import INPUT_BY_ID
from ...model.text_keys import input_label_key
from ..layout import TITLE_ROW
from .base import SheetWriter, lines_needed

HELPDESKS = ("zendesk", "freshdesk", "helpscout", "intercom")
WIDTHS = (34, 40, 40, 40, 40)


class StartSheet(SheetWriter):
    def write(self) -> None:
        row = self._write_title()
        row = self._write_steps(row + 1)
        row = self._write_links(row + 1)
        row = self._write_legend(row + 1)
        row = self._write_sources(row + 1)
        for col, width in enumerate(WIDTHS):
            self.ws.set_column(col, col, width)
        self.ws.hide_gridlines(2)
        self.set_up_print(TITLE_ROW, row, len(WIDTHS) - 1)
        self.ws.set_tab_color(self.config.primary_color)
        self.ws.activate()

    def _write_title(self) -> int:
        ws, text, styles = self.ws, self.text, self.styles
        ws.write_string(TITLE_ROW, 0, text("start_title"), styles.title)
        self.write_logo(len(WIDTHS) - 1)
        ws.set_row(TITLE_ROW, 24)
        ws.write_string(TITLE_ROW + 1, 0, text("start_company"), styles.subtitle)
        labels = self.context.month_labels
        ws.write_string(TITLE_ROW + 2, 0, text("start_period", first_month=labels[0],
                                               last_month=labels[-1]), styles.subtitle)
        return TITLE_ROW + 3

    def _write_steps(self, row: int) -> int:
        ws, text, styles = self.ws, self.text, self.styles
        self.write_band(row, len(WIDTHS) - 1, text("start_steps_title"), styles.section)
        for step in range(1, 5):
            row += 1
            ws.merge_range(row, 0, row, len(WIDTHS) - 1, "", styles.wrap)
            ws.write_string(row, 0, text(f"start_step_{step}"), styles.wrap)
            ws.set_row(row, 30)
        return row + 1

    def _write_links(self, row: int) -> int:
        text, styles, context = self.text, self.styles, self.context
        self.write_band(row, len(WIDTHS) - 1, text("start_links_title"), styles.section)
        tracker, names = context.tracker, context.sheet_names
        links = [
            (names["tracker"], f"A{tracker.section_row['inputs'] + 1}", "link_tracker_inputs"),
            (names["tracker"], f"A{tracker.section_row['kpis'] + 1}", "link_tracker_kpis"),
        ]
        if "assumptions" in tracker.section_row:
            links.append((names["tracker"], f"A{tracker.section_row['assumptions'] + 1}",
                          "link_tracker_assumptions"))
        if context.config.selection.volume:
            links.append((names["volume"], "A1", "link_volume"))
        if context.config.selection.agents:
            links.append((names["agents"], "A1", "link_agents"))
        links.append((names["formulas"], "A1", "link_formulas"))
        for sheet, target, key in links:
            row += 1
            self.write_link(row, 0, sheet, target, text(key))
        return row + 1

    def _write_legend(self, row: int) -> int:
        ws, text, styles = self.ws, self.text, self.styles
        for key, style in (("start_legend_input", styles.legend_input),
                           ("start_legend_flag", styles.legend_flag),
                           ("start_legend_good", styles.legend_good),
                           ("start_legend_bad", styles.legend_bad)):
            ws.write_string(row, 0, text(key), style)
            row += 1
        return row

    def _write_sources(self, row: int) -> int:
        ws, text, styles = self.ws, self.text, self.styles
        self.write_band(row, len(WIDTHS) - 1, text("start_sources_title"), styles.section)
        row += 1
        ws.merge_range(row, 0, row, len(WIDTHS) - 1, "", styles.note)
        ws.write_string(row, 0, text("start_sources_intro"), styles.note)
        row += 1
        ws.write_string(row, 0, text("src_header_input"), styles.header_left)
        for col, desk in enumerate(HELPDESKS, start=1):
            ws.write_string(row, col, text(f"src_header_{desk}"), styles.header_left)
        for item in (INPUT_BY_ID[id] for id in self.config.selection.inputs):
            row += 1
            ws.write_string(row, 0, text(input_label_key(item.id)), styles.wrap)
            lines = 2
            for col, desk in enumerate(HELPDESKS, start=1):
                source = text(f"src_{item.id}_{desk}")
                lines = max(lines, lines_needed(source, 42))
                ws.write_string(row, col, source, styles.wrap)
            ws.set_row(row, 13 * lines + 3)
        return row
