"""Build workbooks for tests and list every value the reference expects in them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import xlsxwriter
from csmetrics.config.resolve import resolve_config
from csmetrics.config.settings import Config
from csmetrics.model import reference
from csmetrics.model.catalog import ENTERED_INPUTS, INPUT_BY_ID, KPIS, Unit
from csmetrics.model.data import WorkbookData
from csmetrics.model.reference import calculator
from csmetrics.xlsx.layout import FormulasLayout, cell
from csmetrics.xlsx.sheets.base import Context
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
        columns = periods.columns if INPUT_BY_ID[input_id].from_volume else periods.rollups
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
    if context.config.selection.volume:
        expected |= _volume_expected(context)
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


def _volume_expected(context: Context) -> Expected:
    volume, totals = context.volume, context.volume_result
    sheet, year_row = volume.sheet, volume.year_row
    expected: Expected = {}
    for month in range(volume.months):
        row = volume.month_row(month)
        expected[(sheet, cell(row, volume.category_total_col))] = totals.category_totals[month]
        expected[(sheet, cell(row, volume.channel_total_col))] = totals.channel_totals[month]
    for index, name in enumerate(volume.categories):
        expected[(sheet, cell(year_row, volume.category_col(index)))] = totals.category_year[name]
    for index, name in enumerate(volume.channels):
        expected[(sheet, cell(year_row, volume.channel_col(index)))] = totals.channel_year[name]
    expected[(sheet, cell(year_row, volume.category_total_col))] = totals.grand_category
    expected[(sheet, cell(year_row, volume.channel_total_col))] = totals.grand_channel
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
    return WorkbookData(
        inputs={item.id: series(item.unit) for item in ENTERED_INPUTS},
        volume={name: series(Unit.COUNT) for name in config.categories},
        channels={name: series(Unit.COUNT) for name in config.channels},
        targets={kpi.id: (None if rng.random() < 0.3 else round(rng.uniform(0, 100), 2))
                 for kpi in KPIS},
        calculators=calculators,
        gross_margin=rng.choice((None, 1.0, 0.8, round(rng.random(), 3), 0.0)),
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
