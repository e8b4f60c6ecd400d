"""Where everything sits: the sheet layouts computed from the catalog and the
configuration. No other module invents a cell address."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from xlsxwriter.utility import quote_sheetname, xl_col_to_name, xl_rowcol_to_cell

from ..config.settings import Config
from ..model.agents import AGENT_INPUT_BY_ID, AGENT_MEASURES
from ..model.calculators import Calculator
from ..model.catalog import BENCHMARKS, GROUPS, INPUT_BY_ID, KPI_BY_ID, Input, Kpi
from ..model.periods import Column, Periods

TITLE_ROW, BACK_LINK_ROW = 0, 1


def quote_sheet(name: str) -> str:
    """Sheet name as a formula prefix, quoted as Excel requires (also names that
    look like cells, such as ``Q1`` or ``FY26``)."""
    return quote_sheetname(name)


def absolute(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)


def cell(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)


def area(first_row: int, first_col: int, last_row: int, last_col: int, fixed: bool = True) -> str:
    if fixed:
        return f"{absolute(first_row, first_col)}:{absolute(last_row, last_col)}"
    return f"{cell(first_row, first_col)}:{cell(last_row, last_col)}"


@dataclass(frozen=True, repr=False, eq=False)
class Row:
    kind: str  # section, group, input, kpi, assumption, helper, blank
    key: str  # text key or id
    row: int


@dataclass
class TrackerLayout:
    """Rows and columns of the Tracker sheet."""

    sheet: str
    benchmarks: bool
    periods: Periods = field(default_factory=Periods)
    rows: list[Row] = field(default_factory=list)
    input_row: dict[str, int] = field(default_factory=dict)
    kpi_row: dict[str, int] = field(default_factory=dict)
    helper_row: dict[str, int] = field(default_factory=dict)
    section_row: dict[str, int] = field(default_factory=dict)
    assumption_row: dict[str, int] = field(default_factory=dict)
    setting_row: dict[str, int] = field(default_factory=dict)  # SLA targets, aging threshold
    benchmark_row: dict[str, int] = field(default_factory=dict)  # by KPI: the printed sources
    notes_row: int = 0  # period_notes

    # The header says each period in words (text, so that it reads the same in
    # every application and locale); the row below it holds the real dates.
    HEADER_ROW, DATES_ROW = 3, 4
    LABEL_COL, UNIT_COL, FIRST_PERIOD_COL = 0, 1, 2

    @classmethod
    def build(cls, config: Config, sheet: str) -> TrackerLayout:
        layout = cls(sheet=sheet, benchmarks=config.benchmarks, periods=config.periods)
        row = cls.DATES_ROW + 1

        def add(kind: str, key: str) -> int:
            nonlocal row
            layout.rows.append(Row(kind, key, row))
            row += 1
            return row - 1

        def add_grouped(kind: str, items: list[Input] | list[Kpi], rows: dict[str, int]) -> None:
            for group in GROUPS:
                members = [item for item in items if item.group == group]
                if members:
                    add("group", f"group_{group}")
                for item in members:
                    rows[item.id] = add(kind, item.id)

        selection = config.selection
        inputs = [INPUT_BY_ID[id] for id in selection.inputs]
        layout.section_row["inputs"] = add("section", "section_inputs")
        add_grouped("input", inputs, layout.input_row)
        add("group", "group_notes")
        layout.notes_row = add("notes", "period_notes")
        add("blank", "")
        if selection.assumptions or selection.sla_settings:
            layout.section_row["assumptions"] = add("section", "section_assumptions")
            for key in selection.sla_settings:
                layout.setting_row[key] = add("setting", key)
            for key in selection.assumptions:
                layout.assumption_row[key] = add("assumption", key)
            add("blank", "")
        layout.section_row["kpis"] = add("section", "section_kpis")
        add_grouped("kpi", [KPI_BY_ID[id] for id in selection.kpis], layout.kpi_row)
        add("blank", "")
        benchmarks = [b.kpi for b in BENCHMARKS if b.kpi in selection.kpis] if config.benchmarks else []
        if benchmarks:  # what each benchmark measures, its source and year, in print
            layout.section_row["benchmarks"] = add("section", "section_benchmarks")
            for kpi_id in benchmarks:
                layout.benchmark_row[kpi_id] = add("benchmark", kpi_id)
            add("blank", "")
        layout.section_row["helpers"] = add("section", "section_helpers")
        layout.helper_row["filled"] = add("filled", "helper_filled")
        for item in (item for item in inputs if item.weight):
            layout.helper_row[f"{item.id}_xw"] = add("helper", f"{item.id}_xw")
            layout.helper_row[f"{item.id}_w"] = add("helper", f"{item.id}_w")
        return layout

    @property
    def last_printed_row(self) -> int:
        """The KPIs and the benchmarks' sources print; the hidden helpers do not."""
        return max([*self.kpi_row.values(), *self.benchmark_row.values()])

    def benchmark_number(self, kpi_id: str) -> int:
        """The footnote number of a KPI's benchmark, from 1."""
        return list(self.benchmark_row).index(kpi_id) + 1

    @property
    def input_rows(self) -> tuple[int, int]:
        """The first and last row of the input section: a month is filled when any
        cell of its column between them holds a number."""
        return self.section_row["inputs"] + 1, max(self.input_row.values())

    # columns ---------------------------------------------------------------
    def col(self, column: Column) -> int:
        return self.FIRST_PERIOD_COL + self._column_index[column.key]

    @cached_property
    def _column_index(self) -> dict[str, int]:
        return {column.key: index for index, column in enumerate(self.periods.columns)}

    @property
    def last_period_col(self) -> int:
        return self.FIRST_PERIOD_COL + len(self.periods.columns) - 1

    @property
    def target_col(self) -> int:
        return self.last_period_col + 1

    @property
    def benchmark_col(self) -> int | None:
        return self.target_col + 1 if self.benchmarks else None

    @property
    def last_col(self) -> int:
        return self.benchmark_col if self.benchmark_col is not None else self.target_col

    # addresses -------------------------------------------------------------
    def month_cells(self, row: int, column: Column) -> list[str]:
        return [cell(row, self.FIRST_PERIOD_COL + m) for m in column.months]

    def month_span(self, row: int, column: Column) -> str:
        first = self.FIRST_PERIOD_COL + column.months[0]
        last = self.FIRST_PERIOD_COL + column.months[-1]
        return area(row, first, row, last, fixed=False)

    def months_ref(self, row: int) -> str:
        """Absolute reference to a row's month cells, for defined names."""
        first = self.FIRST_PERIOD_COL
        last = first + self.periods.count - 1
        return f"{quote_sheet(self.sheet)}!{area(row, first, row, last)}"

    def ref(self, row: int, first_col: int, last_col: int | None = None) -> str:
        text = absolute(row, first_col)
        if last_col is not None and last_col != first_col:
            text += ":" + absolute(row, last_col)
        return f"{quote_sheet(self.sheet)}!{text}"


