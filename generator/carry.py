"""The regeneration policy: what of a filled workbook is carried into a newly
configured one, what is refused, and what ``--drop-data`` lets go.

The reader (``xlsx.reader``) says what a workbook holds; this module decides
where each value goes. Nothing is dropped silently: a value with no place in
the new workbook is a loss, and losses stop the command unless the user drops
them knowingly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from . import __version__
from .config.choices import MAX_SHEET
from .config.resolve import Resolved, language_defaults, resolve
from .config.settings import CURRENCIES, Config, ConfigError
from .errors import shown
from .model.agents import AGENT_INPUTS
from .model.calculators import calculators
from .model.data import CHANNEL_MEASURES, CellKey, Value, WorkbookData
from .model.periods import Periods, period_starts
from .model.scales import DEFAULT_SCALES
from .model.selection import Selection
from .xlsx import contract
from .xlsx.legacy import legacy_texts, normalised
from .xlsx.reader import FilledWorkbook
from .xlsx.sheets.own import OwnSheet
from .xlsx.writer import written_texts


def base_config(filled: FilledWorkbook) -> Config:
    """The configuration the workbook was made with, as far as it tells:
    regeneration starts from it, so only what the user changes changes."""
    made_with = filled.made_with
    defaults = language_defaults(filled.language)

    def kept(value: Any, key: str) -> Any:
        """A value equal to the old language's default follows the new language."""
        return None if not value or value == getattr(defaults, key) else value

    every_metric = (made_with.layout_version or 1) < contract.LAYOUT_VERSION and set(
        filled.kpis) >= contract.LAYOUT_1_KPIS  # an older layout's "all" is this one's "all"
    base = Config(
        year=filled.starts[0].year,
        start_month=filled.starts[0].month,
        years=max(1, len(filled.starts) // 12),
        metrics=None if every_metric else filled.kpis or None,
        categories=kept(tuple(filled.volume), "categories"),
        channels=kept(tuple(filled.channels), "channels"),
        agents=tuple(filled.agents) or None,
        company=kept(made_with.company, "company"),
        title=kept(made_with.title, "title"),
        currency=made_with.currency,  # money stays money
        scales=filled.scales or DEFAULT_SCALES,
        font=kept(made_with.font, "font"),
        sheet_names=made_with.sheet_names or {},
    )
    branding = {key: value for key in ("primary_color", "accent_color", "author", "benchmarks",
                                       "hours")
                if (value := getattr(made_with, key)) is not None}
    return replace(base, language=filled.language, **branding)


@dataclass
class Carried:
    data: WorkbookData
    losses: list[str]  # values the new configuration has no place for
    own_sheets: list[tuple[OwnSheet, str]] = field(default_factory=list)  # with their new names
    messages: list[str] = field(default_factory=list)  # worth telling, nothing lost


def carry_over(filled: FilledWorkbook, resolved: Resolved) -> Carried:
    """The filled workbook's data placed in the new configuration's workbook."""
    config = resolved.config
    selection = config.selection
    starts = period_starts(config.year, config.start_month, config.periods.count)
    position = {start: index for index, start in enumerate(starts)}
    losses: list[str] = []

    def place(series: list[Value], what: str) -> list[Value]:
        placed: list[Value] = [None] * len(starts)
        for start, value in zip(filled.starts, series, strict=False):
            if value is None:
                continue
            if start in position:
                placed[position[start]] = value
            else:
                losses.append(f"{what} {start:%Y-%m}: {value:g} (month not in the new periods)")
        return placed

    def lose_all(series: list[Value], what: str, why: str) -> None:
        for start, value in zip(filled.starts, series, strict=False):
            if value is not None:
                losses.append(f"{what} {start:%Y-%m}: {value:g} ({why})")

    inputs: dict[str, list[Value]] = {}
    for input_id, series in filled.inputs.items():
        if input_id in selection.inputs:
            inputs[input_id] = place(series, contract.input_name(input_id))
        else:
            lose_all(series, contract.input_name(input_id), "metric left out")
    old_defaults, new_defaults = language_defaults(filled.language), language_defaults(
        config.language)
    volume, category_of = _match_names(
        filled.volume, config.categories or (), "category", place, lose_all, selection.volume,
        _translation(old_defaults.categories, new_defaults.categories))
    channels, channel_of = _match_names(
        filled.channels, config.channels or (), "channel", place, lose_all, selection.volume,
        _translation(old_defaults.channels, new_defaults.channels))
    # KPIs new to the workbook get the configuration's targets; the ones it had keep
    # what the team typed (an emptied target stays empty).
    targets: dict[str, Value] = {k: v for k, v in config.targets.items() if k in selection.kpis}
    for kpi_id, value in filled.targets.items():
        if kpi_id in selection.kpis:
            targets[kpi_id] = value
        elif value is not None:
            losses.append(f"{contract.target_name(kpi_id)}: {value:g} (metric left out)")
    calc_values = _carry_calculators(filled, config, losses)
    gross_margin = filled.gross_margin if filled.had_gross_margin else config.gross_margin
    if "gross_margin" not in selection.assumptions and gross_margin not in (None,
                                                                          config.gross_margin):
        losses.append(f"{contract.GROSS_MARGIN}: {gross_margin:g} (CLV left out)")
    observed, observed_position = _carry_observed(filled, config, selection, losses)
    period_notes = _carry_period_notes(filled, position, len(starts), losses)
    channel_measures = {
        measure: {channel_of[name]: place(series, f"{measure} {name!r}")
                  for name, series in filled.channel_measures.get(measure, {}).items()
                  if name in channel_of}
        for measure in CHANNEL_MEASURES}
    for measure, grid in filled.channel_measures.items():
        for name, series in grid.items():
            if name not in channel_of:
                lose_all(series, f"{measure} {name!r}", "channel not in the new configuration")
    sla = _carry_sla(filled, config, losses)
    agents, agent_of = _carry_agents(filled, config, place, lose_all)
    renamed = {"inp": {i: i for i in inputs}, "vol": category_of, "chan": channel_of,
               "target": {k: k for k in selection.kpis}, "obs": {i: i for i in observed},
               "setting": {key: key for key in selection.sla_settings},
               **{measure: channel_of for measure in CHANNEL_MEASURES},
               **{item.id: agent_of for item in AGENT_INPUTS}}
    where = _CellMap(filled, renamed, position, observed_position)
    notes = _carry_by_cell(filled.notes, "note", where, losses)
    fills = _carry_by_cell(filled.fills, "colour", where, losses)
    data = WorkbookData(inputs=inputs, volume=volume, channels=channels, targets=targets,
                        calculators=calc_values, gross_margin=gross_margin, notes=notes,
                        fills=fills, observed=observed, period_notes=period_notes,
                        channel_measures=channel_measures, sla=sla,
                        imports=list(filled.made_with.imports or []), agents=agents)
    data.imported = _carry_imported(filled, data, where, config.periods)
    carried = Carried(data, losses)
    _carry_own_sheets(filled, resolved, carried)
    carried.losses += _typed_texts(filled)
    return carried


def rollup_spans(starts: list[dt.date], periods: Periods) -> dict[str, tuple[dt.date, int]]:
    """Each quarter's and year's column key with its first month and length."""
    return {column.key: (starts[column.months[0]], len(column.months)) for column in periods.rollups}


def _carry_observed(filled: FilledWorkbook, config: Config, selection: Selection,
                    losses: list[str]) -> tuple[dict[str, dict[str, Value]], dict[int, int]]:
    """Observed quarters and years go to the new column of the same first month and
    length (the same quarter or year); a figure for a span the new workbook does
    not have is a loss. Returns the values, and old rollup index -> new."""
    old_periods = Periods(max(1, len(filled.starts) // 12))
    old_spans = rollup_spans(filled.starts, old_periods)
    new_starts = period_starts(config.year, config.start_month, config.periods.count)
    new_keys = {span: key for key, span in rollup_spans(new_starts, config.periods).items()}
    old_index = {column.key: i for i, column in enumerate(old_periods.rollups)}
    new_index = {column.key: i for i, column in enumerate(config.periods.rollups)}
    index_map = {old_index[key]: new_index[new_keys[span]] for key, span in old_spans.items()
                 if span in new_keys}
    carried: dict[str, dict[str, Value]] = {}
    for input_id, values in filled.observed.items():
        for key, value in values.items():
            if value is None:
                continue
            span = old_spans.get(key)
            name_of = contract.observed_quarter_name if key[0] == "q" else contract.observed_year_name
            what = name_of(input_id)
            when = f" {span[0]:%Y-%m}" if span else ""
            if input_id not in selection.inputs:
                losses.append(f"{what}{when}: {value:g} (metric left out)")
            elif span is None or span not in new_keys:
                losses.append(f"{what}{when}: {value:g} (no such quarter or year in the new periods)")
            else:
                carried.setdefault(input_id, {})[new_keys[span]] = value
    return carried, index_map


def _carry_period_notes(filled: FilledWorkbook, position: dict[dt.date, int], count: int,
                        losses: list[str]) -> list[str | None]:
    notes: list[str | None] = [None] * count
    for start, note in zip(filled.starts, filled.period_notes, strict=False):
        if note is None:
            continue
        if start in position:
            notes[position[start]] = note
        else:
            losses.append(f"{contract.PERIOD_NOTES} {start:%Y-%m}: {shown(note)} (month not in the "
                          "new periods)")
    return notes


def _carry_agents(filled: FilledWorkbook, config: Config, place: Any, lose_all: Any,
                  ) -> tuple[dict[str, dict[str, list[Value]]], dict[str, str]]:
    """Agents by name (case-insensitively), like categories: an agent with figures
    whom the new configuration renames or leaves out is a loss, listed."""
    wanted = {name.casefold(): name for name in config.agents or ()} if config.selection.agents else {}
    carried: dict[str, dict[str, list[Value]]] = {}
    renamed: dict[str, str] = {}
    for name, measures in filled.agents.items():
        target = wanted.get(name.casefold())
        if target is None:
            why = "agent not in the new configuration" if config.selection.agents else "Agents sheet left out"
            for measure, series in measures.items():
                lose_all(series, f"{measure} {name!r}", why)
            continue
        carried[target] = {measure: place(series, f"{measure} {name!r}")
                           for measure, series in measures.items()}
        renamed[name] = target
    return carried, renamed


def _carry_sla(filled: FilledWorkbook, config: Config, losses: list[str]) -> dict[str, Value]:
    """Typed SLA settings win over the configuration's, like targets; one whose
    rows are left out is a loss unless it is the configuration's value anyway."""
    sla: dict[str, Value] = dict(config.sla)
    wanted = config.selection.sla_settings
    for key, value in filled.sla.items():
        if key in wanted:
            sla[key] = value
        elif value is not None and value != config.sla.get(key):
            losses.append(f"{key}: {value:g} (metric left out)")
    return sla


def _typed_texts(filled: FilledWorkbook) -> list[str]:
    """Text on csmetrics' sheets that the workbook's own version of csmetrics does
    not write (a note typed beside the grid, a label retyped) was the team's, and
    the new workbook has no place for it. A workbook of this version is compared
    with a fresh one of the same configuration; one of an older layout with the
    texts that layout writes (``xlsx.legacy``)."""
    if not filled.texts:
        return []
    made_with = filled.made_with
    if made_with.version == __version__:
        try:
            known = written_texts(resolve(base_config(filled)))
        except ConfigError:  # the workbook's own settings no longer resolve: compare with none
            known = set()
        typed = [(where, text) for where, text in filled.texts.items() if text not in known]
    else:
        old = legacy_texts(made_with.layout_version or 1, filled.language, made_with.company or "",
                           made_with.title or "", CURRENCIES.get(made_with.currency or "USD",
                                                                 CURRENCIES["USD"]).symbol)
        if old is None:  # a layout whose texts are unknown: nothing can be told apart
            return []
        typed = [(where, text) for where, text in filled.texts.items() if normalised(text) not in old]
    return [f"{where}: the text {shown(text)} is not csmetrics' own, and the new workbook has "
            "no place for it" for where, text in typed if text.strip()]


def _carry_own_sheets(filled: FilledWorkbook, resolved: Resolved, carried: Carried) -> None:
    """The team's own sheets go after the csmetrics ones, under their names (one
    that a csmetrics sheet now has gets a number); what a sheet holds that cannot
    be carried (charts, images, merged cells) is a loss."""
    taken = {name.casefold() for name in (*resolved.sheet_names.values(), contract.SETTINGS_SHEET)}
    for sheet in filled.own_sheets:
        name, number = sheet.name, 1
        while name.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            name = sheet.name[:MAX_SHEET - len(suffix)] + suffix
        taken.add(name.casefold())
        if name != sheet.name:
            carried.messages.append(f"Your sheet {shown(sheet.name)} is now called {shown(name)} "
                                 "(a csmetrics sheet has its name)")
        carried.own_sheets.append((sheet, name))
        carried.losses += [f"the sheet {shown(sheet.name)}: {what} cannot be carried over"
                           for what in sheet.not_carried]


def _translation(old: tuple[str, ...] | None, new: tuple[str, ...] | None) -> dict[str, str]:
    """Default names of the old language to the same defaults in the new one, so
    that switching language keeps the volume of the default categories."""
    if not old or not new or len(old) != len(new):
        return {}
    return {a.strip().casefold(): b for a, b in zip(old, new, strict=True)}


def _match_names(old: dict[str, list[Value]], new: tuple[str, ...], kind: str, place: Any,
                 lose_all: Any, sheet_exists: bool, translated: dict[str, str],
                 ) -> tuple[dict[str, list[Value]], dict[str, str]]:
    """Volume series by the new names, matched case-insensitively (or as the same
    default name in another language), and each old name's new one."""
    by_key = {name.strip().casefold(): name for name in new} if sheet_exists else {}
    carried: dict[str, list[Value]] = {}
    renamed: dict[str, str] = {}
    for name, series in old.items():
        key = name.strip().casefold()
        target = by_key.get(key) or by_key.get(translated.get(key, "").strip().casefold())
        if target is None:
            lose_all(series, f"{kind} {name!r}", f"{kind} not in the new configuration")
        else:
            carried[target] = place(series, f"{kind} {name!r}")
            renamed[name] = target
    return carried, renamed


class _CellMap:
    """Where a cell of the filled workbook (by what it means: a notes key) is in
    the new one: the same input, category, channel, target or quarter, and the
    same month."""

    SINGLE = ("target", "setting")  # one cell, not one per month

    def __init__(self, filled: FilledWorkbook, renamed: dict[str, dict[str, str]],
                 position: dict[dt.date, int], observed_position: dict[int, int]):
        self.filled, self.renamed = filled, renamed
        self.position, self.observed_position = position, observed_position

    def start(self, key: CellKey) -> dt.date | None:
        kind, _, month = key
        if kind == "obs" or kind in self.SINGLE or month >= len(self.filled.starts):
            return None
        return self.filled.starts[month]

    def __call__(self, key: CellKey) -> CellKey | None:
        kind, name, month = key
        new_name = self.renamed.get(kind, {}).get(name)
        if kind == "obs":
            new_month = self.observed_position.get(month)
        elif kind in self.SINGLE:
            new_month = 0
        else:
            start = self.start(key)
            new_month = self.position.get(start) if start else None
        return None if new_name is None or new_month is None else (kind, new_name, new_month)


def _carry_by_cell(given: dict[CellKey, str], what: str, where: _CellMap,
                   losses: list[str]) -> dict[CellKey, str]:
    """Notes (or colours) of input cells go to the same cell of the new workbook;
    one whose cell is gone is a loss."""
    carried: dict[CellKey, str] = {}
    for key, text in given.items():
        new_key = where(key)
        if new_key is None:
            start = where.start(key)
            when = f" {start:%Y-%m}" if start else ""
            losses.append(f"the {what} on {key[0]} {key[1]}{when}: {shown(text)} (its cell is gone)")
        else:
            carried[new_key] = text
    return carried


def _carry_imported(filled: FilledWorkbook, data: WorkbookData, where: _CellMap,
                    periods: Periods) -> dict[CellKey, Value]:
    """What earlier imports wrote, for the cells that still hold what they wrote
    (a value the team changed since is the team's now)."""
    carried: dict[CellKey, Value] = {}
    for key, value in filled.imported.items():
        new_key = where(key)
        if new_key is not None and data.value(new_key, periods) == value:
            carried[new_key] = value
    return carried


def _carry_calculators(filled: FilledWorkbook, config: Config,
                       losses: list[str]) -> dict[str, dict[str, Value]]:
    """Calculator inputs by name. When a survey scale changes, answer counts do not
    mean the same any more (a 5 of 5 is not a 5 of 7): the new calculator starts
    from its example, and the old counts that were not the example are reported."""
    old_scales = filled.scales or DEFAULT_SCALES
    old = {calc.id: calc for calc in calculators(old_scales)}
    new = {calc.id: calc for calc in calculators(config.scales)
           if config.selection.calculator_included(calc.id)}
    rescaled = {
        "csat": (old_scales.csat_points, old_scales.csat_satisfied_from)
        != (config.scales.csat_points, config.scales.csat_satisfied_from),
        "ces": (old_scales.ces_points, old_scales.ces_easy_from)
        != (config.scales.ces_points, config.scales.ces_easy_from),
    }
    carried: dict[str, dict[str, Value]] = {}
    for calc_id, values in filled.calculators.items():
        calc = new.get(calc_id)
        if calc is None or rescaled.get(calc_id):
            examples = {i.id: i.example for i in old[calc_id].inputs} if calc_id in old else {}
            why = "calculator left out" if calc is None else "survey scale changed"
            losses += [f"{contract.calculator_input_name(calc_id, input_id)}: {value:g} ({why})"
                       for input_id, value in values.items()
                       if value is not None and value != examples.get(input_id)]
            continue
        known = {item.id for item in calc.inputs}
        carried[calc_id] = {input_id: value for input_id, value in values.items()
                            if input_id in known}
    # calculators the old workbook did not have (or rescaled) start from their examples
    for calc_id, calc in new.items():
        if calc_id not in carried:
            carried[calc_id] = {item.id: item.example for item in calc.inputs}
        else:
            for item in calc.inputs:
                carried[calc_id].setdefault(item.id, None)
    return carried


def entered_values(filled: FilledWorkbook) -> list[str]:
    """What a team put into a workbook beyond what a freshly generated one holds:
    tracker inputs, volume and channel counts, text in number cells, targets,
    calculator inputs or the gross margin that differ from the defaults, and
    sheets of the team's own. A workbook
    with any of these is never written over by a plain generate."""
    fresh = Config()
    found = list(filled.problems)

    def series(what: str, values: list[Value]) -> None:
        found.extend(f"{what} {start:%Y-%m}: {value:g}"
                     for start, value in zip(filled.starts, values, strict=False) if value is not None)

    for input_id, values in filled.inputs.items():
        series(contract.input_name(input_id), values)
    for kind, grid in (("category", filled.volume), ("channel", filled.channels)):
        for name, values in grid.items():
            series(f"{kind} {name!r}", values)
    found += [f"{contract.target_name(kpi_id)}: {value:g}" for kpi_id, value in filled.targets.items()
              if value is not None and value != fresh.targets.get(kpi_id)]
    examples = {calc.id: {item.id: item.example for item in calc.inputs}
                for calc in calculators(filled.scales or DEFAULT_SCALES)}
    found += [f"{contract.calculator_input_name(calc_id, input_id)}: {value:g}"
              for calc_id, values in filled.calculators.items()
              for input_id, value in values.items()
              if value is not None and value != examples.get(calc_id, {}).get(input_id)]
    if filled.had_gross_margin and filled.gross_margin not in (None, fresh.gross_margin):
        found.append(f"{contract.GROSS_MARGIN}: {filled.gross_margin:g}")
    found += [f"the sheet {shown(sheet.name)}: {len(sheet.cells)} filled cell(s)"
              for sheet in filled.own_sheets if sheet.cells]
    found += [f"{contract.PERIOD_NOTES} {start:%Y-%m}: {shown(note)}"
              for start, note in zip(filled.starts, filled.period_notes, strict=False) if note]
    found += [f"{contract.observed_quarter_name(id) if key[0] == 'q' else contract.observed_year_name(id)}"
              f" {key}: {value:g}" for id, values in filled.observed.items()
              for key, value in values.items() if value is not None]
    for measure, grid in filled.channel_measures.items():
        for name, values in grid.items():
            series(f"{measure} {name!r}", values)
    for name, measures in filled.agents.items():
        for measure, values in measures.items():
            series(f"{measure} {name!r}", values)
    found += [f"{key}: {value:g}" for key, value in filled.sla.items()
              if value is not None and value != fresh.sla.get(key)]
    return found


def describe_losses(losses: list[str], limit: int = 40) -> str:
    shown = losses[:limit]
    more = f"\n  … and {len(losses) - limit} more" if len(losses) > limit else ""
    return "\n".join(f"  {line}" for line in shown) + more
