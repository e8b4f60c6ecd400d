"""Build workbooks for tests and list every value the reference expects in them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import xlsxwriter
from csmetrics.config.resolve import resolve_config
from csmetrics.config.settings import Config
from csmetrics.model import reference
from csmetrics.model.agents import AGENT_INPUT_BY_ID, AGENT_INPUTS
from csmetrics.model.catalog import ENTERED_INPUTS, INPUT_BY_ID, KPIS, OBSERVED_INPUTS, Rollup, Unit
from csmetrics.model.data import CHANNEL_MEASURES, WorkbookData
from csmetrics.model.expr import number_text
from csmetrics.model.reference import TOTAL, agent_columns, calculator
from csmetrics.xlsx.layout import FormulasLayout, cell
from csmetrics.xlsx.sheets.agents import TARGETS
from csmetrics.xlsx.sheets.base import Context
from csmetrics.xlsx.sheets.tracker import UNIT_SETTINGS
from csmetrics.xlsx.writer import build

Expected = dict[tuple[str, str], float | str | None]


def make_workbook(path: Path, config: Config | None = None,
                  data: WorkbookData | None = None) -> Context:
    """Write a workbook and return the context that describes where things are."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                               "strings_to_urls": False})
    context = build(workbook, config or Config(), data or WorkbookData())
    workbook.close()
    return context


def expected_values(context: Context) -> Expected:
    """Every formula cell of the workbook with the reference value it must show."""
    expected: Expected = {}
    tracker, result = context.tracker, context.tracker_result
    sheet, periods = tracker.sheet, context.tracker.periods
    for input_id, row in tracker.input_row.items():
        item = INPUT_BY_ID[input_id]
        columns = (periods.columns if item.from_volume
                   else () if item.rollup is Rollup.OBSERVED  # rollups entered, no formula
                   else periods.rollups)
        for column in columns:
            expected[(sheet, cell(row, tracker.col(column)))] = result.inputs[(input_id, column.key)]
    for kpi_id, row in tracker.kpi_row.items():
        for column in periods.columns:
            expected[(sheet, cell(row, tracker.col(column)))] = result.kpis[(kpi_id, column.key)]
    for key, row in tracker.helper_row.items():
        for column in periods.months:
            value = (context.months_filled[column.months[0]] if key == "filled"
                     else result.helpers[(key, column.key)])
            expected[(sheet, cell(row, tracker.col(column)))] = value
    expected |= rollup_headers(context)
    expected |= setting_units(context)
    if context.config.selection.volume:
        expected |= _volume_expected(context)
    if context.config.selection.agents:
        expected |= agents_expected(context)
    for block in context.formulas.blocks:
        values = context.data.calculators[block.calculator.id]
        results = calculator(block.calculator, values)
        for result_id, row in block.result_rows.items():
            address = cell(row, FormulasLayout.VALUE_COL)
            expected[(context.formulas.sheet, address)] = results[result_id]
    return expected


def rollup_headers(context: Context) -> Expected:
    """The quarter and year headers: their label, and how many months they hold
    when not all of them are filled (counted here from the reference's months)."""
    tracker, text = context.tracker, context.text
    filled = reference.months_filled(context.data, tracker.periods, context.config.selection.inputs)
    assert filled == context.months_filled
    expected: Expected = {}
    fiscal = context.config.start_month != 1
    for year in tracker.periods.year_columns:
        year_label = text("year_label", fiscal=fiscal, year=context.config.year + year.year)
        labels = [(year, year_label, "year_to_date_label")]
        for number, quarter in enumerate(tracker.periods.quarters_of(year), start=1):
            label = (text("quarter_year_label", n=number, year_label=year_label)
                     if tracker.periods.years > 1 else text("quarter_label", n=number))
            labels.append((quarter, label, "rollup_months_label"))
        for column, label, key in labels:
            n, total = sum(filled[m] for m in column.months), len(column.months)
            shown = text(key, label=label, n=n, total=total) if 0 < n < total else label
            expected[(tracker.sheet, cell(tracker.HEADER_ROW, tracker.col(column)))] = shown
    return expected


