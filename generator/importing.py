"""The import command's work: the figures of helpdesk exports (``importers``),
placed into a workbook, new or filled (``--from``), without ever writing over a
value the team typed: read, place, check, write.

Imported figures are the helpdesk's truth for the months they cover. The
workbook remembers every cell an import wrote, with the value it wrote (the
settings sheet's ``import_log``), so the next import replaces its own figures
freely; a cell holding anything else that the import would change is listed,
and nothing is written unless ``--replace`` says so.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .carry import base_config, carry_over, describe_losses
from .config.file import read_config, read_tables
from .config.resolve import Resolved, resolve, text_for
from .config.settings import Config
from .errors import UsageError, shown
from .files import write_text_atomically
from .generate import apply_overrides, same_file, write_carried
from .importers import ImportOptions, ImportResult, Span, fiscal_spans, read_import_options, run_import
from .importers.options import options_problems, parse_months
from .model.catalog import INPUT_BY_ID, OBSERVED_INPUTS
from .model.data import CHANNEL_MEASURES, CellKey, Value, WorkbookData
from .model.periods import period_starts
from .xlsx.reader import FilledWorkbook, read_filled

MAX_IMPORTS_KEPT = 20  # the history of imports the workbook keeps
# Figures an import fills; everything else (NPS, CES, customers, revenue) is left alone.
DURATIONS = frozenset(item.id for item in INPUT_BY_ID.values() if item.unit.value == "hours")

Progress = Callable[[str, float], None]


@dataclass
class ImportRun:
    """What an import did (or, with ``--dry-run``, would do)."""

    result: ImportResult
    path: Path | None  # the workbook written; None for a dry run
    cells: dict[CellKey, Value]  # every cell given a value (None: emptied)
    replaced: list[str]  # typed cells written over (--replace)
    report: list[str] = field(default_factory=list)  # lines worth telling
    months: list[dt.date] = field(default_factory=list)  # the workbook's months
    labels: dict[str, str] = field(default_factory=dict)  # rollup key -> its label

    def planned(self) -> list[str]:
        """The cells written, month by month, for ``--dry-run``."""
        by_period: dict[str, list[str]] = {}
        for (kind, key, index), value in sorted(self.cells.items(), key=lambda item: (
                item[0][2] if item[0][0] != "obs" else 10_000 + item[0][2], item[0][0], item[0][1])):
            when = self.labels.get(f"r{index}", "?") if kind == "obs" else f"{self.months[index]:%Y-%m}"
            what = key if kind in ("inp", "obs") else f"{kind} {key}"
            shown_value = "blank" if value is None else f"{value:g}"
            by_period.setdefault(when, []).append(f"{what} {shown_value}")
        return [f"{when}: " + ", ".join(items) for when, items in by_period.items()]

    def as_dict(self) -> dict[str, Any]:
        summary = self.result.summary.as_dict()
        summary.update(workbook=str(self.path) if self.path else None, dry_run=self.path is None,
                       cells_written=len(self.cells), typed_cells_replaced=self.replaced)
        return summary


def import_exports(paths: Sequence[Path], out: Path | None, *, config_path: Path | None = None,
                   source: Path | None = None, options: dict[str, Any] | None = None,
                   workbook_options: dict[str, object] | None = None,
                   progress: Progress | None = None) -> ImportRun:
    """Import ``paths`` into ``out``: a new workbook, or the filled workbook
    ``source`` with the imported figures in place. ``options`` are the command
    line's import options (over the configuration's ``[import]``),
    ``workbook_options`` its workbook options (over the configuration)."""
    given = {key: value for key, value in (options or {}).items() if value not in (None, False)}
    tables = read_tables(config_path) if config_path else {}
    folder = config_path.parent if config_path else Path.cwd()
    try:
        settings = read_import_options(tables, folder)
    except UsageError as error:
        where = f"{config_path}: " if config_path else ""
        raise UsageError("\n".join(f"{where}{line}" for line in str(error).splitlines())) from None
    settings = _with_command_line(settings, given)
    filled = read_filled(source) if source is not None else None
    base = base_config(filled) if filled is not None else Config()
    if config_path is not None:
        base = read_config(config_path, base)
    base = apply_overrides(base, workbook_options or {})
    settings = _counted_like(settings, base, filled)
    if problems := options_problems(settings):
        raise UsageError("\n".join(problems))

    chosen: dict[str, Config] = {}
    if filled is not None:
        first = dt.date(base.year, base.start_month, 1)
        spans: Sequence[Span] | Callable[[list[dt.date]], Sequence[Span]] = fiscal_spans(first, base.years)
    else:
        def periods_of(months: list[dt.date]) -> Sequence[Span]:
            chosen["config"] = _covering(base, months)
            config = chosen["config"]
            return fiscal_spans(dt.date(config.year, config.start_month, 1), config.years)
        spans = periods_of
    result = run_import(paths, settings, spans, progress)
    config = base if filled is not None else chosen.get("config", base)
    if filled is None:
        config = _named_like_the_export(config, result)
    config = replace(config, hours=settings.hours)
    config = _with_the_exports_agents(config, result)
    resolved = resolve(config, origin=config_path)

    report: list[str] = []
    data, own_sheets = WorkbookData(), []
    if filled is not None:
        _refuse_mixed_hours(filled, resolved, result)
        carried = carry_over(filled, resolved)
        losses = [*filled.problems, *carried.losses]
        if losses:
            raise UsageError(f"{len(losses)} value(s) of {source} have no place in the workbook "
                             "(regenerate it first with csmetrics generate --from); nothing was "
                             "written:\n" + describe_losses(losses))
        data, own_sheets = carried.data, carried.own_sheets
        report += carried.messages
    placer = _Placer(resolved, settings, result, filled is not None)
    cells = placer.cells()
    if placer.homeless:
        raise UsageError(f"{len(placer.homeless)} imported value(s) have no place in "
                         f"{source or 'the workbook'}; nothing was written:\n"
                         + describe_losses(placer.homeless))
    replaced = _apply(data, cells, resolved, settings.replace)
    data.imports = [*data.imports, _record(paths, result)][-MAX_IMPORTS_KEPT:]
    months = period_starts(resolved.config.year, resolved.config.start_month,
                           resolved.config.periods.count)
    labels = {f"r{index}": f"{column.key} ({months[column.months[0]]:%Y-%m}+{len(column.months)})"
              for index, column in enumerate(resolved.config.periods.rollups)}
    run = ImportRun(result, None, cells, replaced, report, months, labels)
    report += [f"Not in this workbook's metrics, so not filled: {', '.join(placer.skipped)}"] \
        if placer.skipped else []
    if replaced:
        report.append(f"Wrote over {len(replaced)} typed value(s) (--replace):\n"
                      + describe_losses(replaced))
    if not settings.dry_run:
        if out is None:
            raise UsageError("give --out OUT.xlsx, the workbook to write (or --dry-run)")
        run.path = write_carried(out, resolved, data, own_sheets, filled,
                                 same_file(out, source), report)
    if settings.summary is not None:
        write_text_atomically(settings.summary, json.dumps(run.as_dict(), ensure_ascii=False,
                                                           indent=2, default=str) + "\n")
    return run


def _with_command_line(settings: ImportOptions, given: dict[str, Any]) -> ImportOptions:
    """The command line's options over the configuration's ``[import]``."""
    changes: dict[str, Any] = {}
    for key, value in given.items():
        if key == "months":
            months = parse_months(str(value))
            if months is None:
                raise UsageError(f"--months {shown(value)}: expected YYYY-MM..YYYY-MM (first and "
                                 "last month), e.g. 2023-04..2023-06")
            changes[key] = months
        elif key == "summary":
            changes[key] = Path(str(value))
        else:
            changes[key] = value
    return replace(settings, **changes)


def _counted_like(settings: ImportOptions, config: Config,
                  filled: FilledWorkbook | None) -> ImportOptions:
    """The import counts as the workbook does: its CSAT scale, the SLA targets and
    aging limit it shows (a filled workbook's own win), timestamps in the
    business-hours timezone where no other is given."""
    sla = {**config.sla, **{k: v for k, v in (filled.sla if filled else {}).items() if v}}
    zone = settings.timezone or settings.business_hours.timezone
    return replace(settings, csat_points=config.scales.csat_points,
                   csat_satisfied_from=config.scales.csat_satisfied_from,
                   first_reply_hours=float(sla["sla_first_reply_hours"]),
                   resolution_hours=float(sla["sla_resolution_hours"]),
                   aging_days=float(sla["aging_days"]), timezone=zone)


def _covering(config: Config, months: list[dt.date]) -> Config:
    """A new workbook's periods: the whole fiscal years (from the configured start
    month) that hold the export's months."""
    def fiscal_year(month: dt.date) -> int:
        return month.year if month.month >= config.start_month else month.year - 1

    first, last = fiscal_year(min(months)), fiscal_year(max(months))
    years = last - first + 1
    if years > 10:
        raise UsageError(f"the export spans {years} fiscal years ({min(months):%Y-%m} to "
                         f"{max(months):%Y-%m}); a workbook holds at most 10: choose the months "
                         "with --months")
    return replace(config, year=first, years=years)


