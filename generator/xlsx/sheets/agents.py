"""The Agents sheet: each agent's tickets solved, one-touch, reopens, replies,
first response and CSAT per month and year, computed rates coloured against the
team's targets, and a team row that equals the Tracker's figures when every
ticket has an agent (the difference, tickets without one, is shown and flagged)."""

from __future__ import annotations

from collections.abc import Callable

from ...model.agents import AGENT_CHECKS, AGENT_INPUT_BY_ID, AGENT_KPIS
from ...model.catalog import KPI_BY_ID, Better, Unit
from ...model.expr import render, required_blank_test
from ...model.periods import Column
from ...model.reference import TOTAL, agent_columns
from .. import contract
from ..fixes import show_blanks_as_gaps
from ..layout import (
    BACK_LINK_ROW,
    CHART_ROWS,
    TITLE_ROW,
    AgentBlock,
    AgentsLayout,
    absolute,
    area,
    cell,
    quote_sheet,
)
from .base import SheetWriter

NAME_WIDTH, PERIOD_WIDTH, TARGET_WIDTH = 28, 10, 10
MIN_PRINT_SCALE = 0.8  # no text under 10 pt: printed at 8 pt or more
SOLVED = "agent_solved"  # the first table: its name cells are where names are typed
KPI_OF = {kpi.id: kpi for kpi in AGENT_KPIS}
TARGETS = {"agent_frt_hours": "frt", **{kpi.id: kpi.target for kpi in AGENT_KPIS}}


class _Scope:
    """Cells a computed measure reads: the same row (an agent's, or the team's)
    and column of the other tables."""

    def __init__(self, layout: AgentsLayout, row_of: Callable[[AgentBlock], int], col: int):
        self.layout, self.row_of, self.col = layout, row_of, col

    def cell(self, kind: str, id: str) -> str:
        return cell(self.row_of(self.layout.blocks[id]), self.col)

    def month_count(self, kind: str, id: str) -> str | None:
        return None


