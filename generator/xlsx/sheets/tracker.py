"""The Tracker sheet: monthly inputs, their rollups, KPIs, targets and benchmarks."""

from __future__ import annotations

from ...model.catalog import (
    BENCHMARK_BY_KPI,
    IMPOSSIBLE,
    INPUT_BY_ID,
    KPI_BY_ID,
    Better,
    Input,
    Rollup,
    Unit,
)
from ...model.expr import number_text as _number
from ...model.expr import render, required_blank_test
from ...model.periods import Column, Periods
from ...model.text_keys import input_help_key, input_label_key, kpi_label_key
from .. import contract
from ..layout import BACK_LINK_ROW, TITLE_ROW, Row, TrackerLayout, absolute, area, cell, column_letter
from .base import POSITIVE, TARGET, SheetWriter, lines_needed

# Period columns fit a nine-digit amount of money in every currency ("150 000 000 ₽").
LABEL_WIDTH, UNIT_WIDTH, PERIOD_WIDTH, TARGET_WIDTH, BENCHMARK_WIDTH = 38, 10, 13.5, 13.5, 24
BENCHMARK_SPAN = 6  # months under a benchmark's footnote: the first printed page
NOTES_HEIGHT = 45  # points: three lines of a month's notes
# The smallest print scale: no text on the sheet is under 10 pt, so it prints at
# 8 pt or more; the Tracker is split across pages rather than shrunk below it.
MIN_PRINT_SCALE = 0.8
# The settings that the unit cell of a KPI row shows: "% ≤ 4 h", "% > 7 d".
UNIT_SETTINGS = {"frt_sla": ("sla_first_reply_hours", "unit_within_hours"),
                 "res_sla": ("sla_resolution_hours", "unit_within_hours"),
                 "aged_backlog": ("aging_days", "unit_older_days")}


# Placeholders for the column letters in a KPI formula rendered once per kind of
# column: this column, and the first and last month of a rollup's span.
THIS, FIRST, LAST = "\x00", "\x01", "\x02"


class _KpiScope:
    """Cell addresses a KPI formula reads, with the column left as a placeholder:
    the formula is rendered once for months and once for rollups, then filled in."""

    def __init__(self, layout: TrackerLayout, rollup: bool):
        self.layout, self.rollup = layout, rollup

    def cell(self, kind: str, id: str) -> str:
        if kind == "inp":
            return f"{THIS}{self.layout.input_row[id] + 1}"
        if kind == "kpi":
            return f"{THIS}{self.layout.kpi_row[id] + 1}"
        if kind == "assumption":
            row = self.layout.assumption_row[id]
            return f"${column_letter(self.layout.FIRST_PERIOD_COL)}${row + 1}"
        raise KeyError((kind, id))

    def month_count(self, kind: str, id: str) -> str | None:
        if not self.rollup:
            return None
        row = (self.layout.kpi_row[id] if kind == "kpi" else self.layout.input_row[id]) + 1
        return f"COUNT({FIRST}{row}:{LAST}{row})"


def _fill(template: str, layout: TrackerLayout, column: Column) -> str:
    first = layout.FIRST_PERIOD_COL
    return (template.replace(THIS, column_letter(layout.col(column)))
            .replace(FIRST, column_letter(first + column.months[0]))
            .replace(LAST, column_letter(first + column.months[-1])))


def _string(text: str) -> str:
    """A text as a formula's string literal."""
    return '"' + text.replace('"', '""') + '"'