def setting_units(context: Context) -> Expected:
    """The unit cells of the SLA and aging KPI rows, which show their setting."""
    tracker, text = context.tracker, context.text
    expected: Expected = {}
    for kpi_id, (setting, key) in UNIT_SETTINGS.items():
        if kpi_id in tracker.kpi_row and setting in tracker.setting_row:
            value = (context.data.sla or {}).get(setting)
            shown = text(key, n=number_text(value)) if value is not None else text("unit_percent")
            expected[(tracker.sheet, cell(tracker.kpi_row[kpi_id], tracker.UNIT_COL))] = shown
    return expected


def agents_expected(context: Context) -> Expected:
    """The Agents sheet: the names the other tables show, every computed cell of
    each agent, the team's, the Tracker's and the unassigned rows, the targets and
    the hidden helpers."""
    layout, result = context.agents, context.agents_result
    sheet, expected = layout.sheet, {}
    columns = agent_columns(layout.periods)
    targets = context.data.targets or {}
    for measure, block in layout.blocks.items():
        entered = measure in AGENT_INPUT_BY_ID
        for index in range(layout.rows):
            name = layout.agents[index] if index < len(layout.agents) else ""
            row = block.agent_row(index)
            if measure != "agent_solved":
                expected[(sheet, cell(row, layout.NAME_COL))] = name or None
            for column in columns:
                if entered and not column.is_rollup:
                    continue
                value = result.values[(measure, name, column.key)] if name else None
                expected[(sheet, cell(row, layout.col(column)))] = value
        for column in columns:
            col = layout.col(column)
            expected[(sheet, cell(block.team_row, col))] = result.values[(measure, TOTAL, column.key)]
            item = AGENT_INPUT_BY_ID.get(measure)
            if block.tracker_row is not None and item and item.tracker in context.tracker.input_row:
                expected[(sheet, cell(block.tracker_row, col))] = \
                    context.tracker_result.inputs[(item.tracker, column.key)]
            if block.unassigned_row is not None and item and item.tracker in context.tracker.input_row:
                expected[(sheet, cell(block.unassigned_row, col))] = result.unassigned[(measure,
                                                                                          column.key)]
        target = TARGETS.get(measure)
        if target in context.config.selection.kpis:
            expected[(sheet, cell(block.first_agent_row, layout.target_col))] = targets.get(target)
    for part, start in (("xw", layout.helper_row), ("w", layout.helper_row + layout.rows)):
        for index in range(layout.rows):
            name = layout.agents[index] if index < len(layout.agents) else ""
            for month in range(layout.periods.count):
                expected[(sheet, cell(start + index, layout.FIRST_PERIOD_COL + month))] = \
                    result.helpers.get((part, name, month)) if name else None
    return expected


def _volume_expected(context: Context) -> Expected:
    """Ticket Volume: month totals, every quarter and year row, and the channel
    performance tables (their totals, CSAT, and the hidden helpers)."""
    volume, result = context.volume, context.volume_result
    sheet = volume.sheet
    expected: Expected = {}
    for month in range(volume.months):
        row = volume.month_row(month)
        expected[(sheet, cell(row, volume.category_total_col))] = result.category_totals[month]
        expected[(sheet, cell(row, volume.channel_total_col))] = result.channel_totals[month]
    for column in volume.rollup_columns:
        row = volume.rollup_row(column)
        for kind, names, col_of in (("vol", volume.categories, volume.category_col),
                                    ("chan", volume.channels, volume.channel_col)):
            for index, name in enumerate((*names, TOTAL)):
                expected[(sheet, cell(row, col_of(index)))] = result.rollups[(kind, name, column.key)]
    if not volume.performance:
        return expected
    periods = volume.periods
    for measure in volume.PERFORMANCE:
        for index, name in enumerate((*volume.channels, TOTAL)):
            col = volume.performance_col(measure, index)
            for column in periods.columns:
                if column.is_rollup or name == TOTAL or measure == "chan_csat":
                    expected[(sheet, cell(volume.period_row(column), col))] = \
                        result.performance[(measure, name, column.key)]
    for part in volume.HELPERS:
        for index, name in enumerate(volume.channels):
            for month in range(volume.months):
                expected[(sheet, cell(volume.month_row(month), volume.helper_col(part, index)))] = \
                    result.helpers[(part, name, month)]
    return expected


