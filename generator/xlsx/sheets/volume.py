"""The Ticket Volume sheet: tickets received per month by category and by channel."""

from __future__ import annotations

from ...model.catalog import Unit
from .. import contract
from ..fixes import show_blanks_as_gaps
from ..layout import BACK_LINK_ROW, TITLE_ROW, VolumeLayout, area, column_letter
from .base import SheetWriter

MONTH_WIDTH, COUNT_WIDTH, GAP_WIDTH = 12, 13, 3
CHART_HEIGHT = 300


class VolumeSheet(SheetWriter):
    def write(self) -> None:
        self._write_header()
        self._write_block(self.layout.categories, self.context.data.volume,
                          self.layout.category_col, self.layout.category_total_col,
                          self.context.volume_result.category_totals,
                          self.context.volume_result.category_year,
                          self.context.volume_result.grand_category, "volume_by_category")
        self._write_block(self.layout.channels, self.context.data.channels,
                          self.layout.channel_col, self.layout.channel_total_col,
                          self.context.volume_result.channel_totals,
                          self.context.volume_result.channel_year,
                          self.context.volume_result.grand_channel, "volume_by_channel")
        self._write_mismatch_format()
        self._define_names()
        self._write_charts()
        self._set_up_page()

    @property
    def layout(self) -> VolumeLayout:
        return self.context.volume

    def _write_header(self) -> None:
        ws, layout, text, styles = self.ws, self.layout, self.text, self.styles
        ws.write_string(TITLE_ROW, 0, text("volume_title"), styles.title)
        self.write_back_link(BACK_LINK_ROW, 0)
        ws.write_string(layout.INTRO_ROW, 0, text("volume_intro"), styles.subtitle)
        self.write_logo(max(layout.last_col - 2, 1))
        ws.write_string(layout.HEADER_ROW, layout.MONTH_COL, text("volume_month"),
                        styles.header_left)
        for month, label in enumerate(self.context.month_labels):
            ws.write_string(layout.month_row(month), layout.MONTH_COL, label, styles.bold)
        total_key = "volume_year_total" if layout.months <= 12 else "volume_total"
        ws.write_string(layout.year_row, layout.MONTH_COL, text(total_key),
                        styles.bold)

    def _write_block(self, names: tuple[str, ...], counts: dict[str, list[float | None]],
                     col_of, total_col: int, totals: list[float | None],
                     year: dict[str, float | None], grand: float | None,
                     band_key: str) -> None:
        ws, layout, styles = self.ws, self.layout, self.styles
        first_col = col_of(0)
        ws.merge_range(layout.BAND_ROW, first_col, layout.BAND_ROW, total_col,
                       self.text(band_key), styles.section)
        first_row, last_row = layout.month_row(0), layout.last_month_row
        for index, name in enumerate(names):
            col = col_of(index)
            ws.write_string(layout.HEADER_ROW, col, name, styles.header)
            kind = "vol" if band_key == "volume_by_category" else "chan"
            for month, value in enumerate(counts[name]):
                self.write_entry(layout.month_row(month), col, value, Unit.COUNT,
                                 (kind, name, month))
            span = area(first_row, col, last_row, col, fixed=False)
            ws.write_formula(layout.year_row, col, f'=IF(COUNT({span})=0,"",SUM({span}))',
                             styles.value(Unit.COUNT, rollup=True, bold=True),
                             self.cached(year[name]))
        if names:
            self.input_area(first_row, first_col, last_row, col_of(len(names) - 1), Unit.COUNT,
                            help=self.text("volume_count_help"), title=self.text(band_key))
        ws.write_string(layout.HEADER_ROW, total_col, self.text("volume_total"), styles.header)
        for month in range(layout.months):
            row = layout.month_row(month)
            span = area(row, first_col, row, col_of(len(names) - 1), fixed=False)
            ws.write_formula(row, total_col, f'=IF(COUNT({span})=0,"",SUM({span}))',
                             styles.value(Unit.COUNT, bold=True), self.cached(totals[month]))
        span = area(first_row, total_col, last_row, total_col, fixed=False)
        ws.write_formula(layout.year_row, total_col, f'=IF(COUNT({span})=0,"",SUM({span}))',
                         styles.value(Unit.COUNT, rollup=True, bold=True), self.cached(grand))

    def _write_mismatch_format(self) -> None:
        layout = self.layout
        first, last = layout.month_row(0), layout.year_row
        a = f"${column_letter(layout.category_total_col)}{first + 1}"
        b = f"${column_letter(layout.channel_total_col)}{first + 1}"
        criteria = f"=AND(ISNUMBER({a}),ISNUMBER({b}),{a}<>{b})"
        for col in (layout.category_total_col, layout.channel_total_col):
            self.ws.conditional_format(first, col, last, col, {
                "type": "formula", "criteria": criteria, "format": self.styles.flag,
            })

    def _define_names(self) -> None:
        layout, define = self.layout, self.context.define
        first_row, last_row = layout.month_row(0), layout.last_month_row
        for grid, count, col_of, total_col in (
            (contract.VOLUME, len(layout.categories), layout.category_col, layout.category_total_col),
            (contract.CHANNELS, len(layout.channels), layout.channel_col, layout.channel_total_col),
        ):
            define(grid.labels,
                   layout.ref(layout.HEADER_ROW, col_of(0), layout.HEADER_ROW, col_of(count - 1)))
            define(grid.counts, layout.ref(first_row, col_of(0), last_row, col_of(count - 1)))
            define(grid.total, layout.ref(first_row, total_col, last_row, total_col))

    def _write_charts(self) -> None:
        layout, text = self.layout, self.text
        sheet = layout.sheet
        first_row, last_row = layout.month_row(0), layout.last_month_row
        months = [sheet, first_row, layout.MONTH_COL, last_row, layout.MONTH_COL]
        charts = (
            ("line", layout.categories, layout.category_col, "chart_category_title", 0),
            ("column", layout.channels, layout.channel_col, "chart_channel_title",
             layout.category_total_col + 2),
        )
        for kind, names, col_of, title_key, anchor_col in charts:
            options = {"type": kind}
            if kind == "column":
                options["subtype"] = "stacked"
            chart = self.context.workbook.add_chart(options)
            for index, colour in enumerate(self.styles.palette(len(names))):
                col = col_of(index)
                series: dict[str, object] = {
                    "name": [sheet, layout.HEADER_ROW, col],
                    "categories": months,
                    "values": [sheet, first_row, col, last_row, col],
                }
                if kind == "line":
                    series["line"] = {"color": colour, "width": 2.25}
                    series["marker"] = {"type": "circle", "size": 5,
                                        "fill": {"color": colour}, "border": {"color": colour}}
                else:
                    series["fill"] = {"color": colour}
                chart.add_series(series)
            chart.set_title({"name": text(title_key), "name_font": {"size": 12}})
            chart.set_x_axis({"name": text("chart_axis_month"), "num_font": {"size": 8}})
            chart.set_y_axis({"name": text("chart_axis_tickets"), "min": 0,
                              "major_gridlines": {"visible": True,
                                                  "line": {"color": "#D9D9D9"}}})
            chart.set_legend({"position": "bottom"})
            show_blanks_as_gaps(chart)
            width = self._width_of(anchor_col, col_of(len(names))) - 4  # inside the offsets
            chart.set_size({"width": width, "height": CHART_HEIGHT})
            self.ws.insert_chart(layout.chart_row, anchor_col, chart,
                                 {"x_offset": 2, "y_offset": 4, "object_position": 1})

    def _width_of(self, first_col: int, last_col: int) -> int:
        """Pixel width of columns first..last (to size a chart to its table)."""
        total = 0
        for col in range(first_col, last_col + 1):
            total += int(self._column_width(col) * 7 + 5)
        return max(total, 420)

    def _column_width(self, col: int) -> float:
        layout = self.layout
        if col == layout.MONTH_COL:
            return MONTH_WIDTH
        if col == layout.category_total_col + 1:
            return GAP_WIDTH
        return COUNT_WIDTH

    def _set_up_page(self) -> None:
        ws, layout = self.ws, self.layout
        for col in range(layout.last_col + 1):
            ws.set_column(col, col, self._column_width(col))
        ws.set_row(layout.HEADER_ROW, 30)
        ws.freeze_panes(layout.HEADER_ROW + 1, 1)
        last_row = layout.chart_row + CHART_HEIGHT // 20 + 2
        self.set_up_print(layout.HEADER_ROW, last_row, layout.last_col)
        ws.set_tab_color(self.config.accent_color)