def _named_like_the_export(config: Config, result: ImportResult) -> Config:
    """A new workbook's categories and channels are the export's own, "Other" in
    the workbook's language."""
    other = text_for(config)("volume_other")
    changes: dict[str, Any] = {}
    if result.categories and config.categories is None:
        changes["categories"] = tuple(other if n == "Other" else n for n in result.categories)
    if result.channels and config.channels is None:
        changes["channels"] = tuple(other if n == "Other" else n for n in result.channels)
    return replace(config, **changes)


def _with_the_exports_agents(config: Config, result: ImportResult) -> Config:
    """Agents the workbook does not have yet get rows of their own (after its own)."""
    if not config.selection.agents or not result.agents:
        return config
    known = {name.casefold() for name in config.agents or ()}
    new = [name for name in result.agents if name.casefold() not in known]
    return replace(config, agents=(*(config.agents or ()), *new)) if new else config


def _refuse_mixed_hours(filled: FilledWorkbook, resolved: Resolved, result: ImportResult) -> None:
    """One basis per workbook: an import in other hours than the workbook's would
    leave rows holding both, unless it replaces every time the workbook holds."""
    basis = filled.made_with.hours or "calendar"
    if basis == resolved.config.hours:
        return
    covered = {i for i, start in enumerate(filled.starts) if start in set(result.months)}
    held = [f"{id} {filled.starts[m]:%Y-%m}" for id in DURATIONS
            for m, value in enumerate(filled.inputs.get(id, [])) if value is not None and m not in covered]
    held += [f"{id} {key}" for id, values in filled.observed.items() for key, v in values.items()
             if v is not None]
    if held:
        raise UsageError(f"{filled.path} holds times in {basis} hours ({', '.join(held[:5])}"
                         f"{' …' if len(held) > 5 else ''}) that this import would not replace; "
                         f"import with --hours {basis}, or empty those cells first")


