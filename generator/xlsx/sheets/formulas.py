"""The Formulas & Definitions sheet: live calculators and the KPI definitions."""

from __future__ import annotations

from ...model.catalog import KPI_BY_ID, Better
from ...model.expr import render
from ...model.reference import calculator as calculate
from ...model.text_keys import kpi_label_key
from .. import contract
from ..layout import BACK_LINK_ROW, TITLE_ROW, CalculatorBlock, FormulasLayout, cell
from .base import SheetWriter, lines_needed

WIDTHS = {0: 44, 1: 16, 2: 12, 3: 62, 4: 16}
CHARS_PER_LINE = 120  # of the merged definition cells, to size their rows


class _CalcScope:
    def __init__(self, block: CalculatorBlock):
        self.block = block

    def cell(self, kind: str, id: str) -> str:
        return cell(self.block.input_rows[id], FormulasLayout.VALUE_COL)

    def month_count(self, kind: str, id: str) -> str | None:
        return None


class FormulasSheet(SheetWriter):
    def write(self) -> None:
        ws, text, styles = self.ws, self.text, self.styles
        ws.write_string(TITLE_ROW, 0, text("formulas_title"), styles.title)
        self.write_back_link(BACK_LINK_ROW, 0)
        ws.write_string(self.layout.INTRO_ROW, 0, text("formulas_intro"), styles.subtitle)
        self.write_logo(self.layout.NOTE_COL)
        for block in self.layout.blocks:
            self._write_calculator(block)
        self._write_kpi_table()
        self._set_up_page()

    @property
    def layout(self) -> FormulasLayout:
        return self.context.formulas

    def _text_row(self, row: int, label_key: str, value: str) -> None:
        ws = self.ws
        ws.write_string(row, 0, self.text(label_key), self.styles.bold)
        ws.merge_range(row, 1, row, 3, "", self.styles.wrap)
        ws.write_string(row, 1, value, self.styles.wrap)
        lines = lines_needed(value, CHARS_PER_LINE)
        ws.set_row(row, 14 * lines + 2)

    def _write_calculator(self, block: CalculatorBlock) -> None:
        calc = block.calculator
        ws, styles, text, layout = self.ws, self.styles, self.text, self.layout
        prefix = f"calc_{calc.id}"
        self.write_band(block.title_row, layout.NOTE_COL, text(f"{prefix}_title"), styles.section)
        self._text_row(block.definition_row, "formulas_definition", text(f"{prefix}_definition"))
        self._text_row(block.formula_row, "formulas_formula", text(f"{prefix}_formula"))
        self._text_row(block.better_row, "formulas_better", text(f"better_{calc.better.value}"))
        assert self.context.data.calculators is not None  # the data is completed
        values = self.context.data.calculators[calc.id]
        for item in calc.inputs:
            row = block.input_rows[item.id]
            label = text(item.label_key, **dict(item.label_vars))
            ws.write_string(row, layout.LABEL_COL, label, styles.label)
            self.write_input(row, layout.VALUE_COL, values[item.id], item.unit)
            ws.write_string(row, layout.UNIT_COL, self.unit_text(item.unit), styles.unit)
            self.input_area(row, layout.VALUE_COL, row, layout.VALUE_COL, item.unit,
                            help=text("calc_input_help", label=label), title=label)
            self.context.define(contract.calculator_input_name(calc.id, item.id),
                                layout.ref(row, layout.VALUE_COL))
        results = calculate(calc, values)
        scope = _CalcScope(block)
        for result in calc.results:
            row = block.result_rows[result.id]
            label_key = f"{prefix}_out_{result.id or 'main'}"
            ws.write_string(row, layout.LABEL_COL, text(label_key), styles.bold)
            ws.write_formula(row, layout.VALUE_COL, render(result.formula, scope),
                             styles.value(result.unit, bold=not result.id),
                             self.cached(results[result.id]))
            ws.write_string(row, layout.UNIT_COL, self.unit_text(result.unit), styles.unit)
            self.context.define(contract.calculator_result_name(calc.id, result.id),
                                layout.ref(row, layout.VALUE_COL))
            if result.id and result.id == calc.weight_check:
                self._write_weight_check(row)

    def _write_weight_check(self, row: int) -> None:
        """Flag weights that do not add up to 100 % (they are never rescaled)."""
        address = cell(row, self.layout.VALUE_COL)
        self.ws.conditional_format(row, self.layout.VALUE_COL, row, self.layout.VALUE_COL, {
            "type": "formula",
            "criteria": f"=AND(ISNUMBER({address}),ABS({address}-1)>0.000001)",
            "format": self.styles.flag,
        })
        self.ws.write_string(row, self.layout.NOTE_COL,
                             self.text("calc_health_score_weight_warning"), self.styles.note)

    def _write_kpi_table(self) -> None:
        ws, styles, text = self.ws, self.styles, self.text
        row = self.layout.kpi_table_row
        self.write_band(row, max(WIDTHS), text("formulas_kpi_title"), styles.section)
        ws.write_string(row + 1, 0, text("formulas_kpi_intro"), styles.subtitle)
        header = row + 2
        for col, key in ((0, "header_metric"), (3, "formulas_formula"), (4, "formulas_better")):
            ws.write_string(header, col, text(key), styles.header_left)
        ws.merge_range(header, 1, header, 2, text("formulas_definition"), styles.header_left)
        kpis = [KPI_BY_ID[id] for id in self.config.selection.kpis]
        for offset, kpi in enumerate(kpis, start=1):
            r = header + offset
            definition, words = text(f"def_{kpi.id}"), text(f"words_{kpi.id}")
            ws.write_string(r, 0, text(kpi_label_key(kpi.id)), styles.wrap)
            ws.merge_range(r, 1, r, 2, "", styles.wrap)
            ws.write_string(r, 1, definition, styles.wrap)
            ws.write_string(r, 3, words, styles.wrap)
            ws.write_string(r, 4, text(f"better_{Better(kpi.better).value}"), styles.wrap)
            lines = max(lines_needed(definition, 30), lines_needed(words, 72))
            ws.set_row(r, 13.5 * lines + 4)
        self.last_row = header + len(kpis)

    def _set_up_page(self) -> None:
        for col, width in WIDTHS.items():
            self.ws.set_column(col, col, width)
        self.ws.freeze_panes(self.layout.INTRO_ROW + 1, 0)
        self.set_up_print(BACK_LINK_ROW, self.last_row, max(WIDTHS))
        self.ws.set_tab_color(self.config.accent_color)
