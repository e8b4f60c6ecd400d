"""The writer: lay out and write every sheet of the workbook, atomically.

``write_workbook(path, config, data)`` is all a caller needs. The sheets are
written by one module each (``sheets/``); this module runs them in order, with
the ``Context`` they share, and writes the names and properties at the end.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import xlsxwriter

from .. import __version__
from ..config.resolve import Resolved, resolve
from ..config.settings import Config
from ..files import atomic_output
from ..model import reference
from ..model.calculators import calculators
from ..model.data import WorkbookData
from ..model.periods import period_starts
from ..text import Text
from . import contract
from .fixes import SharedFunctionsWorksheet
from .layout import AgentsLayout, FormulasLayout, TrackerLayout, VolumeLayout
from .sheets.agents import AgentsSheet
from .sheets.base import Context
from .sheets.formulas import FormulasSheet
from .sheets.own import OwnSheet, write_own_sheet
from .sheets.settings import SettingsSheet
from .sheets.start import StartSheet
from .sheets.tracker import TrackerSheet
from .sheets.volume import VolumeSheet
from .styles import Styles


def build(workbook: xlsxwriter.Workbook, config: Config | Resolved, data: WorkbookData,
          own_sheets: Sequence[tuple[OwnSheet, str]] = ()) -> Context:
    """Lay out and write every sheet into an open xlsxwriter workbook, then the
    team's own sheets (carried from a filled workbook) under their names."""
    resolved = config if isinstance(config, Resolved) else resolve(config)
    config, text, sheet_names = resolved.config, resolved.text, resolved.sheet_names
    selection = config.selection
    calculators_included = tuple(calc for calc in calculators(config.scales)
                                 if selection.calculator_included(calc.id))
    data = data.completed(config, calculators_included)
    starts = period_starts(config.year, config.start_month, config.periods.count)
    context = Context(
        workbook=workbook,
        config=config,
        data=data,
        text=text,
        styles=Styles(workbook, config),
        calculators=calculators_included,
        tracker=TrackerLayout.build(config, sheet_names["tracker"]),
        volume=VolumeLayout(sheet_names["volume"], config.categories or (), config.channels or (),
                            config.periods),
        formulas=FormulasLayout.build(calculators_included, sheet_names["formulas"]),
        sheet_names=sheet_names,
        tracker_result=(tracker_result := reference.tracker(data, config.periods)),
        volume_result=reference.volume(data, config.periods),
        agents=AgentsLayout.build(sheet_names["agents"], tuple(data.agents), config.agent_rows,
                                  config.periods),
        agents_result=reference.agents(data, config.periods, tracker_result),
        month_labels=text.month_labels(starts),
        period_starts=starts,
        months_filled=reference.months_filled(data, config.periods, selection.inputs),
        rollup_labels=rollup_labels(config, text),
    )

    def add(key: str) -> Any:
        return workbook.add_worksheet(sheet_names[key], worksheet_class=SharedFunctionsWorksheet)

    sheets = [StartSheet(context, add("start")), TrackerSheet(context, add("tracker"))]
    if selection.volume:
        sheets.append(VolumeSheet(context, add("volume")))
    if selection.agents:
        sheets.append(AgentsSheet(context, add("agents")))
    sheets.append(FormulasSheet(context, add("formulas")))
    for sheet in sheets:
        sheet.write()
    for own, name in own_sheets:
        write_own_sheet(workbook, own, name)
    properties = replace(workbook_properties(config), imports=data.imports or None)
    SettingsSheet(context, workbook.add_worksheet(contract.SETTINGS_SHEET), properties).write()
    for name, target in sorted(context.names.items()):
        workbook.define_name(name, "=" + target)
    _write_properties(workbook, config, text, properties)
    text.save()
    return context


MAX_PROPERTY = 255  # Excel's limit on a custom document property's text


def rollup_labels(config: Config, text: Text) -> dict[str, str]:
    """The plain label of each quarter and year column, by column key ("Q1",
    "Q1 FY 2026/27" when several years, "Year 2026")."""
    periods, fiscal = config.periods, config.start_month != 1
    labels = {}
    for year in periods.year_columns:
        year_label = text("year_label", fiscal=fiscal, year=config.year + year.year)
        labels[year.key] = year_label
        for number, quarter in enumerate(periods.quarters_of(year), start=1):
            labels[quarter.key] = (text("quarter_year_label", n=number, year_label=year_label)
                                   if periods.years > 1 else text("quarter_label", n=number))
    return labels


def workbook_properties(config: Config) -> contract.Properties:
    """What the workbook remembers of how it was made: written twice, as custom
    document properties and on the hidden settings sheet."""
    return contract.Properties(
        language=config.language, company=config.company or "", title=config.title or "",
        currency=config.money.code, scales=config.scales, version=__version__,
        layout_version=contract.LAYOUT_VERSION, primary_color=config.primary_color,
        accent_color=config.accent_color, font=config.font, author=config.author,
        benchmarks=config.benchmarks, sheet_names=dict(config.sheet_names), hours=config.hours)


def _write_properties(workbook: xlsxwriter.Workbook, config: Config, text: Text,
                      properties: contract.Properties) -> None:
    workbook.set_properties({
        "title": config.title,
        "subject": text("tracker_title"),
        "author": config.author,
        "company": config.company,
        "comments": f"Generated by csmetrics {__version__}",
    })
    for name, value in properties.encode().items():
        if isinstance(value, str) and len(value) > MAX_PROPERTY:
            continue  # too long for a document property (the imports' history): cells only
        workbook.set_custom_property(name, value)


def written_texts(resolved: Resolved) -> set[str]:
    """Every text a fresh workbook of this configuration holds in its cells: what
    a filled one holds beyond them, the team typed. The workbook is only laid out
    in memory, never packaged: its shared-string table is the answer (private
    xlsxwriter API, pinned below 4 like ``fixes``)."""
    workbook = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True,
                                                  "strings_to_formulas": False,
                                                  "strings_to_urls": False})
    build(workbook, resolved, WorkbookData())
    return set(workbook.str_table.string_table)


def write_workbook(path: str | os.PathLike[str], config: Config | Resolved | None = None,
                   data: WorkbookData | None = None, *,
                   own_sheets: Sequence[tuple[OwnSheet, str]] = (),
                   before_replacing: Callable[[Path, Path], None] | None = None) -> Path:
    """Write the workbook to ``path`` atomically: a failure leaves no partial file.

    ``config`` is resolved (checked, defaults filled in) unless it is already.
    ``before_replacing(written, path)`` sees the finished workbook before it takes
    ``path``'s place; raising there leaves ``path`` as it was."""
    resolved = config if isinstance(config, Resolved) else resolve(config or Config())
    target = Path(path)
    with atomic_output(target) as temporary:
        workbook = xlsxwriter.Workbook(str(temporary), {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": True,
        })
        build(workbook, resolved, data or WorkbookData(), own_sheets)
        workbook.close()
        if before_replacing is not None:
            before_replacing(temporary, target)
    return target
