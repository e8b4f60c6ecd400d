"""Static checks of layout version 2 (shared/spec/workbook.md, "Layout version 2";
metrics.md, "Version 2"): the new names point where the spec says, the observed
rollups are input cells, the new highlights exist, and the labels are honest."""

from __future__ import annotations

import re

from csmetrics.model.catalog import BENCHMARK_BY_KPI, IMPOSSIBLE, OBSERVED_INPUTS
from csmetrics.model.data import CHANNEL_MEASURES
from csmetrics.xlsx import contract
from openpyxl.utils.cell import get_column_letter
from static_books import Generated, assert_none, name_area
from xlsx_parts import NS, Sheet, cells_of_sqref


def rules(sheet: Sheet) -> list[tuple[str, str]]:
    """(range, formula) of every conditional format of a sheet."""
    found = []
    for cf in sheet.root.iterfind("m:conditionalFormatting", NS):
        for rule in cf.iterfind("m:cfRule", NS):
            formula = rule.find("m:formula", NS)
            found.append((cf.get("sqref", ""), formula.text if formula is not None else ""))
    return found


def test_observed_rollups_are_input_cells_named_like_the_spec(book: Generated) -> None:
    tracker, layout = book.sheet("tracker"), book.context.tracker
    periods = layout.periods
    problems = []
    for item in OBSERVED_INPUTS:
        row = layout.input_row[item.id]
        for name, columns in ((contract.observed_quarter_name(item.id), periods.quarters),
                              (contract.observed_year_name(item.id), periods.year_columns)):
            area = name_area(book, name)
            want = [layout.col(c) + 1 for c in columns]
            if area.sheet != tracker.name or area.min_row != row + 1 or list(area.cols) != want:
                problems.append(f"{name} -> {area.sheet}!{area.cells()}: expected row {row + 1}, "
                                f"columns {want}")
            for ref in area.cells():
                cell = tracker.cell(ref)
                if cell is None or cell.formula is not None or book.xlsx.xf(cell).locked:
                    problems.append(f"{name} {ref}: not an unlocked input cell")
                if not any(ref in cells_of_sqref(v.sqref) for v in tracker.validations):
                    problems.append(f"{name} {ref}: no validation")
        # the KPI's quarter shows the entered quarter, never an average of the months
        kpi_id = item.id.removesuffix("_hours")
        for ref, column in zip(name_area(book, contract.quarter_name(kpi_id)).cells(),
                               periods.quarters, strict=True):
            formula = tracker.cell(ref).formula or ""
            source = f"{get_column_letter(layout.col(column) + 1)}{row + 1}"
            if source not in formula or re.search(r"AVERAGE|SUM", formula):
                problems.append(f"qtr_{kpi_id} {ref}: {formula!r} does not show {source}")
    assert_none(problems, "observed rollups wrong")


def test_period_notes_are_text_cells_across_the_months(book: Generated) -> None:
    tracker = book.sheet("tracker")
    area, months = name_area(book, contract.PERIOD_NOTES), name_area(book, contract.PERIOD_START)
    assert area.sheet == tracker.name and area.shape == (1, months.shape[1])
    assert list(area.cols) == list(months.cols)
    for ref in area.cells():
        cell = tracker.cell(ref)
        assert cell is not None and not book.xlsx.xf(cell).locked, ref
        assert not any(ref in cells_of_sqref(v.sqref) for v in tracker.validations), ref


def test_sla_settings_are_single_input_cells_the_sla_rows_show(book: Generated) -> None:
    tracker, layout = book.sheet("tracker"), book.context.tracker
    problems = []
    for name, kpi_id in (("sla_first_reply_hours", "frt_sla"), ("sla_resolution_hours", "res_sla"),
                         ("aging_days", "aged_backlog")):
        area = name_area(book, name)
        (ref,) = area.cells()
        cell = tracker.cell(ref)
        if cell is None or book.xlsx.xf(cell).locked or cell.value is None:
            problems.append(f"{name} {ref}: not a filled input cell")
        rule = [v for v in tracker.validations if ref in cells_of_sqref(v.sqref)]
        if [(v.attributes.get("type"), v.attributes.get("operator"), v.formula1) for v in rule] != [
                ("decimal", "greaterThan", "0")]:
            problems.append(f"{name} {ref}: validation {rule}")
        unit = tracker.cell(f"B{layout.kpi_row[kpi_id] + 1}")
        if unit is None or ref.replace("$", "") not in (unit.formula or "").replace("$", ""):
            problems.append(f"{kpi_id}: its unit cell does not show {name} ({unit and unit.formula})")
    assert_none(problems, "SLA settings wrong")


