"""The reference implementation: every number the workbook shows, in plain Python.

It gives the workbook its cached values and is what the tests compare real
spreadsheet engines against. Rollups are implemented here independently of the
spreadsheet formulas (which the engines check); KPI and calculator formulas come
from the catalog's expression trees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .agents import AGENT_INPUTS, AGENT_KPIS
from .calculators import Calculator
from .catalog import CHECKS, IMPOSSIBLE, INPUTS, KPI_BY_ID, KPIS, Rollup
from .data import CHANNEL_MEASURES, Series, Value, WorkbookData, fit
from .expr import evaluate
from .periods import Column, Periods

Key = tuple[str, str]  # (id, column key)


def round_half_away(value: float, digits: int = 0) -> float:
    """Round as Excel does (half away from zero), not banker's rounding."""
    scale = 10**digits
    return math.copysign(math.floor(abs(value) * scale + 0.5) / scale, value)


# --------------------------------------------------------------------------- rollups


def rollup(kind: Rollup, values: Sequence[Value], weights: Sequence[Value] | None = None) -> Value:
    """Combine monthly values into one figure, ignoring months not filled."""
    filled = [v for v in values if v is not None]
    if kind is Rollup.WEIGHTED:
        assert weights is not None
        pairs = [(v, w) for v, w in zip(values, weights, strict=True)
                 if v is not None and w is not None]
        weight = sum(w for _, w in pairs)
        return None if weight == 0 else sum(v * w for v, w in pairs) / weight
    if not filled:
        return None
    if kind is Rollup.FLOW:
        return sum(filled)
    if kind is Rollup.STOCK_START:
        return filled[0]
    if kind is Rollup.STOCK_END:
        return filled[-1]
    if kind is Rollup.MEAN:
        return sum(filled) / len(filled)
    # OBSERVED: a median of medians is no median; the quarter's figure is entered
    raise ValueError(f"{kind} values do not combine; the rollup is entered")


def series_total(series: Sequence[Series], month: int) -> Value:
    """Total of several series in one month; blank when none is filled."""
    filled = [value for s in series if (value := s[month]) is not None]
    return sum(filled) if filled else None


def weighted_parts(value: Value, weight: Value) -> tuple[Value, Value]:
    """The helper cells of a weighted average: (value × weight, weight), blank
    unless both are filled."""
    if value is None or weight is None:
        return None, None
    return value * weight, weight


# --------------------------------------------------------------------------- tracker


@dataclass
class TrackerResult:
    inputs: dict[Key, Value] = field(default_factory=dict)  # incl. rollup columns
    kpis: dict[Key, Value] = field(default_factory=dict)
    helpers: dict[Key, Value] = field(default_factory=dict)  # ("<input>_xw"|"<input>_w", month)


class _ColumnScope:
    """Values seen by a KPI formula in one column."""

    def __init__(self, result: TrackerResult, column: Column, gross_margin: Value,
                 periods: Periods):
        self.result, self.column, self.gross_margin = result, column, gross_margin
        self.periods = periods

    def value(self, kind: str, id: str) -> Value:
        if kind == "inp":
            return self.result.inputs[(id, self.column.key)]
        if kind == "kpi":
            return kpi_value(self.result, id, self.column, self.gross_margin, self.periods)
        if kind == "assumption" and id == "gross_margin":
            return self.gross_margin
        raise KeyError((kind, id))

    def months(self, kind: str, id: str) -> int | None:
        if not self.column.is_rollup:
            return None
        monthly = [kpi_value(self.result, id, self.periods.months[m], self.gross_margin,
                             self.periods)
                   for m in self.column.months]
        return sum(v is not None for v in monthly)


def kpi_value(result: TrackerResult, kpi_id: str, column: Column, gross_margin: Value,
              periods: Periods) -> Value:
    key = (kpi_id, column.key)
    if key not in result.kpis:
        scope = _ColumnScope(result, column, gross_margin, periods)
        result.kpis[key] = evaluate(KPI_BY_ID[kpi_id].formula, scope)
    return result.kpis[key]


