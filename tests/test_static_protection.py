"""Static checks of protection and data validation, against the Behaviour section of
shared/spec/workbook.md: every sheet is protected without a password, only the input
cells are unlocked, every input cell has exactly one validation that matches its unit
(numbers >= 0, 0-1 for percentages) with an input and an error
message, and formula cells stay locked.
"""

from __future__ import annotations

from csmetrics.model.agents import AGENT_INPUT_BY_ID
from csmetrics.model.catalog import ENTERED_INPUTS, INPUT_BY_ID, KPIS, OBSERVED_INPUTS, Unit
from csmetrics.xlsx.layout import FormulasLayout
from csmetrics.xlsx.sheets.base import Context
from static_books import Generated, assert_none
from xlsx_parts import NS, Sheet, Validation, address, cells_of_sqref

TEXT = "text"  # an input cell for words (a month's notes), which has no validation


def input_cells(context: Context) -> dict[tuple[str, str], Unit | str | None]:
    """Every cell make_workbook writes for the user to type into, with its unit
    (None for targets, whose unit is the KPI's but which may be negative, and for
    settings, which must be above 0; TEXT for the notes)."""
    cells: dict[tuple[str, str], Unit | str | None] = {}
    tracker, volume, formulas = context.tracker, context.volume, context.formulas
    for item in ENTERED_INPUTS:
        for column in tracker.periods.months:
            cells[(tracker.sheet, address(tracker.input_row[item.id], tracker.col(column)))] = \
                INPUT_BY_ID[item.id].unit
    for kpi in KPIS:
        cells[(tracker.sheet, address(tracker.kpi_row[kpi.id], tracker.target_col))] = None
    cells[(tracker.sheet, address(tracker.assumption_row["gross_margin"],
                                  tracker.FIRST_PERIOD_COL))] = Unit.PERCENT
    for item in OBSERVED_INPUTS:  # quarters and years of a median are entered
        for column in tracker.periods.rollups:
            cells[(tracker.sheet, address(tracker.input_row[item.id], tracker.col(column)))] = \
                item.unit
    for row in tracker.setting_row.values():  # SLA targets and the aging limit: above 0
        cells[(tracker.sheet, address(row, tracker.FIRST_PERIOD_COL))] = None
    for column in tracker.periods.months:  # the months' notes: text, no validation
        cells[(tracker.sheet, address(tracker.notes_row, tracker.col(column)))] = TEXT
    for month in range(volume.months):
        row = volume.month_row(month)
        for index in range(len(volume.categories)):
            cells[(volume.sheet, address(row, volume.category_col(index)))] = Unit.COUNT
        for index in range(len(volume.channels)):
            cells[(volume.sheet, address(row, volume.channel_col(index)))] = Unit.COUNT
            for measure, unit in (("chan_frt_hours", Unit.HOURS), ("chan_csat_responses", Unit.COUNT),
                                  ("chan_csat_satisfied", Unit.COUNT)):
                cells[(volume.sheet, address(row, volume.performance_col(measure, index)))] = unit
    agents = context.agents
    for measure, block in agents.blocks.items():
        unit = AGENT_INPUT_BY_ID[measure].unit if measure in AGENT_INPUT_BY_ID else None
        for index in range(agents.rows):
            row = block.agent_row(index)
            if measure == "agent_solved":  # the agents' names: text, no validation
                cells[(agents.sheet, address(row, agents.NAME_COL))] = TEXT
            if unit is not None:
                for month in range(agents.periods.count):
                    cells[(agents.sheet, address(row, agents.FIRST_PERIOD_COL + month))] = unit
    for block in formulas.blocks:
        for item in block.calculator.inputs:
            cells[(formulas.sheet, address(block.input_rows[item.id], FormulasLayout.VALUE_COL))] = \
                item.unit
    return cells


def validations_at(sheet: Sheet, ref: str) -> list[Validation]:
    return [dv for dv in sheet.validations if ref in cells_of_sqref(dv.sqref)]


