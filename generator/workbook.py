"""The public API: build the whole workbook from a configuration and data.

``write_workbook(path, config, data)`` is all a caller needs. The sheets are
written by one module each (``sheet_*.py``); this module holds what they share
and does the file I/O, atomically.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import xlsxwriter

from . import __version__, catalog, reference
from .config import Config, ConfigError, validate
from .data import WorkbookData
from .files import atomic_output
from .layout import FormulasLayout, TrackerLayout, VolumeLayout
from .periods import period_starts
from .styles import Styles
from .text import Text
from .xlsx_fixes import SharedFunctionsWorksheet

LAYOUT_VERSION = 1


@dataclass
class Context:
    """Everything the sheet writers share."""

    workbook: xlsxwriter.Workbook
    config: Config
    data: WorkbookData  # completed: every input cell has a value or None
    text: Text
    styles: Styles
    calculators: tuple[catalog.Calculator, ...]
    tracker: TrackerLayout
    volume: VolumeLayout
    formulas: FormulasLayout
    sheet_names: dict[str, str]
    tracker_result: reference.TrackerResult
    volume_result: reference.VolumeResult
    month_labels: list[str]
    period_starts: list[dt.date]
    names: dict[str, str] = field(default_factory=dict)  # defined name -> reference

    def define(self, name: str, reference_text: str) -> None:
        """Register a workbook-scope defined name (written once, at the end)."""
        if name in self.names:
            raise ValueError(f"defined name {name} used twice")
        self.names[name] = reference_text


def text_for(config: Config) -> Text:
    scales = config.scales
    return Text(
        config.language,
        company=config.company,
        title=config.title,
        year=config.year,
        currency=config.money.symbol,
        csat_scale=scales.csat_points,
        csat_satisfied_from=scales.csat_satisfied_from,
        ces_scale=scales.ces_points,
        ces_easy_from=scales.ces_easy_from,
    )


def resolve_config(config: Config, text: Text | None = None) -> Config:
    """The configuration with its language's default categories, channels and font."""
    if None not in (config.categories, config.channels, config.font, config.company, config.title,
                    config.currency):
        return config
    text = text or text_for(config)
    return replace(
        config,
        company=config.company or text("default_company"),
        title=config.title or text("default_title"),
        categories=config.categories or tuple(text("default_categories").split("|")),
        channels=config.channels or tuple(text("default_channels").split("|")),
        font=config.font or text("default_font"),
        currency=config.currency or text("default_currency"),
    )


def build(workbook: xlsxwriter.Workbook, config: Config, data: WorkbookData) -> Context:
    """Lay out and write every sheet into an open xlsxwriter workbook."""
    from .sheet_formulas import FormulasSheet
    from .sheet_start import StartSheet
    from .sheet_tracker import TrackerSheet
    from .sheet_volume import VolumeSheet

    text = text_for(config)
    config = resolve_config(config, text)
    text.update(company=config.company, title=config.title, currency=config.money.symbol)
    selection = config.selection
    calculators = tuple(calc for calc in catalog.calculators(config.scales)
                        if selection.calculator_included(calc.id))
    data = data.completed(config, calculators)
    sheet_names = resolved_sheet_names(config, text)
    if problems := sheet_name_problems(config, sheet_names):
        raise ConfigError("\n".join(problems))
    starts = period_starts(config.year, config.start_month, config.periods.count)
    month_names = text("month_names").split()
    context = Context(
        workbook=workbook,
        config=config,
        data=data,
        text=text,
        styles=Styles(workbook, config, text("date_format_month")),
        calculators=calculators,
        tracker=TrackerLayout.build(config, sheet_names["tracker"]),
        volume=VolumeLayout(sheet_names["volume"], config.categories or (), config.channels or (),
                            config.periods.count),
        formulas=FormulasLayout.build(calculators, sheet_names["formulas"]),
        sheet_names=sheet_names,
        tracker_result=reference.tracker(data, config.periods),
        volume_result=reference.volume(data, config.periods),
        month_labels=[text("month_label", month_name=month_names[d.month - 1], year=d.year)
                      for d in starts],
        period_starts=starts,
    )
    def add(key: str):
        return workbook.add_worksheet(sheet_names[key], worksheet_class=SharedFunctionsWorksheet)

    sheets = [StartSheet(context, add("start")), TrackerSheet(context, add("tracker"))]
    if selection.volume:
        sheets.append(VolumeSheet(context, add("volume")))
    sheets.append(FormulasSheet(context, add("formulas")))
    for sheet in sheets:
        sheet.write()
    for name, target in sorted(context.names.items()):
        workbook.define_name(name, "=" + target)
    text.save()
    _write_properties(workbook, config, text)
    return context


SHEETS = ("start", "tracker", "volume", "formulas")


def resolved_sheet_names(config: Config, text: Text) -> dict[str, str]:
    return {key: config.sheet_names.get(key) or text(f"sheet_{key}") for key in SHEETS}


def sheet_name_problems(config: Config, names: dict[str, str]) -> list[str]:
    """Two sheets may not share a name (case-insensitively); the configured one is
    the one reported, since a language's own names never collide."""
    seen: dict[str, str] = {}
    problems = []
    for key in sorted(SHEETS, key=lambda k: k in config.sheet_names):
        name = names[key]
        if name.casefold() in seen:
            problems.append(f"sheets.{key} = {name!r}: the {seen[name.casefold()]} sheet is "
                            "called that already (names match case-insensitively)")
        seen.setdefault(name.casefold(), key)
    return problems


def _write_properties(workbook: xlsxwriter.Workbook, config: Config, text: Text) -> None:
    workbook.set_properties({
        "title": config.title,
        "subject": text("tracker_title"),
        "author": config.author,
        "company": config.company,
        "comments": f"Generated by csmetrics {__version__}",
    })
    workbook.set_custom_property("csmetrics_layout_version", LAYOUT_VERSION)
    workbook.set_custom_property("csmetrics_version", __version__)
    workbook.set_custom_property("csmetrics_language", config.language)
    workbook.set_custom_property("csmetrics_company", config.company or "")
    workbook.set_custom_property("csmetrics_title", config.title or "")
    workbook.set_custom_property("csmetrics_currency", config.money.code)
    scales = config.scales
    workbook.set_custom_property(
        "csmetrics_scales", f"csat {scales.csat_points} {scales.csat_satisfied_from} "
                            f"ces {scales.ces_points} {scales.ces_easy_from}")


def write_workbook(path: str | os.PathLike[str], config: Config | None = None,
                   data: WorkbookData | None = None) -> Path:
    """Write the workbook to ``path`` atomically: a failure leaves no partial file."""
    config = validate(config or Config())
    target = Path(path)
    with atomic_output(target) as temporary:
        workbook = xlsxwriter.Workbook(str(temporary), {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": True,
        })
        build(workbook, config, data or WorkbookData())
        workbook.close()
    return target