def monthly_inputs(data: WorkbookData, periods: Periods) -> dict[str, Series]:
    """Every tracker input per month, including tickets received from the volume tab."""
    count = periods.count
    series = {item.id: data.input_series(item.id, count) for item in INPUTS if not item.from_volume}
    volume = [fit(s, count) for s in data.volume.values()]
    series["tickets_new"] = [series_total(volume, m) for m in range(count)]
    return series


def tracker(data: WorkbookData, periods: Periods | None = None) -> TrackerResult:
    """Inputs with their rollups, and every KPI in every column."""
    periods = periods or Periods()
    result = TrackerResult()
    monthly = monthly_inputs(data, periods)
    for item in INPUTS:
        values = monthly[item.id]
        weights = monthly[item.weight] if item.weight else None
        observed = data.observed.get(item.id, {})
        for column in periods.columns:
            span = [values[m] for m in column.months]
            if column.is_rollup and item.rollup is Rollup.OBSERVED:
                result.inputs[(item.id, column.key)] = observed.get(column.key)
            elif column.is_rollup:
                span_weights = [weights[m] for m in column.months] if weights else None
                result.inputs[(item.id, column.key)] = rollup(item.rollup, span, span_weights)
            else:
                result.inputs[(item.id, column.key)] = span[0]
        if weights:
            for m, (value, weight) in enumerate(zip(values, weights, strict=True)):
                xw, w = weighted_parts(value, weight)
                result.helpers[(f"{item.id}_xw", f"m{m}")] = xw
                result.helpers[(f"{item.id}_w", f"m{m}")] = w
    for kpi in KPIS:
        for column in periods.columns:
            kpi_value(result, kpi.id, column, data.gross_margin, periods)
    return result


def months_filled(data: WorkbookData, periods: Periods, input_ids: Sequence[str]) -> list[int]:
    """1 for each month in which any of the Tracker's inputs (tickets received
    included) holds a number, else 0: quarter and year headers say how many
    months they hold."""
    monthly = monthly_inputs(data, periods)
    return [int(any(monthly[id][m] is not None for id in input_ids)) for m in range(periods.count)]


def inconsistencies(data: WorkbookData, periods: Periods | None = None) -> list[str]:
    """Warnings for inputs that contradict each other (never silently fixed): the
    catalog's checks, impossible KPIs, and backlogs that do not carry over from
    one month to the next; the workbook highlights the same cells."""
    periods = periods or Periods()
    problems = []
    for check in CHECKS:
        small, large = data.inputs.get(check.small) or [], data.inputs.get(check.large) or []
        for month, (a, b) in enumerate(zip(small, large, strict=False)):
            if a is not None and b is not None and a > b:
                problems.append(f"month {month + 1}: {check.small} ({a:g}) > {check.large} ({b:g})")
    result = tracker(data, periods)
    for kpi_id, operator, bound in IMPOSSIBLE:
        for column in periods.columns:
            value = result.kpis[(kpi_id, column.key)]
            if value is not None and (value > bound if operator == ">" else value < bound):
                problems.append(f"{column.key}: {kpi_id} {value:g} is impossible")
    for month, messages in enumerate(backlog_breaks(result, periods)):
        problems += [f"month {month + 1}: {message}" for message in messages]
    return problems


def backlog_breaks(result: TrackerResult, periods: Periods) -> list[list[str]]:
    """Per month, how its backlog contradicts itself: an opening backlog that is
    not the previous month's closing backlog as the helpdesk counts it
    (tickets_open_end) or, where that is blank, as the workbook computes it
    (backlog_end); a closing count that differs from the computed one."""
    found: list[list[str]] = []
    for month in periods.months:
        messages = []
        opened = result.inputs[("tickets_open_start", month.key)]
        closed = result.inputs[("tickets_open_end", month.key)]
        computed = result.kpis[("backlog_end", month.key)]
        if month.months[0] > 0 and opened is not None:
            previous = f"m{month.months[0] - 1}"
            before = result.inputs[("tickets_open_end", previous)]
            if before is None:
                before = result.kpis[("backlog_end", previous)]
            if before is not None and opened != before:
                messages.append(f"tickets_open_start {opened:g} differs from the previous month's "
                                f"closing backlog {before:g}")
        if closed is not None and computed is not None and closed != computed:
            messages.append(f"tickets_open_end {closed:g} differs from backlog_end {computed:g}")
        found.append(messages)
    return found