class _Placer:
    """Where each imported figure goes in the workbook (a cell, by what it means),
    and the figures that have no place there."""

    def __init__(self, resolved: Resolved, settings: ImportOptions, result: ImportResult,
                 into_filled: bool):
        config = resolved.config
        self.config, self.result, self.settings = config, result, settings
        self.text = resolved.text
        self.into_filled = into_filled
        self.starts = period_starts(config.year, config.start_month, config.periods.count)
        self.position = {start: index for index, start in enumerate(self.starts)}
        self.rollups = {column.key: index for index, column in enumerate(config.periods.rollups)}
        self.covered = set(result.months)
        self.targets: dict[tuple[str, str], list[str]] = {}  # workbook name -> export names
        self.merged: dict[CellKey, list[tuple[Value, float]]] = {}  # combined cells' parts
        self.homeless: list[str] = []
        self.skipped: list[str] = []

    def cells(self) -> dict[CellKey, Value]:
        selection = self.config.selection
        cells: dict[CellKey, Value] = {}
        for input_id, series in self.result.inputs.items():
            if input_id == "tickets_new" or INPUT_BY_ID[input_id].from_volume:
                continue  # tickets received: the categories below
            if input_id not in selection.inputs:
                if any(v is not None for v in series.values()):
                    self.skipped.append(input_id)
                continue
            self._months(cells, "inp", input_id, series, input_id)
        for item in OBSERVED_INPUTS:
            if item.id not in selection.inputs:
                continue
            for key, value in self.result.observed.get(item.id, {}).items():
                if key in self.rollups and self._covers(key):
                    cells[("obs", item.id, self.rollups[key])] = value
        if selection.volume:
            categories = self._names(self.config.categories or (), self.settings.category_names)
            for name, counts in self.result.categories.items():
                self._named(cells, "vol", name, counts, categories, "category")
            channels = self._names(self.config.channels or (), self.settings.channel_names)
            for name, counts in self.result.channels.items():
                self._named(cells, "chan", name, counts, channels, "channel")
            for measure in CHANNEL_MEASURES:
                for name, figures in self.result.channel_inputs.get(measure, {}).items():
                    self._named(cells, measure, name, figures, channels, "channel")
            self._combine(cells)
        if selection.agents:
            agents = {name.casefold(): name for name in self.config.agents or ()}
            for name, measures in self.result.agents.items():
                for measure, figures in measures.items():
                    self._months(cells, measure, agents[name.casefold()], figures, f"{measure} {name!r}")
        return cells

    def _combine(self, cells: dict[CellKey, Value]) -> None:
        """Where several of the export's names map to one of the workbook's, their
        counts add up and their first responses average, weighted by their tickets."""
        for key, parts in self.merged.items():
            if len(self.targets[(key[0], key[1])]) < 2:
                continue  # one name: its own value, as placed
            if key[0] == "chan_frt_hours":
                weighted = [(value, weight) for value, weight in parts
                            if value is not None and weight]
                total = sum(weight for _, weight in weighted)
                cells[key] = sum(v * w for v, w in weighted) / total if total else None
            else:
                values = [value for value, _ in parts if value is not None]
                cells[key] = sum(values) if values else None

    def _covers(self, rollup_key: str) -> bool:
        """Whether the export covers any month of a quarter or year (a span it does
        not cover has nothing to say about, and keeps what the team typed)."""
        column = self.config.periods.rollups[self.rollups[rollup_key]]
        return any(self.starts[m] in self.covered for m in column.months)

    def _names(self, names: tuple[str, ...], aliases: Any) -> dict[str, str]:
        """The workbook's names by the export's, matched case-insensitively, through
        the configured aliases, and "Other" as the workbook's language says it."""
        by_key = {name.casefold(): name for name in names}
        found = {name.casefold(): name for name in names}
        other = self.text("volume_other")
        if other.casefold() in by_key:
            found["other"] = by_key[other.casefold()]
        for export_name, workbook_name in dict(aliases).items():
            if workbook_name.casefold() in by_key:
                found[export_name.casefold()] = by_key[workbook_name.casefold()]
        return found

    def _named(self, cells: dict[CellKey, Value], kind: str, name: str,
               series: Mapping[dt.date, Any], names: dict[str, str], what: str) -> None:
        target = names.get(name.casefold())
        if target is None:
            if any(v for v in series.values()):
                option = "categories" if what == "category" else "channels"
                self.homeless.append(f"{what} {shown(name)}: not in the workbook (name it there, "
                                     f"or map it in [import.{option}])")
            return
        self.targets.setdefault((kind, target), []).append(name)
        self._months(cells, kind, target, series, f"{what} {name!r}")
        self._collect(kind, target, name)

    def _collect(self, kind: str, target: str, name: str) -> None:
        """One export name's values (and its tickets, the weight of a first
        response) toward a workbook name that several map to."""
        tickets = self.result.channels.get(name, {})
        source = (self.result.categories if kind == "vol" else self.result.channels
                  if kind == "chan" else self.result.channel_inputs.get(kind, {}))
        for month, value in source.get(name, {}).items():
            index = self.position.get(month)
            if index is not None:
                self.merged.setdefault((kind, target, index), []).append(
                    (None if value is None else float(value), float(tickets.get(month) or 0)))

    def _months(self, cells: dict[CellKey, Value], kind: str, key: str,
                series: Mapping[dt.date, Any], what: str) -> None:
        for month, value in series.items():
            index = self.position.get(month)
            if index is not None:
                cells[(kind, key, index)] = None if value is None else float(value)
            elif value is not None:
                self.homeless.append(f"{what} {month:%Y-%m}: {value:g} (month not in the workbook)")