def test_every_sheet_is_protected_without_password(book: Generated) -> None:
    problems = []
    for sheet in book.xlsx.sheets:
        protection = sheet.root.find("m:sheetProtection", NS)
        if protection is None or protection.get("sheet") not in ("1", "true"):
            problems.append(f"{sheet.name}: not protected")
            continue
        problems += [f"{sheet.name}: sheetProtection carries {key}={value!r}"
                     for key, value in protection.attrib.items()
                     if key in ("password", "hashValue", "saltValue", "algorithmName",
                                "spinCount")]
    workbook_protection = book.xlsx.package.xml("xl/workbook.xml").find("m:workbookProtection", NS)
    if workbook_protection is not None:
        problems.append(f"workbook protection {workbook_protection.attrib}")
    assert_none(problems, "protection problems")


def test_input_cells_are_unlocked_and_validated(book: Generated) -> None:
    problems = []
    for (sheet_name, ref), unit in sorted(input_cells(book.context).items()):
        sheet, where = book.xlsx.sheet(sheet_name), f"{sheet_name}!{ref}"
        cell = sheet.cell(ref)
        if cell is None:
            problems.append(f"{where}: input cell not written")
            continue
        if cell.formula is not None:
            problems.append(f"{where}: input cell holds formula {cell.formula}")
        if book.xlsx.xf(cell).locked:
            problems.append(f"{where}: input cell is locked")
        rules = validations_at(sheet, ref)
        if unit == TEXT:  # words: no rule (Google Sheets has no length rule to match)
            if rules:
                problems.append(f"{where}: a text input has a validation")
            continue
        if len(rules) != 1:
            problems.append(f"{where}: {len(rules)} data validations cover it, expected 1")
            continue
        attrs = rules[0].attributes
        if attrs.get("showInputMessage") != "1" or not attrs.get("prompt"):
            problems.append(f"{where}: validation {rules[0].sqref} has no input message")
        if attrs.get("showErrorMessage") != "1" or not attrs.get("error"):
            problems.append(f"{where}: validation {rules[0].sqref} has no error message")
        if attrs.get("errorStyle", "stop") != "stop":
            problems.append(f"{where}: validation {rules[0].sqref} only warns "
                            f"({attrs.get('errorStyle')})")
    assert_none(problems, "input cells without protection or validation")


def expected_rule(unit: Unit) -> tuple[str, str, str, str | None]:
    """(type, operator, formula1, formula2) the contract asks for a unit. Counts
    are numbers >= 0 like times and money: Google Sheets has no whole-number
    criterion, so a fraction of a ticket is flagged by a conditional format
    instead (test_pasted_text checks the flag)."""
    if unit is Unit.PERCENT:
        return ("decimal", "between", "0", "1")
    return ("decimal", "greaterThanOrEqual", "0", None)


def test_input_validation_matches_unit(book: Generated) -> None:
    problems = []
    for (sheet_name, ref), unit in sorted(input_cells(book.context).items()):
        rules = validations_at(book.xlsx.sheet(sheet_name), ref)
        if unit is None or unit == TEXT or len(rules) != 1:
            continue  # targets are free numbers, settings above 0; coverage is checked above
        rule = rules[0]
        actual = (rule.attributes.get("type"), rule.attributes.get("operator", "between"),
                  rule.formula1, rule.formula2)
        if actual != expected_rule(unit):
            problems.append(f"{sheet_name}!{ref} ({unit.value}): validation {actual}, "
                            f"expected {expected_rule(unit)}")
    assert_none(problems, "validations that do not match the unit")


def test_only_input_cells_are_unlocked(book: Generated) -> None:
    inputs = input_cells(book.context)
    assert_none((f"{sheet.name}!{cell.ref}: unlocked but not an input cell"
                 for sheet in book.xlsx.sheets for cell in sheet.cells.values()
                 if not book.xlsx.xf(cell).locked and (sheet.name, cell.ref) not in inputs),
                "unexpected unlocked cells")


def test_formula_cells_are_locked(book: Generated) -> None:
    assert_none((f"{sheet.name}!{cell.ref}: formula cell is unlocked"
                 for sheet in book.xlsx.sheets for cell in sheet.cells.values()
                 if cell.formula is not None and not book.xlsx.xf(cell).locked),
                "unlocked formula cells")