# --------------------------------------------------------------------------- calculators


class _CalcScope:
    def __init__(self, values: dict[str, Value]):
        self.values = values

    def value(self, kind: str, id: str) -> Value:
        assert kind == "calc", kind
        return self.values.get(id)

    def months(self, kind: str, id: str) -> int | None:
        return None


def calculator(calc: Calculator, values: dict[str, Value]) -> dict[str, Value]:
    """Results of one calculator by result id ("" for the main result)."""
    scope = _CalcScope(values)
    return {result.id: evaluate(result.formula, scope) for result in calc.results}


# --------------------------------------------------------------------------- volume

TOTAL = ""  # the all-categories (or all-channels) column of a Ticket Volume table


@dataclass
class VolumeResult:
    category_totals: list[Value]  # per month
    channel_totals: list[Value]
    # quarters and years: ("vol" or "chan", category or channel or TOTAL, column key)
    rollups: dict[tuple[str, str, str], Value]
    # channel performance, months and rollups: (measure, channel or TOTAL, column key);
    # measures CHANNEL_MEASURES and "chan_csat"
    performance: dict[tuple[str, str, str], Value]
    # hidden helpers of the weighted first response: ("xw" or "w", channel, month)
    helpers: dict[tuple[str, str, int], Value]


def volume(data: WorkbookData, periods: Periods | None = None) -> VolumeResult:
    periods = periods or Periods()
    count = periods.count
    months = range(count)
    categories = {name: fit(s, count) for name, s in data.volume.items()}
    channels = {name: fit(s, count) for name, s in data.channels.items()}
    category_totals = [series_total(list(categories.values()), m) for m in months]
    channel_totals = [series_total(list(channels.values()), m) for m in months]
    rollups: dict[tuple[str, str, str], Value] = {}
    for kind, table, totals in (("vol", categories, category_totals),
                                ("chan", channels, channel_totals)):
        for column in periods.rollups:
            for name, series in (*table.items(), (TOTAL, totals)):
                rollups[(kind, name, column.key)] = rollup(Rollup.FLOW,
                                                           [series[m] for m in column.months])
    performance, helpers = _channel_performance(data, channels, periods)
    return VolumeResult(category_totals, channel_totals, rollups, performance, helpers)


def _channel_performance(data: WorkbookData, counts: dict[str, Series], periods: Periods,
                         ) -> tuple[dict[tuple[str, str, str], Value], dict[tuple[str, str, int], Value]]:
    """First response per channel (weighted by the channel's tickets), CSAT answers,
    satisfied answers and CSAT, per month and rollup, each channel and all of them."""
    count = periods.count
    measures = {measure: {name: fit(data.channel_measures.get(measure, {}).get(name), count)
                          for name in counts} for measure in CHANNEL_MEASURES}
    frt, responses, satisfied = (measures[m] for m in CHANNEL_MEASURES)
    helpers: dict[tuple[str, str, int], Value] = {}
    for name in counts:
        for m in range(count):
            helpers[("xw", name, m)], helpers[("w", name, m)] = weighted_parts(frt[name][m],
                                                                                counts[name][m])
    result: dict[tuple[str, str, str], Value] = {}
    names = [*counts, TOTAL]
    for column in periods.columns:
        for name in names:
            members = list(counts) if name == TOTAL else [name]
            spans = [(member, m) for member in members for m in column.months]
            xw = [helpers[("xw", member, m)] for member, m in spans]
            w = [helpers[("w", member, m)] for member, m in spans]
            if name != TOTAL and not column.is_rollup:
                result[("chan_frt_hours", name, column.key)] = frt[name][column.months[0]]
            else:
                weight = rollup(Rollup.FLOW, w)
                result[("chan_frt_hours", name, column.key)] = (
                    None if not weight else (rollup(Rollup.FLOW, xw) or 0.0) / weight)
            answers = rollup(Rollup.FLOW, [responses[member][m] for member, m in spans])
            good = rollup(Rollup.FLOW, [satisfied[member][m] for member, m in spans])
            result[("chan_csat_responses", name, column.key)] = answers
            result[("chan_csat_satisfied", name, column.key)] = good
            result[("chan_csat", name, column.key)] = (
                None if answers is None or good is None or answers == 0 else good / answers)
    return result, helpers