@dataclass
class VolumeLayout:
    """The Ticket Volume sheet: months down, then each year's quarters and the
    year; across, the categories, the channels, and the channel performance
    tables (first response, CSAT answers, satisfied answers, CSAT per channel),
    each with its total, and at the far right the hidden helpers of the
    weighted first response."""

    sheet: str
    categories: tuple[str, ...]
    channels: tuple[str, ...]
    periods: Periods = field(default_factory=Periods)
    performance: bool = True  # the channel performance tables

    INTRO_ROW, BAND_ROW, HEADER_ROW = 2, 4, 5
    FIRST_MONTH_ROW = 6
    MONTH_COL = 0
    # channel performance tables, left to right
    PERFORMANCE = ("chan_frt_hours", "chan_csat_responses", "chan_csat_satisfied", "chan_csat")
    HELPERS = ("xw", "w")

    # rows --------------------------------------------------------------------
    @property
    def months(self) -> int:
        return self.periods.count

    def month_row(self, month: int) -> int:
        return self.FIRST_MONTH_ROW + month

    @property
    def last_month_row(self) -> int:
        return self.month_row(self.months - 1)

    @cached_property
    def rollup_columns(self) -> tuple[Column, ...]:
        """Quarters and years in the order of their rows: each year's quarters,
        then the year."""
        return tuple(column for year in self.periods.year_columns
                     for column in (*self.periods.quarters_of(year), year))

    def rollup_row(self, column: Column) -> int:
        return self.last_month_row + 1 + self.rollup_columns.index(column)

    @property
    def last_row(self) -> int:
        return self.last_month_row + len(self.rollup_columns)

    @property
    def chart_row(self) -> int:
        return self.last_row + 2

    def period_row(self, column: Column) -> int:
        return self.rollup_row(column) if column.is_rollup else self.month_row(column.months[0])

    # columns -----------------------------------------------------------------
    def category_col(self, index: int) -> int:
        return 1 + index

    @property
    def category_total_col(self) -> int:
        return 1 + len(self.categories)

    def channel_col(self, index: int) -> int:
        return self.category_total_col + 2 + index

    @property
    def channel_total_col(self) -> int:
        return self.channel_col(len(self.channels))

    def performance_col(self, measure: str, index: int) -> int:
        """The column of channel ``index`` in a performance table; index
        ``len(channels)`` is the table's all-channels column."""
        block = self.PERFORMANCE.index(measure)
        return self.channel_total_col + 2 + block * (len(self.channels) + 2) + index

    def helper_col(self, part: str, index: int) -> int:
        block = len(self.PERFORMANCE) + self.HELPERS.index(part)
        return self.channel_total_col + 2 + block * (len(self.channels) + 2) + index

    @property
    def last_col(self) -> int:
        """The last visible column."""
        if not self.performance:
            return self.channel_total_col
        return self.performance_col(self.PERFORMANCE[-1], len(self.channels))

    @property
    def column_groups(self) -> list[tuple[int, int]]:
        """The tables across, each kept on one printed page (with the gap before it)."""
        groups = [(1, self.category_total_col), (self.category_total_col + 1, self.channel_total_col)]
        if self.performance:
            groups += [(self.performance_col(measure, 0) - 1,
                        self.performance_col(measure, len(self.channels)))
                       for measure in self.PERFORMANCE]
        return groups

    def ref(self, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
        return f"{quote_sheet(self.sheet)}!{area(first_row, first_col, last_row, last_col)}"

    def total_cell(self, month: int) -> str:
        """The category total of a month, as other sheets refer to it."""
        return f"{quote_sheet(self.sheet)}!{absolute(self.month_row(month), self.category_total_col)}"


@dataclass(frozen=True)
class AgentBlock:
    """One measure's table on the Agents sheet: its title band, header, a row per
    agent, the team's row, and (where the Tracker has the figure) the Tracker's
    row and the unassigned difference."""

    measure: str
    band_row: int
    header_row: int
    first_agent_row: int
    team_row: int
    tracker_row: int | None
    unassigned_row: int | None

    def agent_row(self, index: int) -> int:
        return self.first_agent_row + index


@dataclass
class AgentsLayout:
    """The Agents sheet: a table per measure, agents down, months and then each
    year across (and the team's target beside the computed ones), a chart of
    tickets solved, and the hidden helpers of the weighted first response."""

    sheet: str
    agents: tuple[str, ...]  # the named agents, in row order
    rows: int  # agent rows of every table (the named ones first)
    periods: Periods = field(default_factory=Periods)
    blocks: dict[str, AgentBlock] = field(default_factory=dict)
    chart_row: int = 0
    helper_row: int = 0  # the first of two hidden rows per agent (the weighted average's parts)

    INTRO_ROW = 2
    NAME_COL, FIRST_PERIOD_COL = 0, 1

    @classmethod
    def build(cls, sheet: str, agents: tuple[str, ...], rows: int, periods: Periods) -> AgentsLayout:
        layout = cls(sheet, agents, max(rows, len(agents)), periods)
        row = cls.INTRO_ROW + 2
        for measure in AGENT_MEASURES:
            item = AGENT_INPUT_BY_ID.get(measure)
            tracked = item is not None and item.tracker is not None
            counted = tracked and item is not None and item.weight is None
            first = row + 2
            team = first + layout.rows
            tracker_row = team + 1 if tracked else None
            unassigned = team + 2 if counted else None
            layout.blocks[measure] = AgentBlock(measure, row, row + 1, first, team, tracker_row,
                                                unassigned)
            row = (unassigned or tracker_row or team) + 2
        layout.chart_row = row
        layout.helper_row = row + CHART_ROWS + 1
        return layout

    def col(self, column: Column) -> int:
        index = column.months[0] if not column.is_rollup else self.periods.count + column.year
        return self.FIRST_PERIOD_COL + index

    @property
    def last_month_col(self) -> int:
        return self.FIRST_PERIOD_COL + self.periods.count - 1

    @property
    def target_col(self) -> int:
        return self.last_month_col + self.periods.years + 1

    @property
    def last_col(self) -> int:
        return self.target_col

    @property
    def last_row(self) -> int:
        return self.chart_row + CHART_ROWS

    def ref(self, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
        return f"{quote_sheet(self.sheet)}!{area(first_row, first_col, last_row, last_col)}"


CHART_ROWS = 18  # rows a chart of the Agents sheet covers


@dataclass(frozen=True, repr=False, eq=False)
class CalculatorBlock:
    calculator: Calculator
    title_row: int
    definition_row: int
    formula_row: int
    better_row: int
    input_rows: dict[str, int]
    result_rows: dict[str, int]  # by result id ("" = main)


@dataclass
class FormulasLayout:
    """Calculators stacked down the Formulas & Definitions sheet, then the KPI table."""

    sheet: str
    blocks: list[CalculatorBlock] = field(default_factory=list)
    kpi_table_row: int = 0

    INTRO_ROW = 2
    LABEL_COL, VALUE_COL, UNIT_COL, NOTE_COL = 0, 1, 2, 3

    @classmethod
    def build(cls, calculators: tuple[Calculator, ...], sheet: str) -> FormulasLayout:
        layout = cls(sheet=sheet)
        row = cls.INTRO_ROW + 2
        for calc in calculators:
            title, definition, formula, better = row, row + 1, row + 2, row + 3
            row += 4
            inputs = {}
            for item in calc.inputs:
                inputs[item.id] = row
                row += 1
            results = {}
            for result in calc.results:
                results[result.id] = row
                row += 1
            layout.blocks.append(CalculatorBlock(calc, title, definition, formula, better,
                                                 inputs, results))
            row += 1
        layout.kpi_table_row = row + 1
        return layout

    def ref(self, row: int, col: int) -> str:
        return f"{quote_sheet(self.sheet)}!{absolute(row, col)}"


def column_letter(col: int) -> str:
    return xl_col_to_name(col)