class AgentsSheet(SheetWriter):
    def write(self) -> None:
        self._write_header()
        for block in self.layout.blocks.values():
            self._write_block(block)
        self._write_helpers()
        self._write_checks()
        self._define_names()
        self._write_chart()
        self._set_up_page()

    @property
    def layout(self) -> AgentsLayout:
        return self.context.agents

    @property
    def columns(self) -> tuple[Column, ...]:
        return agent_columns(self.layout.periods)

    def _name(self, index: int) -> str:
        agents = self.layout.agents
        return agents[index] if index < len(agents) else ""

    def _key(self, index: int) -> str:
        """An agent row's key in the data: its name, or its place for a blank row."""
        return self._name(index) or f"#{index + 1}"

    # header ----------------------------------------------------------------
    def _write_header(self) -> None:
        ws, text, styles = self.ws, self.text, self.styles
        ws.write_string(TITLE_ROW, 0, text("agents_title"), styles.title)
        self.write_back_link(BACK_LINK_ROW, 0)
        ws.merge_range(self.layout.INTRO_ROW, 0, self.layout.INTRO_ROW, self.layout.last_month_col,
                       "", styles.note)
        ws.write_string(self.layout.INTRO_ROW, 0, text("agents_intro"), styles.note)
        ws.set_row(self.layout.INTRO_ROW, 42)
        self.write_logo(self.layout.target_col - 1)

    # tables ----------------------------------------------------------------
    def _write_block(self, block: AgentBlock) -> None:
        ws, layout, styles, text = self.ws, self.layout, self.styles, self.text
        measure = block.measure
        item, kpi = AGENT_INPUT_BY_ID.get(measure), KPI_OF.get(measure)
        unit = item.unit if item else kpi.unit if kpi else Unit.COUNT
        self.write_band(block.band_row, layout.last_col, text(f"{measure}_title"), styles.section)
        ws.write_string(block.header_row, layout.NAME_COL, text("agents_header_agent"), styles.header_left)
        for column in self.columns:
            label = (self.context.month_labels[column.months[0]] if not column.is_rollup
                     else self.context.rollup_labels[column.key])
            ws.write_string(block.header_row, layout.col(column), label, styles.header)
        targeted = measure in TARGETS and TARGETS[measure] in self.config.selection.kpis
        ws.write_string(block.header_row, layout.target_col,
                        text("agents_target") if targeted else "", styles.header)
        values = self.context.agents_result.values
        for index in range(layout.rows):
            row = block.agent_row(index)
            self._write_name(block, index)
            for column in self.columns:
                col = layout.col(column)
                name = self._name(index)  # a blank row computes nothing (and "" is the team)
                value = values.get((measure, name, column.key)) if name else None
                if item is not None and not column.is_rollup:
                    entered = self.context.data.agents.get(self._name(index), {}).get(measure)
                    self.write_entry(row, col, entered[column.months[0]] if entered else None,
                                     unit, (measure, self._key(index), column.months[0]))
                else:
                    ws.write_formula(row, col, self._formula(measure, index, column),
                                     styles.value(unit, rollup=column.is_rollup), self.cached(value))
        if item is not None:
            first, last = block.first_agent_row, block.agent_row(layout.rows - 1)
            self.input_area(first, layout.FIRST_PERIOD_COL, last, layout.last_month_col, unit,
                            help=text(f"{measure}_help"), title=text(f"{measure}_title"))
        self._write_team(block, unit)
        if targeted:
            self._write_target(block, unit)

    def _write_name(self, block: AgentBlock, index: int) -> None:
        """The first table's name cells are typed; the others show them."""
        ws, layout = self.ws, self.layout
        row, name = block.agent_row(index), self._name(index)
        if block.measure == SOLVED:
            if name:
                ws.write_string(row, layout.NAME_COL, name, self.styles.input_name)
            else:
                ws.write_blank(row, layout.NAME_COL, None, self.styles.input_name)
            return
        source = absolute(layout.blocks[SOLVED].agent_row(index), layout.NAME_COL)
        ws.write_formula(row, layout.NAME_COL, f'=""&{source}', self.styles.label,  # "" when blank
                         name or self.cached(None))

    def _formula(self, measure: str, index: int, column: Column) -> str:
        """A computed cell of an agent: a rate, or an entered measure's year."""
        layout = self.layout
        row = layout.blocks[measure].agent_row(index)
        col = layout.col(column)
        if measure in KPI_OF:
            return render(KPI_OF[measure].formula,
                          _Scope(layout, lambda block: block.agent_row(index), col))
        first = layout.FIRST_PERIOD_COL + column.months[0]
        last = layout.FIRST_PERIOD_COL + column.months[-1]
        if AGENT_INPUT_BY_ID[measure].weight is not None:  # the average first response
            xw, w = (area(start + index, first, start + index, last, fixed=False)
                     for start in self._helper_starts)
            return f'=IF(SUM({w})=0,"",SUM({xw})/SUM({w}))'
        span = area(row, first, row, last, fixed=False)
        return f'=IF(COUNT({span})=0,"",SUM({span}))'

    def _team_formula(self, measure: str, column: Column) -> str:
        layout = self.layout
        block = layout.blocks[measure]
        col = layout.col(column)
        first_agent, last_agent = block.first_agent_row, block.agent_row(layout.rows - 1)
        if measure in KPI_OF:
            return render(KPI_OF[measure].formula, _Scope(layout, lambda block: block.team_row, col))
        if AGENT_INPUT_BY_ID[measure].weight is not None:
            first = layout.FIRST_PERIOD_COL + column.months[0]
            last = layout.FIRST_PERIOD_COL + column.months[-1]
            xw, w = (area(start, first, start + layout.rows - 1, last, fixed=False)
                     for start in self._helper_starts)
            return f'=IF(SUM({w})=0,"",SUM({xw})/SUM({w}))'
        span = area(first_agent, col, last_agent, col, fixed=False)
        return f'=IF(COUNT({span})=0,"",SUM({span}))'

    def _write_team(self, block: AgentBlock, unit: Unit) -> None:
        """The team's row; where the Tracker has the figure, its row and the
        difference (tickets without an agent), and the team row flagged where
        they disagree."""
        ws, layout, styles, text = self.ws, self.layout, self.styles, self.text
        measure, result = block.measure, self.context.agents_result
        ws.write_string(block.team_row, layout.NAME_COL, text("agents_team"), styles.bold)
        for column in self.columns:
            ws.write_formula(block.team_row, layout.col(column), self._team_formula(measure, column),
                             styles.value(unit, rollup=column.is_rollup, bold=True),
                             self.cached(result.values[(measure, TOTAL, column.key)]))
        item = AGENT_INPUT_BY_ID.get(measure)
        if block.tracker_row is None or item is None or item.tracker is None:
            return
        tracker = self.context.tracker
        tracked = item.tracker in tracker.input_row
        ws.write_string(block.tracker_row, layout.NAME_COL, text("agents_tracker"), styles.helper_label)
        for column in self.columns:
            col = layout.col(column)
            if tracked:
                source = (f"{quote_sheet(tracker.sheet)}!"
                          f"{absolute(tracker.input_row[item.tracker], tracker.col(column))}")
                value = self.context.tracker_result.inputs[(item.tracker, column.key)]
                ws.write_formula(block.tracker_row, col, f'=IF({required_blank_test([source])},"",'
                                 f'{source})', styles.value(unit, rollup=column.is_rollup),
                                 self.cached(value))
            else:
                ws.write_blank(block.tracker_row, col, None, styles.value(unit, rollup=column.is_rollup))
        if block.unassigned_row is not None:
            ws.write_string(block.unassigned_row, layout.NAME_COL, text("agents_unassigned"),
                            styles.helper_label)
            ws.write_comment(block.unassigned_row, layout.NAME_COL, text("agents_unassigned_note"),
                             {"x_scale": 2, "y_scale": 1.2})
            for column in self.columns:
                col = layout.col(column)
                whole, team = cell(block.tracker_row, col), cell(block.team_row, col)
                ws.write_formula(block.unassigned_row, col,
                                 f'=IF({required_blank_test([whole, team])},"",{whole}-{team})',
                                 styles.value(unit, rollup=column.is_rollup),
                                 self.cached(self.context.agents_result.unassigned[(measure, column.key)]))
        if tracked:  # the team row flagged where the Tracker disagrees
            last = (layout.last_month_col if item.weight is not None  # the Tracker weighs
                    else layout.col(self.columns[-1]))                # years otherwise
            team, whole = cell(block.team_row, layout.FIRST_PERIOD_COL), cell(
                block.tracker_row, layout.FIRST_PERIOD_COL)
            ws.conditional_format(block.team_row, layout.FIRST_PERIOD_COL, block.team_row, last, {
                "type": "formula", "format": styles.flag,
                "criteria": f"=AND(ISNUMBER({team}),ISNUMBER({whole}),ABS({team}-{whole})>0.000001)",
            })

    def _write_target(self, block: AgentBlock, unit: Unit) -> None:
        """The team's target beside the table (from the Tracker), and every agent's
        cells coloured against it in the right direction."""
        ws, layout, styles, tracker = self.ws, self.layout, self.styles, self.context.tracker
        kpi_id = TARGETS[block.measure]
        source = f"{quote_sheet(tracker.sheet)}!{absolute(tracker.kpi_row[kpi_id], tracker.target_col)}"
        target = (self.context.data.targets or {}).get(kpi_id)
        ws.write_formula(block.first_agent_row, layout.target_col,
                         f'=IF({required_blank_test([source])},"",{source})', styles.value(unit),
                         self.cached(target))
        better = KPI_BY_ID[kpi_id].better
        good, bad = (">=", "<") if better is Better.HIGHER else ("<=", ">")
        first_row, last_row = block.first_agent_row, block.team_row
        last_col = layout.col(self.columns[-1])
        value = cell(first_row, layout.FIRST_PERIOD_COL)
        goal = absolute(block.first_agent_row, layout.target_col)
        for operator, style in ((good, styles.good), (bad, styles.bad)):
            ws.conditional_format(first_row, layout.FIRST_PERIOD_COL, last_row, last_col, {
                "type": "formula", "format": style,
                "criteria": f"=AND(ISNUMBER({value}),ISNUMBER({goal}),{value}{operator}{goal})",
            })

    @property
    def _helper_starts(self) -> tuple[int, int]:
        """The first hidden row of the first responses x tickets, and of the tickets."""
        return self.layout.helper_row, self.layout.helper_row + self.layout.rows

    def _write_helpers(self) -> None:
        """Hidden, one row per agent twice: first response x its tickets, and the
        tickets, where both are there, cell by cell (no array formulas): the
        weighted averages' parts."""
        ws, layout = self.ws, self.layout
        frt, count = layout.blocks["agent_frt_hours"], layout.blocks["agent_frt_count"]
        helpers = self.context.agents_result.helpers
        for part, start in zip(("xw", "w"), self._helper_starts, strict=True):
            for index in range(layout.rows):
                row, name = start + index, self._name(index)
                ws.write_string(row, layout.NAME_COL, self.text(f"agents_helper_{part}", n=index + 1),
                                self.styles.helper_label)
                for column in self.layout.periods.months:
                    col, month = layout.col(column), column.months[0]
                    hours, tickets = cell(frt.agent_row(index), col), cell(count.agent_row(index), col)
                    product = f"{hours}*{tickets}" if part == "xw" else tickets
                    value = helpers.get((part, name, month)) if name else None
                    ws.write_formula(row, col, f'=IF({required_blank_test([hours, tickets])},"",'
                                     f'{product})', self.styles.helper(Unit.DECIMAL), self.cached(value))
                ws.set_row(row, None, None, {"hidden": True, "level": 1})

    def _write_checks(self) -> None:
        """One-touch and reopened within solved, satisfied within the answers: both
        tables flagged, cell by cell (the rule's references shift from its corner)."""
        layout = self.layout
        for small, large in AGENT_CHECKS:
            a, b = layout.blocks[small], layout.blocks[large]
            x, y = (cell(block.first_agent_row, layout.FIRST_PERIOD_COL) for block in (a, b))
            for block in (a, b):
                self.ws.conditional_format(block.first_agent_row, layout.FIRST_PERIOD_COL,
                                           block.agent_row(layout.rows - 1), layout.last_month_col, {
                    "type": "formula", "format": self.styles.flag,
                    "criteria": f"=AND(ISNUMBER({x}),ISNUMBER({y}),{x}>{y})",
                })

    def _define_names(self) -> None:
        layout, define = self.layout, self.context.define
        solved = layout.blocks[SOLVED]
        last_agent = layout.rows - 1
        define(contract.AGENT_NAMES, layout.ref(solved.first_agent_row, layout.NAME_COL,
                                                solved.agent_row(last_agent), layout.NAME_COL))
        years = layout.periods.year_columns
        for measure, block in layout.blocks.items():
            define(measure, layout.ref(block.first_agent_row, layout.FIRST_PERIOD_COL,
                                       block.agent_row(last_agent), layout.last_month_col))
            define(contract.agent_year_name(measure),
                   layout.ref(block.first_agent_row, layout.col(years[0]),
                              block.agent_row(last_agent), layout.col(years[-1])))

    def _write_chart(self) -> None:
        """Tickets solved per agent per month: the named agents' entered rows."""
        layout = self.layout
        if not layout.agents:
            return
        block, sheet = layout.blocks[SOLVED], layout.sheet
        chart = self.context.workbook.add_chart({"type": "line"})
        for index, colour in enumerate(self.styles.palette(len(layout.agents))):
            row = block.agent_row(index)
            chart.add_series({
                "name": [sheet, row, layout.NAME_COL],
                "categories": [sheet, block.header_row, layout.FIRST_PERIOD_COL, block.header_row,
                               layout.last_month_col],
                "values": [sheet, row, layout.FIRST_PERIOD_COL, row, layout.last_month_col],
                "line": {"color": colour, "width": 2.25},
                "marker": {"type": "circle", "size": 5, "fill": {"color": colour},
                           "border": {"color": colour}},
            })
        chart.set_title({"name": self.text("agents_chart_title"), "name_font": {"size": 12}})
        chart.set_x_axis({"name": self.text("chart_axis_month"), "num_font": {"size": 8}})
        chart.set_y_axis({"name": self.text("chart_axis_tickets"), "min": 0,
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_legend({"position": "bottom"})
        show_blanks_as_gaps(chart)
        width = int(NAME_WIDTH * 7 + 5 + (PERIOD_WIDTH * 7 + 5) * min(layout.periods.count, 12))
        chart.set_size({"width": width, "height": CHART_ROWS * 20 - 10})
        self.ws.insert_chart(layout.chart_row, 0, chart, {"x_offset": 2, "y_offset": 4,
                                                           "object_position": 1})

    def _set_up_page(self) -> None:
        ws, layout = self.ws, self.layout
        ws.set_column(layout.NAME_COL, layout.NAME_COL, NAME_WIDTH)
        ws.set_column(layout.FIRST_PERIOD_COL, layout.target_col - 1, PERIOD_WIDTH)
        ws.set_column(layout.target_col, layout.target_col, TARGET_WIDTH)
        ws.freeze_panes(layout.INTRO_ROW + 1, layout.FIRST_PERIOD_COL)
        months = [(layout.col(c), layout.col(c)) for c in layout.periods.months]
        per_page = len(self.column_pages(months, 1, MIN_PRINT_SCALE))
        run = -(-layout.periods.count // per_page)
        first = layout.FIRST_PERIOD_COL
        groups = [(first + start, first + min(start + run, layout.periods.count) - 1)
                  for start in range(0, layout.periods.count, run)]
        groups.append((layout.last_month_col + 1, layout.last_col))
        pages = self.column_pages(groups, 1, MIN_PRINT_SCALE,
                                  new_page=frozenset({layout.last_month_col + 1}))
        self.set_up_print(BACK_LINK_ROW, layout.last_row, layout.last_col, column_pages=pages,
                          repeat_columns=1)
        ws.set_tab_color(self.config.accent_color)