def test_channel_performance_grids(book: Generated) -> None:
    context = book.context
    volume, sheet = context.volume, book.sheet("volume")
    counts = name_area(book, contract.CHANNELS.counts)
    problems = []
    for name in (*CHANNEL_MEASURES, contract.CHANNEL_CSAT):
        area = name_area(book, name)
        if area.sheet != sheet.name or area.shape != counts.shape or area.min_row != counts.min_row:
            problems.append(f"{name}: {area.shape} on rows from {area.min_row}, expected the "
                            f"channels' {counts.shape} from {counts.min_row}")
        headers = [sheet.text_at(f"{get_column_letter(c)}{area.min_row - 1}") for c in area.cols]
        if headers != list(volume.channels):
            problems.append(f"{name}: headed {headers}, expected {list(volume.channels)}")
        for ref in area.cells():
            cell = sheet.cell(ref)
            entered = name != contract.CHANNEL_CSAT
            if cell is None or (cell.formula is None) != entered or (
                    not book.xlsx.xf(cell).locked) != entered:
                problems.append(f"{name} {ref}: {'an input' if entered else 'a formula'} expected")
    assert_none(problems, "channel performance grids wrong")


def test_the_new_highlights_exist(book: Generated) -> None:
    tracker, layout = book.sheet("tracker"), book.context.tracker
    found = rules(tracker)
    problems = []

    def has(row: int, pattern: str, what: str, first_col: int | None = None) -> None:
        col = get_column_letter((first_col or layout.FIRST_PERIOD_COL) + 1)
        anchor = f"{col}{row + 1}"
        if not any(sqref.startswith(anchor + ":") and re.search(pattern, formula)
                   for sqref, formula in found):
            problems.append(f"{what}: no rule from {anchor} matching {pattern}")

    for kpi_id, operator, bound in IMPOSSIBLE:
        has(layout.kpi_row[kpi_id], re.escape(f"{operator}{bound:g}"), f"{kpi_id} impossible")
    opened, closed = layout.input_row["tickets_open_start"], layout.input_row["tickets_open_end"]
    has(opened, r"<>", "opening backlog vs last month's close", layout.FIRST_PERIOD_COL + 1)
    has(closed, r"<>", "closing count vs the computed backlog")
    for small, large in (("frt_sla_met", "frt_sla_measured"), ("res_sla_met", "res_sla_measured"),
                         ("tickets_aged", "tickets_open_end"), ("mrr_churned", "mrr_start")):
        for row in (layout.input_row[small], layout.input_row[large]):
            has(row, r">", f"{small} <= {large}")
    assert_none(problems, "highlights missing")


def test_labels_are_honest(book: Generated) -> None:
    text, layout, tracker = book.context.text, book.context.tracker, book.sheet("tracker")
    assert "one-touch" in text("kpi_fcr")
    fcr_benchmark = tracker.text_at(f"{get_column_letter(layout.benchmark_col + 1)}"
                                    f"{layout.kpi_row['fcr'] + 1}")
    assert fcr_benchmark and not re.search(r"\d+ ?%", fcr_benchmark)  # no survey figure beside it
    for kpi_id, row in layout.benchmark_row.items():  # every benchmark: measure, source, year
        footnote = tracker.text_at(f"B{row + 1}") or ""
        assert footnote == text(f"bench_{BENCHMARK_BY_KPI[kpi_id].key}"), kpi_id
        assert re.search(r"\b(19|20)\d\d\b", footnote), (kpi_id, footnote)
    assert set(layout.benchmark_row) == {k for k in BENCHMARK_BY_KPI if k in layout.kpi_row}