# --------------------------------------------------------------------------- random data

_RANGES = {
    Unit.COUNT: (0, 3000),
    Unit.FTE: (0, 40),
    Unit.HOURS: (0, 200),
    Unit.MONEY: (0, 500_000),
}


def random_value(rng: random.Random, unit: Unit, blank: float, zero: float) -> float | None:
    """A random entry: blank, zero (to hit every zero denominator) or a number."""
    roll = rng.random()
    if roll < blank:
        return None
    if roll < blank + zero:
        return 0
    low, high = _RANGES.get(unit, (0, 1000))
    if unit is Unit.COUNT:
        return rng.randint(low, high)
    return round(rng.uniform(low, high), rng.choice((0, 1, 2, 4)))


AGENT_NAMES = ["Ann", "Bob", "Chloé Martin", "李伟", "=SUM(1)", "Olga"]


def random_data(rng: random.Random, config: Config | None = None, blank: float = 0.2,
                zero: float = 0.05, months: int = 12) -> WorkbookData:
    """Random entries for the first ``months`` months; later months stay blank."""
    config = resolve_config(config or Config())

    def series(unit: Unit) -> list[float | None]:
        return [random_value(rng, unit, blank, zero) if m < months else None
                for m in range(config.periods.count)]

    calculators = None
    if rng.random() < 0.7:
        from csmetrics.model.calculators import calculators as all_calculators

        calculators = {
            calc.id: {item.id: random_value(rng, item.unit, blank / 2, zero) if
                      item.unit is not Unit.PERCENT else
                      (None if rng.random() < blank / 2 else round(rng.random(), 3))
                      for item in calc.inputs}
            for calc in all_calculators(config.scales)
        }
    periods = config.periods
    observed = {item.id: {column.key: random_value(rng, item.unit, blank, zero)
                          for column in periods.rollups if column.months[0] < months}
                for item in OBSERVED_INPUTS}
    notes = [rng.choice((None, None, "Launch of v2", "=1+1", "Outage 3–4 May “API”", " ", "42"))
             if m < months else None for m in range(periods.count)]
    sla = None if rng.random() < 0.5 else {
        "sla_first_reply_hours": rng.choice((1, 4, 8.5)), "sla_resolution_hours": rng.choice((24, 48)),
        "aging_days": rng.choice((7, 14, 30))}
    return WorkbookData(
        inputs={item.id: series(item.unit) for item in ENTERED_INPUTS},
        volume={name: series(Unit.COUNT) for name in config.categories},
        channels={name: series(Unit.COUNT) for name in config.channels},
        targets={kpi.id: (None if rng.random() < 0.3 else round(rng.uniform(0, 100), 2))
                 for kpi in KPIS},
        calculators=calculators,
        gross_margin=rng.choice((None, 1.0, 0.8, round(rng.random(), 3), 0.0)),
        observed=observed,
        period_notes=[None if note is None or not note.strip() else note for note in notes],
        channel_measures={measure: {name: series(Unit.HOURS if measure == "chan_frt_hours"
                                                 else Unit.COUNT)
                                    for name in config.channels}
                          for measure in CHANNEL_MEASURES},
        sla=sla,
        agents={name: {item.id: series(item.unit) for item in AGENT_INPUTS}
                for name in rng.sample(AGENT_NAMES, rng.randint(0, 4))},
    )


def compare(expected: Expected, value_of, tolerance: float = 1e-9) -> Iterator[str]:
    """Describe every cell whose engine value differs from the reference."""
    for (sheet, address), want in expected.items():
        got = value_of(sheet, address)
        if isinstance(want, str):
            if got != want:
                yield f"{sheet}!{address}: expected {want!r}, engine shows {got!r}"
            continue
        if want is None:
            if got not in ("", None):
                yield f"{sheet}!{address}: expected blank, engine shows {got!r}"
            continue
        if not isinstance(got, int | float) or isinstance(got, bool):
            yield f"{sheet}!{address}: expected {want!r}, engine shows {got!r}"
            continue
        if abs(got - want) > tolerance * max(1.0, abs(want)):
            yield f"{sheet}!{address}: expected {want!r}, engine shows {got!r}"