def _apply(data: WorkbookData, cells: dict[CellKey, Value], resolved: Resolved,
           replace_typed: bool) -> list[str]:
    """Write the imported cells into ``data``; a cell holding a value no import
    wrote that the import would change stops the run, unless ``replace_typed``.
    Returns the typed values written over."""
    periods = resolved.config.periods
    starts = period_starts(resolved.config.year, resolved.config.start_month, periods.count)
    typed: list[str] = []
    for key, new in cells.items():
        old = data.value(key, periods)
        ours = key in data.imported and data.imported[key] == old
        if old is not None and old != new and not ours:
            kind, name, index = key
            when = (f"{starts[periods.rollups[index].months[0]]:%Y-%m} {periods.rollups[index].key}"
                    if kind == "obs" else f"{starts[index]:%Y-%m}")
            row = name if kind in ("inp", "obs") else f"{kind} {name!r}"
            shown_new = "blank" if new is None else f"{new:g}"
            typed.append(f"{when} {row}: typed {old:g}, imported {shown_new}")
    if typed and not replace_typed:
        raise UsageError(f"{len(typed)} cell(s) hold values typed by hand that the import would "
                         "change; nothing was written. Use --replace to write the imported "
                         "figures over them:\n" + describe_losses(typed))
    for key, new in cells.items():
        old = data.value(key, periods)
        if new is None and old is not None and not (key in data.imported and data.imported[key] == old):
            continue  # the import has nothing to say here: the team's value stays
        data.set_value(key, new, periods)
        if new is None:
            data.imported.pop(key, None)
        else:
            data.imported[key] = new
    return typed


def _record(paths: Sequence[Path], result: ImportResult) -> dict[str, str]:
    """One import as the workbook remembers it."""
    summary = result.summary
    months = summary.months
    return {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": ", ".join(Path(p).name for p in paths),
        "sources": ", ".join(sorted({f.source for f in summary.files})),
        "months": f"{min(months):%Y-%m}..{max(months):%Y-%m}" if months else "",
        "hours": summary.hours,
        "timezone": summary.timezone,
        "tickets": str(summary.tickets),
    }