# --------------------------------------------------------------------------- agents


@dataclass
class AgentResult:
    """The Agents sheet's figures: (measure, agent or TOTAL, column key) for every
    month and year column (entered months are as given), the team's difference
    from the Tracker (unassigned tickets), and the hidden first-response helpers."""

    values: dict[tuple[str, str, str], Value]
    unassigned: dict[tuple[str, str], Value]  # (agent input, column key): Tracker minus team
    helpers: dict[tuple[str, str, int], Value]  # ("xw" or "w", agent, month): the average's parts


def agent_columns(periods: Periods) -> tuple[Column, ...]:
    """The Agents sheet's period columns: the months, then each year (to date)."""
    return (*periods.months, *periods.year_columns)


def agents(data: WorkbookData, periods: Periods | None = None,
           tracker_result: TrackerResult | None = None) -> AgentResult:
    periods = periods or Periods()
    count = periods.count
    tracker_result = tracker_result or tracker(data, periods)
    entered = {name: {item.id: fit(measures.get(item.id), count) for item in AGENT_INPUTS}
               for name, measures in data.agents.items()}
    helpers: dict[tuple[str, str, int], Value] = {}
    for name, measures in entered.items():
        for m in range(count):
            helpers[("xw", name, m)], helpers[("w", name, m)] = weighted_parts(
                measures["agent_frt_hours"][m], measures["agent_frt_count"][m])
    values: dict[tuple[str, str, str], Value] = {}
    names = [*entered, TOTAL]
    for column in agent_columns(periods):
        for name in names:
            members = list(entered) if name == TOTAL else [name]
            for item in AGENT_INPUTS:
                cells = [entered[member][item.id][m] for member in members for m in column.months]
                if item.weight is None:
                    if name != TOTAL and not column.is_rollup:
                        values[(item.id, name, column.key)] = cells[0]
                    else:
                        values[(item.id, name, column.key)] = rollup(Rollup.FLOW, cells)
                elif name != TOTAL and not column.is_rollup:
                    values[(item.id, name, column.key)] = cells[0]
                else:
                    weights = [entered[member][item.weight][m] for member in members
                               for m in column.months]
                    values[(item.id, name, column.key)] = rollup(Rollup.WEIGHTED, cells, weights)
            scope = _AgentScope(values, name, column.key)
            for kpi in AGENT_KPIS:
                values[(kpi.id, name, column.key)] = evaluate(kpi.formula, scope)
    unassigned: dict[tuple[str, str], Value] = {}
    for item in AGENT_INPUTS:
        if item.tracker is None or item.weight is not None:
            continue
        for column in agent_columns(periods):
            team = values[(item.id, TOTAL, column.key)]
            whole = tracker_result.inputs[(item.tracker, column.key)]
            unassigned[(item.id, column.key)] = None if team is None or whole is None else whole - team
    return AgentResult(values, unassigned, helpers)


class _AgentScope:
    def __init__(self, values: dict[tuple[str, str, str], Value], name: str, column: str):
        self.values, self.name, self.column = values, name, column

    def value(self, kind: str, id: str) -> Value:
        assert kind == "agent", kind
        return self.values[(id, self.name, self.column)]

    def months(self, kind: str, id: str) -> int | None:
        return None