class TrackerSheet(SheetWriter):
    def write(self) -> None:
        self._write_header()
        for row in self.layout.rows:
            writer = getattr(self, f"_write_{row.kind}_row")
            writer(row)
        self._write_conditional_formats()
        self._define_names()
        self._set_up_page()

    @property
    def layout(self) -> TrackerLayout:
        return self.context.tracker

    @property
    def periods(self) -> Periods:
        return self.context.tracker.periods

    # header -------------------------------------------------------------
    def _write_header(self) -> None:
        ws, styles, text, layout = self.ws, self.styles, self.text, self.layout
        ws.write_string(TITLE_ROW, 0, text("tracker_title"), styles.title)
        self.write_back_link(BACK_LINK_ROW, 0)
        ws.write_string(2, 0, text("start_company"), styles.subtitle)
        self.write_logo(layout.target_col)
        header, dates = layout.HEADER_ROW, layout.DATES_ROW
        ws.write_string(header, layout.LABEL_COL, text("header_metric"), styles.header_left)
        ws.write_string(header, layout.UNIT_COL, text("header_unit"), styles.header)
        ws.write_string(dates, layout.LABEL_COL, text("header_period_start"), styles.period_date_label)
        ws.write_blank(dates, layout.UNIT_COL, None, styles.period_date)
        periods = self.periods
        for column, start, label in zip(periods.months, self.context.period_starts,
                                        self.context.month_labels, strict=True):
            ws.write_string(header, layout.col(column), label, styles.header)
            ws.write_datetime(dates, layout.col(column), start, styles.period_date)
        for column in periods.rollups:
            self._write_rollup_header(column)
        for col in (*(layout.col(c) for c in periods.rollups), layout.target_col,
                    *([layout.benchmark_col] if layout.benchmark_col is not None else [])):
            ws.write_blank(dates, col, None, styles.period_date)
        ws.write_string(header, layout.target_col, text("header_target"), styles.header)
        if layout.benchmark_col is not None:
            ws.write_string(header, layout.benchmark_col, text("header_benchmark"), styles.header)
        ws.set_row(header, 30)

    def _write_rollup_header(self, column: Column) -> None:
        """A quarter's or year's header, saying how many of its months hold data
        when not all of them do ("Q4 (1 of 3 months)", "Year 2026 to date (10 of 12
        months)"): a formula over the helper row of filled months."""
        layout, total = self.layout, len(column.months)
        label = self.context.rollup_labels[column.key]
        partial_key = "year_to_date_label" if column.kind == "year" else "rollup_months_label"
        count = f"SUM({layout.month_span(layout.helper_row['filled'], column)})"
        filled = sum(self.context.months_filled[m] for m in column.months)
        partial, shown = self.worded(partial_key, count, filled, label=label, total=total)
        formula = f"=IF(AND({count}>0,{count}<{total}),{partial},{_string(label)})"
        self.ws.write_formula(layout.HEADER_ROW, layout.col(column), formula, self.styles.header,
                              shown if 0 < filled < total else label)

    def worded(self, key: str, number: str, value: float, **variables: object) -> tuple[str, str]:
        """A text with a number from a cell in it: the formula that joins the
        words around ``number`` (a cell or an expression), and the text it shows
        for ``value``."""
        marker = "\x00"
        before, _, after = self.text(key, n=marker, **variables).partition(marker)
        shown = self.text(key, n=_number(value), **variables)
        return f"{_string(before)}&{number}&{_string(after)}", shown

    # rows ---------------------------------------------------------------
    def _write_section_row(self, row: Row) -> None:
        self.write_band(row.row, self.layout.last_col, self.text(row.key), self.styles.section)

    def _write_group_row(self, row: Row) -> None:
        self.write_band(row.row, self.layout.last_col, self.text(row.key), self.styles.group)

    def _write_blank_row(self, row: Row) -> None:
        return None

    def _write_input_row(self, row: Row) -> None:
        item = INPUT_BY_ID[row.key]
        ws, styles, layout = self.ws, self.styles, self.layout
        label = self.text(input_label_key(item.id))
        ws.write_string(row.row, layout.LABEL_COL, label, styles.label)
        ws.write_string(row.row, layout.UNIT_COL, self.unit_text(item.unit), styles.unit)
        results = self.context.tracker_result.inputs
        for column in self.periods.months:
            col = layout.col(column)
            if item.from_volume:
                month = column.months[0]
                source = self.context.volume.total_cell(month)
                formula = f'=IF({required_blank_test([source])},"",{source})'
                ws.write_formula(row.row, col, formula,
                                 styles.value(item.unit), self.cached(results[(item.id, column.key)]))
            else:
                month = column.months[0]
                self.write_entry(row.row, col, self.context.data.inputs[item.id][month], item.unit,
                                 ("inp", item.id, month))
        if not item.from_volume:  # tickets received is a formula row, typed on Ticket Volume
            first, last = layout.col(self.periods.months[0]), layout.col(self.periods.months[-1])
            self.input_area(row.row, first, row.row, last, item.unit,
                            help=self.text(input_help_key(item.id)),
                            title=self.text(input_label_key(item.id)))
        if item.rollup is Rollup.OBSERVED:
            self._write_observed_rollups(item, row.row, label)
            return
        for column in self.periods.rollups:
            ws.write_formula(row.row, layout.col(column), self._rollup_formula(item, row.row, column),
                             styles.value(item.unit, rollup=True),
                             self.cached(results[(item.id, column.key)]))

    def _write_observed_rollups(self, item: Input, row: int, label: str) -> None:
        """A median or percentile is not combined from the months: the quarter and
        year cells are input cells of their own (from the tickets, or the
        helpdesk's own quarterly report), named ``inp_qtr_<id>`` and ``inp_year_<id>``."""
        layout, periods = self.layout, self.periods
        observed = self.context.data.observed.get(item.id, {})
        for index, column in enumerate(periods.rollups):
            self.write_entry(row, layout.col(column), observed.get(column.key), item.unit,
                             ("obs", item.id, index))
        for columns, key in ((periods.quarters, "observed_quarter_help"),
                             (periods.year_columns, "observed_year_help")):
            self.input_area(row, layout.col(columns[0]), row, layout.col(columns[-1]), item.unit,
                            help=self.text(key, label=label), title=label)

    def _write_notes_row(self, row: Row) -> None:
        """A text cell per month for what happened (a launch, an outage)."""
        ws, layout = self.ws, self.layout
        ws.write_string(row.row, layout.LABEL_COL, self.text("period_notes_label"), self.styles.label)
        for column in self.periods.months:
            note = self.context.data.period_notes[column.months[0]]
            col = layout.col(column)
            if note:
                ws.write_string(row.row, col, note, self.styles.input_text)
            else:
                ws.write_blank(row.row, col, None, self.styles.input_text)
        ws.set_row(row.row, NOTES_HEIGHT)

    def _write_setting_row(self, row: Row) -> None:
        """A service-level setting: the targets the SLA counts are counted against,
        and the age from which an open ticket counts as aged."""
        ws, layout = self.ws, self.layout
        label = self.text(f"setting_{row.key}")
        ws.write_string(row.row, layout.LABEL_COL, label, self.styles.label)
        unit = Unit.DAYS if row.key == "aging_days" else Unit.HOURS
        ws.write_string(row.row, layout.UNIT_COL, self.unit_text(unit), self.styles.unit)
        col = layout.FIRST_PERIOD_COL
        self.write_entry(row.row, col, (self.context.data.sla or {}).get(row.key), unit,
                         ("setting", row.key, 0))
        self.input_area(row.row, col, row.row, col, POSITIVE,
                        help=self.text(f"setting_{row.key}_help"), title=label)
        self.context.define(row.key, layout.ref(row.row, col))

    def _write_assumption_row(self, row: Row) -> None:
        ws, layout = self.ws, self.layout
        ws.write_string(row.row, layout.LABEL_COL, self.text(f"assumption_{row.key}"),
                        self.styles.label)
        ws.write_string(row.row, layout.UNIT_COL, self.unit_text(Unit.PERCENT), self.styles.unit)
        self.write_input(row.row, layout.FIRST_PERIOD_COL, self.context.data.gross_margin,
                         Unit.PERCENT)
        self.input_area(row.row, layout.FIRST_PERIOD_COL, row.row, layout.FIRST_PERIOD_COL,
                        Unit.PERCENT, help=self.text(f"assumption_{row.key}_help"),
                        title=self.text(f"assumption_{row.key}"))
        self.context.define(contract.assumption_name(row.key),
                            layout.ref(row.row, layout.FIRST_PERIOD_COL))

    def _write_kpi_row(self, row: Row) -> None:
        kpi = KPI_BY_ID[row.key]
        ws, styles, layout = self.ws, self.styles, self.layout
        ws.write_string(row.row, layout.LABEL_COL, self.text(kpi_label_key(kpi.id)), styles.label)
        if kpi.id in UNIT_SETTINGS and (setting := UNIT_SETTINGS[kpi.id])[0] in layout.setting_row:
            self._write_unit_with_setting(row.row, *setting)
        else:
            ws.write_string(row.row, layout.UNIT_COL, self.unit_text(kpi.unit), styles.unit)
        results = self.context.tracker_result.kpis
        templates = {rollup: render(kpi.formula, _KpiScope(layout, rollup))
                     for rollup in (False, True)}
        for column in self.periods.columns:
            formula = _fill(templates[column.is_rollup], layout, column)
            ws.write_formula(row.row, layout.col(column), formula,
                             styles.value(kpi.unit, rollup=column.is_rollup, bold=True),
                             self.cached(results[(kpi.id, column.key)]))
        target = (self.context.data.targets or {}).get(kpi.id)
        self.write_entry(row.row, layout.target_col, target, kpi.unit, ("target", kpi.id, 0))
        self.input_area(row.row, layout.target_col, row.row, layout.target_col, TARGET,
                        help=self.text("valid_target_help"), title=self.text("valid_target_title"))
        benchmark = BENCHMARK_BY_KPI.get(kpi.id)
        if layout.benchmark_col is not None and benchmark:
            # the figure in short, and the footnote below that says what it measures,
            # its source and its year
            figure = self.text(f"bench_{benchmark.key}_short")
            ws.write_string(row.row, layout.benchmark_col,
                            f"{figure} [{layout.benchmark_number(kpi.id)}]", styles.benchmark)

    def _write_benchmark_row(self, row: Row) -> None:
        """A benchmark's footnote: what it measures, the figure, its source and
        year, across the first months' columns so that it prints with the KPIs."""
        ws, layout = self.ws, self.layout
        benchmark = BENCHMARK_BY_KPI[row.key]
        ws.write_string(row.row, layout.LABEL_COL,
                        f"[{layout.benchmark_number(row.key)}] {self.text(kpi_label_key(row.key))}",
                        self.styles.wrap)
        last = min(layout.last_period_col, layout.FIRST_PERIOD_COL + BENCHMARK_SPAN - 1)
        text = self.text(f"bench_{benchmark.key}")
        ws.merge_range(row.row, layout.UNIT_COL, row.row, last, "", self.styles.note)
        ws.write_string(row.row, layout.UNIT_COL, text, self.styles.note)
        chars = int(UNIT_WIDTH + PERIOD_WIDTH * (last - layout.FIRST_PERIOD_COL + 1))
        ws.set_row(row.row, 14 * max(lines_needed(text, chars), lines_needed(
            self.text(kpi_label_key(row.key)), int(LABEL_WIDTH))) + 3)

    def _write_unit_with_setting(self, row: int, setting: str, key: str) -> None:
        """The unit cell of an SLA or aging row shows the target it is measured
        against, from its setting cell ("% ≤ 4 h"): change the setting, the label
        follows."""
        address = absolute(self.layout.setting_row[setting], self.layout.FIRST_PERIOD_COL)
        value = (self.context.data.sla or {}).get(setting)
        words, shown = self.worded(key, address, value if value is not None else 0)
        formula = f'=IF(ISNUMBER({address}),{words},{_string(self.unit_text(Unit.PERCENT))})'
        self.ws.write_formula(row, self.layout.UNIT_COL, formula, self.styles.unit,
                              shown if value is not None else self.unit_text(Unit.PERCENT))

    def _write_filled_row(self, row: Row) -> None:
        """Hidden: 1 for a month whose input cells hold any number (the rollup
        headers count them)."""
        ws, layout = self.ws, self.layout
        ws.write_string(row.row, layout.LABEL_COL, self.text(row.key), self.styles.helper_label)
        first, last = layout.input_rows
        for column in self.periods.months:
            col = layout.col(column)
            span = area(first, col, last, col, fixed=False)
            ws.write_formula(row.row, col, f"=IF(COUNT({span})>0,1,0)",
                             self.styles.helper(Unit.COUNT),
                             self.context.months_filled[column.months[0]])
        ws.set_row(row.row, None, None, {"hidden": True, "level": 1})

    def _write_helper_row(self, row: Row) -> None:
        """Hidden cell-by-cell helpers for weighted averages (no array formulas)."""
        input_id, part = row.key.rsplit("_", 1)
        item = INPUT_BY_ID[input_id]
        ws, layout = self.ws, self.layout
        label = self.text(input_label_key(input_id))
        ws.write_string(row.row, layout.LABEL_COL, self.text(f"helper_{part}", label=label),
                        self.styles.helper_label)
        assert item.weight is not None  # helper rows exist only for weighted inputs
        value_row, weight_row = layout.input_row[input_id], layout.input_row[item.weight]
        for column in self.periods.months:
            col = layout.col(column)
            value, weight = cell(value_row, col), cell(weight_row, col)
            product = f"{value}*{weight}" if part == "xw" else weight
            formula = f'=IF({required_blank_test([value, weight])},"",{product})'
            ws.write_formula(row.row, col, formula, self.styles.helper(Unit.DECIMAL),
                             self.cached(self.context.tracker_result.helpers[(row.key, column.key)]))
        ws.set_row(row.row, None, None, {"hidden": True, "level": 1})

    # formulas -------------------------------------------------------------
    def _rollup_formula(self, item: Input, row: int, column: Column) -> str:
        layout = self.layout
        span = layout.month_span(row, column)
        if item.rollup is Rollup.FLOW:
            return f'=IF(COUNT({span})=0,"",SUM({span}))'
        if item.rollup is Rollup.MEAN:
            return f'=IF(COUNT({span})=0,"",AVERAGE({span}))'
        if item.rollup is Rollup.WEIGHTED:
            xw = layout.month_span(layout.helper_row[f"{item.id}_xw"], column)
            w = layout.month_span(layout.helper_row[f"{item.id}_w"], column)
            return f'=IF(SUM({w})=0,"",SUM({xw})/SUM({w}))'
        # Stocks: the first or last filled value, as a chain of IFs (no array lookups,
        # which engines disagree on). The year chains over the quarter cells.
        if column.kind == "year":
            cells = [cell(row, layout.col(q)) for q in self.periods.quarters_of(column)]
        else:
            cells = layout.month_cells(row, column)
        if item.rollup is Rollup.STOCK_END:
            cells = cells[::-1]
        formula = '""'
        for address in reversed(cells):
            formula = f"IF(ISNUMBER({address}),{address},{formula})"
        return "=" + formula

    # conditional formats --------------------------------------------------
    def _write_conditional_formats(self) -> None:
        ws, layout, styles = self.ws, self.layout, self.styles
        first, last = layout.FIRST_PERIOD_COL, layout.last_period_col
        target_letter = column_letter(layout.target_col)
        # Each KPI row against its target, in the right direction; one rule per row
        # and colour, anchored at the row's first cell (Google Sheets keeps no
        # multi-range rules).
        months_last = layout.col(self.periods.months[-1])
        for kpi_id, row in layout.kpi_row.items():
            kpi = KPI_BY_ID[kpi_id]
            if kpi.better is Better.NONE:
                continue
            good, bad = (">=", "<") if kpi.better is Better.HIGHER else ("<=", ">")
            end = months_last if kpi.grows_with_period else last
            value, target = cell(row, first), f"${target_letter}${row + 1}"
            for operator, style in ((good, styles.good), (bad, styles.bad)):
                ws.conditional_format(row, first, row, end, {
                    "type": "formula",
                    "criteria": f"=AND(ISNUMBER({value}),ISNUMBER({target}),{value}{operator}{target})",
                    "format": style,
                })
        self._write_impossible_formats()
        self._write_backlog_formats()
        # Checks hold month by month; in rollups a flow (new customers over a year)
        # may exceed a stock (customers at the end) without anything being wrong.
        for check in self.config.selection.checks():
            small, large = layout.input_row[check.small], layout.input_row[check.large]
            for row in (small, large):
                a, b = cell(small, first), cell(large, first)
                ws.conditional_format(row, first, row, months_last, {
                    "type": "formula",
                    "criteria": f"=AND(ISNUMBER({a}),ISNUMBER({b}),{a}>{b})",
                    "format": styles.flag,
                })

    def _write_impossible_formats(self) -> None:
        """KPI values no consistent inputs give (a resolution rate above 100 %, a
        negative backlog) are flagged in every column; written before the target
        colours, so the flag is what shows."""
        layout, first = self.layout, self.layout.FIRST_PERIOD_COL
        for kpi_id, operator, bound in IMPOSSIBLE:
            if kpi_id not in layout.kpi_row:
                continue
            row = layout.kpi_row[kpi_id]
            value = cell(row, first)
            self.ws.conditional_format(row, first, row, layout.last_period_col, {
                "type": "formula", "format": self.styles.flag,
                "criteria": f"=AND(ISNUMBER({value}),{value}{operator}{_number(bound)})",
            })

    def _write_backlog_formats(self) -> None:
        """A month's opening backlog that is not the previous month's closing one
        (as the helpdesk counts it, or where that is blank as the workbook
        computes it), and a closing count that differs from the computed one."""
        layout, months = self.layout, self.periods.months
        rows = layout.input_row
        first, last = layout.col(months[0]), layout.col(months[-1])
        backlog = layout.kpi_row.get("backlog_end")
        if "tickets_open_start" in rows and len(months) > 1:
            row, second = rows["tickets_open_start"], first + 1
            opened = cell(row, second)
            closed = cell(rows["tickets_open_end"], first) if "tickets_open_end" in rows else None
            computed = cell(backlog, first) if backlog is not None else None
            if closed and computed:
                differs = (f"IF(ISNUMBER({closed}),{opened}<>{closed},"
                           f"AND(ISNUMBER({computed}),{opened}<>{computed}))")
            elif closed or computed:
                before = closed or computed
                differs = f"AND(ISNUMBER({before}),{opened}<>{before})"
            else:
                differs = ""
            if differs:
                self.ws.conditional_format(row, second, row, last, {
                    "type": "formula", "format": self.styles.flag,
                    "criteria": f"=AND(ISNUMBER({opened}),{differs})",
                })
        if "tickets_open_end" in rows and backlog is not None:
            row = rows["tickets_open_end"]
            closed, computed = cell(row, first), cell(backlog, first)
            self.ws.conditional_format(row, first, row, last, {
                "type": "formula", "format": self.styles.flag,
                "criteria": f"=AND(ISNUMBER({closed}),ISNUMBER({computed}),{closed}<>{computed})",
            })

    # names and page ---------------------------------------------------------
    def _define_names(self) -> None:
        layout, define = self.layout, self.context.define
        define(contract.PERIOD_START, layout.months_ref(layout.DATES_ROW))
        quarters, years = self.periods.quarters, self.periods.year_columns
        for input_id, row in layout.input_row.items():
            if not INPUT_BY_ID[input_id].from_volume:
                define(contract.input_name(input_id), layout.months_ref(row))
            if INPUT_BY_ID[input_id].rollup is Rollup.OBSERVED:
                define(contract.observed_quarter_name(input_id),
                       layout.ref(row, layout.col(quarters[0]), layout.col(quarters[-1])))
                define(contract.observed_year_name(input_id),
                       layout.ref(row, layout.col(years[0]), layout.col(years[-1])))
        define(contract.PERIOD_NOTES, layout.months_ref(layout.notes_row))
        for kpi_id, row in layout.kpi_row.items():
            define(contract.kpi_name(kpi_id), layout.months_ref(row))
            define(contract.quarter_name(kpi_id),
                   layout.ref(row, layout.col(quarters[0]), layout.col(quarters[-1])))
            define(contract.year_name(kpi_id),
                   layout.ref(row, layout.col(years[0]), layout.col(years[-1])))
            define(contract.target_name(kpi_id), layout.ref(row, layout.target_col))

    def _set_up_page(self) -> None:
        ws, layout = self.ws, self.layout
        ws.set_column(layout.LABEL_COL, layout.LABEL_COL, LABEL_WIDTH)
        ws.set_column(layout.UNIT_COL, layout.UNIT_COL, UNIT_WIDTH)
        ws.set_column(layout.FIRST_PERIOD_COL, layout.last_period_col, PERIOD_WIDTH)
        ws.set_column(layout.target_col, layout.target_col, TARGET_WIDTH)
        if layout.benchmark_col is not None:
            ws.set_column(layout.benchmark_col, layout.benchmark_col, BENCHMARK_WIDTH)
        ws.freeze_panes(layout.DATES_ROW + 1, layout.FIRST_PERIOD_COL)
        last_row = layout.last_printed_row
        self.set_up_print(layout.DATES_ROW, last_row, layout.last_col,
                          column_pages=self._column_pages(), repeat_columns=layout.FIRST_PERIOD_COL)
        ws.set_tab_color(self.config.primary_color)

    def _column_pages(self) -> list[tuple[int, int]]:
        """Printed pages across, so that no text prints below 8 pt: the months in
        equal runs as long as a page holds (six months a page on A4), then the
        quarters, years, target and benchmark, the last two kept together."""
        layout, periods = self.layout, self.periods
        first = layout.FIRST_PERIOD_COL
        months = [(layout.col(c), layout.col(c)) for c in periods.months]
        month_pages = len(self.column_pages(months, first, MIN_PRINT_SCALE))
        run = -(-periods.count // month_pages)  # equal runs: 6 + 6, not 8 + 4
        groups = [(first + start, first + min(start + run, periods.count) - 1)
                  for start in range(0, periods.count, run)]
        groups += [(layout.col(c), layout.col(c)) for c in periods.rollups]
        groups.append((layout.target_col, layout.last_col))
        rollups = frozenset({layout.col(periods.rollups[0])})  # on a page of their own
        return self.column_pages(groups, first, MIN_PRINT_SCALE, new_page=rollups)
