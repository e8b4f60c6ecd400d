"""The Ticket Volume sheet: tickets received per month by category and by
channel, and each channel's performance (first response, CSAT), with every
quarter's and year's rollup in rows below the months."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ...model.catalog import Unit
from ...model.expr import required_blank_test
from ...model.periods import Column
from ...model.reference import TOTAL
from .. import contract
from ..fixes import show_blanks_as_gaps
from ..layout import BACK_LINK_ROW, TITLE_ROW, VolumeLayout, area, cell, column_letter
from .base import SheetWriter

MONTH_WIDTH, COUNT_WIDTH, GAP_WIDTH = 12, 10, 3
MIN_PRINT_SCALE = 0.8  # no text under 10 pt here: printed at 8 pt or more
CHART_HEIGHT = 260
UNITS = {"chan_frt_hours": Unit.HOURS, "chan_csat_responses": Unit.COUNT,
         "chan_csat_satisfied": Unit.COUNT, "chan_csat": Unit.PERCENT}


class VolumeSheet(SheetWriter):
    def write(self) -> None:
        self._write_header()
        layout, result = self.layout, self.context.volume_result
        self._write_counts("vol", layout.categories, self.context.data.volume, layout.category_col,
                           layout.category_total_col, result.category_totals, "volume_by_category")
        self._write_counts("chan", layout.channels, self.context.data.channels, layout.channel_col,
                           layout.channel_total_col, result.channel_totals, "volume_by_channel")
        if layout.performance:
            for measure in layout.PERFORMANCE:
                self._write_performance(measure)
            self._write_helpers()
        self._write_mismatch_format()
        self._define_names()
        self._write_charts()
        self._set_up_page()

    @property
    def layout(self) -> VolumeLayout:
        return self.context.volume

    # header -------------------------------------------------------------
    def _write_header(self) -> None:
        ws, layout, text, styles = self.ws, self.layout, self.text, self.styles
        ws.write_string(TITLE_ROW, 0, text("volume_title"), styles.title)
        self.write_back_link(BACK_LINK_ROW, 0)
        ws.write_string(layout.INTRO_ROW, 0, text("volume_intro"), styles.subtitle)
        self.write_logo(max(layout.channel_total_col - 2, 1))
        ws.write_string(layout.HEADER_ROW, layout.MONTH_COL, text("volume_month"),
                        styles.header_left)
        for month, label in enumerate(self.context.month_labels):
            ws.write_string(layout.month_row(month), layout.MONTH_COL, label, styles.bold)
        for column in layout.rollup_columns:
            ws.write_string(layout.rollup_row(column), layout.MONTH_COL,
                            self.context.rollup_labels[column.key], styles.rollup_label)

    def _band(self, first_col: int, last_col: int, key: str) -> None:
        self.ws.merge_range(self.layout.BAND_ROW, first_col, self.layout.BAND_ROW, last_col,
                            self.text(key), self.styles.section)

    # tickets received ---------------------------------------------------
    def _write_counts(self, kind: str, names: tuple[str, ...], counts: dict[str, list[float | None]],
                      col_of: Callable[[int], int], total_col: int, totals: list[float | None],
                      band_key: str) -> None:
        ws, layout, styles = self.ws, self.layout, self.styles
        rollups = self.context.volume_result.rollups
        self._band(col_of(0), total_col, band_key)
        for index, name in enumerate(names):
            col = col_of(index)
            ws.write_string(layout.HEADER_ROW, col, name, styles.header)
            for month, value in enumerate(counts[name]):
                self.write_entry(layout.month_row(month), col, value, Unit.COUNT, (kind, name, month))
            self._write_rollups(col, Unit.COUNT, self._rollups_of(rollups, kind, name))
        if names:
            self.input_area(layout.month_row(0), col_of(0), layout.last_month_row,
                            col_of(len(names) - 1), Unit.COUNT, help=self.text("volume_count_help"),
                            title=self.text(band_key))
        ws.write_string(layout.HEADER_ROW, total_col, self.text("volume_total"), styles.header)
        for month in range(layout.months):
            row = layout.month_row(month)
            span = area(row, col_of(0), row, col_of(len(names) - 1), fixed=False)
            ws.write_formula(row, total_col, f'=IF(COUNT({span})=0,"",SUM({span}))',
                             styles.value(Unit.COUNT, bold=True), self.cached(totals[month]))
        self._write_rollups(total_col, Unit.COUNT, self._rollups_of(rollups, kind, TOTAL))

    def _rollups_of(self, values: dict[tuple[str, str, str], float | None], kind: str,
                    name: str) -> dict[str, float | None]:
        """One column's reference values of its quarter and year rows, by column key."""
        return {column.key: values[(kind, name, column.key)] for column in self.layout.rollup_columns}

    def _write_rollups(self, col: int, unit: Unit, values: dict[str, float | None],
                       formula_of: Callable[[Column], str] | None = None) -> None:
        """A column's quarter and year rows: the sum of its months, unless
        ``formula_of`` says otherwise; ``values`` are the reference's."""
        layout = self.layout
        for column in layout.rollup_columns:
            first, last = layout.month_row(column.months[0]), layout.month_row(column.months[-1])
            span = area(first, col, last, col, fixed=False)
            formula = formula_of(column) if formula_of else f'=IF(COUNT({span})=0,"",SUM({span}))'
            self.ws.write_formula(layout.rollup_row(column), col, formula,
                                  self.styles.value(unit, rollup=True, bold=True),
                                  self.cached(values[column.key]))

    # channel performance -------------------------------------------------
    def _write_performance(self, measure: str) -> None:
        ws, layout, styles, text = self.ws, self.layout, self.styles, self.text
        channels, unit = layout.channels, UNITS[measure]
        performance = self.context.volume_result.performance
        first_col = layout.performance_col(measure, 0)
        all_col = layout.performance_col(measure, len(channels))
        self._band(first_col, all_col, f"volume_{measure}")
        entered = measure != contract.CHANNEL_CSAT
        values = self.context.data.channel_measures.get(measure, {})
        for index, name in enumerate((*channels, TOTAL)):
            col = layout.performance_col(measure, index)
            ws.write_string(layout.HEADER_ROW, col, name or text("volume_all_channels"),
                            styles.header)
            for month in range(layout.months):
                row = layout.month_row(month)
                if entered and name != TOTAL:
                    self.write_entry(row, col, values[name][month], unit, (measure, name, month))
                else:
                    ws.write_formula(row, col, self._month_formula(measure, index, row),
                                     styles.value(unit, bold=name == TOTAL),
                                     self.cached(performance[(measure, name, f"m{month}")]))
            self._write_rollups(col, unit, self._rollups_of(performance, measure, name),
                                partial(self._rollup_formula, measure, index))
        if entered and channels:
            self.input_area(layout.month_row(0), first_col, layout.last_month_row,
                            layout.performance_col(measure, len(channels) - 1), unit,
                            help=text(f"volume_{measure}_help"), title=text(f"volume_{measure}"))
        if measure == "chan_csat_satisfied" and channels:  # satisfied <= answers, as on Tracker
            self._write_check(measure, "chan_csat_responses")

    def _cells(self, measure: str, index: int, first_row: int, last_row: int) -> str:
        """A performance table's cell, or its span of rows in one column."""
        col = self.layout.performance_col(measure, index)
        if first_row == last_row:
            return cell(first_row, col)
        return area(first_row, col, last_row, col, fixed=False)

    def _helper_span(self, part: str, index: int | None, first_row: int, last_row: int) -> str:
        """A helper column's span; ``index`` None spans every channel's."""
        layout = self.layout
        first = layout.helper_col(part, 0 if index is None else index)
        last = layout.helper_col(part, len(layout.channels) - 1 if index is None else index)
        return area(first_row, first, last_row, last, fixed=False)

    def _ratio(self, satisfied: str, answers: str) -> str:
        return (f'=IF({required_blank_test([satisfied, answers])},"",'
                f'IF({answers}=0,"",{satisfied}/{answers}))')

    def _month_formula(self, measure: str, index: int, row: int) -> str:
        """A computed cell of a month row: CSAT of a channel, or an all-channels total."""
        layout = self.layout
        if measure == contract.CHANNEL_CSAT:
            return self._ratio(self._cells("chan_csat_satisfied", index, row, row),
                               self._cells("chan_csat_responses", index, row, row))
        if measure == "chan_frt_hours":  # weighted by each channel's tickets
            xw, w = (self._helper_span(part, None, row, row) for part in layout.HELPERS)
            return f'=IF(SUM({w})=0,"",SUM({xw})/SUM({w}))'
        channels = area(row, layout.performance_col(measure, 0), row,
                        layout.performance_col(measure, len(layout.channels) - 1), fixed=False)
        return f'=IF(COUNT({channels})=0,"",SUM({channels}))'

    def _rollup_formula(self, measure: str, index: int, column: Column) -> str:
        layout = self.layout
        first, last = layout.month_row(column.months[0]), layout.month_row(column.months[-1])
        row = layout.rollup_row(column)
        if measure == contract.CHANNEL_CSAT:
            return self._ratio(self._cells("chan_csat_satisfied", index, row, row),
                               self._cells("chan_csat_responses", index, row, row))
        if measure == "chan_frt_hours":
            channel = None if index == len(layout.channels) else index
            xw, w = (self._helper_span(part, channel, first, last) for part in layout.HELPERS)
            return f'=IF(SUM({w})=0,"",SUM({xw})/SUM({w}))'
        span = self._cells(measure, index, first, last)
        return f'=IF(COUNT({span})=0,"",SUM({span}))'

    def _write_helpers(self) -> None:
        """Hidden cell-by-cell helpers of the weighted first response (no array
        formulas): first response x tickets, and the tickets, where both are there."""
        ws, layout = self.ws, self.layout
        helpers = self.context.volume_result.helpers
        for part in layout.HELPERS:
            for index, name in enumerate(layout.channels):
                col = layout.helper_col(part, index)
                ws.write_string(layout.HEADER_ROW, col, self.text(f"volume_helper_{part}", label=name),
                                self.styles.helper_label)
                for month in range(layout.months):
                    row = layout.month_row(month)
                    frt = cell(row, layout.performance_col("chan_frt_hours", index))
                    tickets = cell(row, layout.channel_col(index))
                    product = f"{frt}*{tickets}" if part == "xw" else tickets
                    ws.write_formula(row, col, f'=IF({required_blank_test([frt, tickets])},"",'
                                               f'{product})', self.styles.helper(Unit.DECIMAL),
                                     self.cached(helpers[(part, name, month)]))
        first, last = layout.helper_col(layout.HELPERS[0], 0), layout.helper_col(
            layout.HELPERS[-1], len(layout.channels) - 1)
        ws.set_column(first, last, None, None, {"hidden": True, "level": 1})

    def _write_check(self, measure: str, larger: str) -> None:
        """A count above the count it is part of (satisfied above answers) is flagged."""
        layout = self.layout
        first_row, last_row = layout.month_row(0), layout.last_row
        first, last = layout.performance_col(measure, 0), layout.performance_col(
            measure, len(layout.channels))
        small = cell(first_row, first)
        large = cell(first_row, layout.performance_col(larger, 0))
        self.ws.conditional_format(first_row, first, last_row, last, {
            "type": "formula", "format": self.styles.flag,
            "criteria": f"=AND(ISNUMBER({small}),ISNUMBER({large}),{small}>{large})",
        })

    # highlights, names, charts, page --------------------------------------
    def _write_mismatch_format(self) -> None:
        layout = self.layout
        first, last = layout.month_row(0), layout.last_row
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
        if layout.performance:
            last_channel = len(layout.channels) - 1
            for measure in layout.PERFORMANCE:
                define(measure, layout.ref(first_row, layout.performance_col(measure, 0), last_row,
                                           layout.performance_col(measure, last_channel)))

    def _write_charts(self) -> None:
        layout, text = self.layout, self.text
        sheet = layout.sheet
        first_row, last_row = layout.month_row(0), layout.last_month_row
        months = [sheet, first_row, layout.MONTH_COL, last_row, layout.MONTH_COL]
        charts = (
            ("line", layout.categories, layout.category_col, "chart_category_title", 1),
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
        gaps = {layout.category_total_col + 1, layout.channel_total_col + 1}
        if layout.performance:
            gaps |= {layout.performance_col(measure, len(layout.channels)) + 1
                     for measure in layout.PERFORMANCE}
        return GAP_WIDTH if col in gaps else COUNT_WIDTH

    def _set_up_page(self) -> None:
        ws, layout = self.ws, self.layout
        for col in range(layout.last_col + 1):
            ws.set_column(col, col, self._column_width(col))
        ws.set_row(layout.HEADER_ROW, 30)
        ws.freeze_panes(layout.HEADER_ROW + 1, 1)
        last_row = layout.chart_row  # set_up_print grows the area to the charts
        self.set_up_print(layout.HEADER_ROW, last_row, layout.last_col,
                          column_pages=self.column_pages(layout.column_groups, 1, MIN_PRINT_SCALE),
                          repeat_columns=1)
        ws.set_tab_color(self.config.accent_color)
