"""Regeneration: read what a team entered into a csmetrics workbook and carry it
into a newly configured one, never losing a value silently.

Reading goes through the workbook's defined names (``inp_*``, ``vol_*``,
``chan_*``, ``target_*``, ``calc_*``, ``assumption_gross_margin``,
``period_start``), so it works whatever the sheet names, language or layout
details, and on files re-saved by Excel, LibreOffice or Gnumeric.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from .catalog import CALCULATOR_KPI, ENTERED_INPUTS, KPI_BY_ID, Scales, calculators
from .config import Config
from .data import Value, WorkbookData
from .errors import UsageError
from .periods import period_starts
from .text import LANGUAGES

LAYOUT_PROPERTY = "csmetrics_layout_version"
SUPPORTED_LAYOUT = 1
RESULT_SUFFIXES = ("promoters_pct", "passives_pct", "detractors_pct", "mean", "total",
                   "weight_total")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


@dataclass
class FilledWorkbook:
    """What a team entered, keyed as in the old workbook."""

    path: Path
    starts: list[dt.date]
    inputs: dict[str, list[Value]] = field(default_factory=dict)
    volume: dict[str, list[Value]] = field(default_factory=dict)
    channels: dict[str, list[Value]] = field(default_factory=dict)
    targets: dict[str, Value] = field(default_factory=dict)
    calculators: dict[str, dict[str, Value]] = field(default_factory=dict)
    gross_margin: Value = None
    had_gross_margin: bool = False
    kpis: tuple[str, ...] = ()  # the metrics the workbook has
    properties: dict[str, str] = field(default_factory=dict)  # csmetrics_* document properties
    problems: list[str] = field(default_factory=list)  # text that is not a number

    def base_config(self) -> Config:
        """The configuration the workbook was made with, as far as it tells:
        regeneration starts from it, so only what the user changes changes."""
        from dataclasses import replace

        properties = self.properties
        defaults = self.language_defaults

        def kept(value: Any, key: str) -> Any:
            """A value equal to the old language's default follows the new language."""
            return None if not value or value == defaults.get(key) else value

        base = Config(
            year=self.starts[0].year,
            start_month=self.starts[0].month,
            years=max(1, len(self.starts) // 12),
            metrics=self.kpis or None,
            categories=kept(tuple(self.volume), "categories"),
            channels=kept(tuple(self.channels), "channels"),
            company=kept(properties.get("csmetrics_company"), "company"),
            title=kept(properties.get("csmetrics_title"), "title"),
            currency=properties.get("csmetrics_currency") or None,  # money stays money
            scales=self.scales or Scales(),
        )
        return replace(base, language=self.language)

    @property
    def scales(self) -> Scales | None:
        """The survey scales the workbook was made with (custom property)."""
        parts = self.properties.get("csmetrics_scales", "").split()
        try:
            return Scales(int(parts[1]), int(parts[2]), int(parts[4]), int(parts[5]))
        except (IndexError, ValueError):
            return None

    @property
    def language(self) -> str:
        language = self.properties.get("csmetrics_language", "en")
        return language if language in LANGUAGES else "en"

    @cached_property  # read once the properties are in; used by base_config and carry_over
    def language_defaults(self) -> dict[str, Any]:
        """Default company, title, categories and channels of the workbook's language."""
        from .workbook import resolve_config

        config = resolve_config(Config(language=self.language))
        return {"company": config.company, "title": config.title, "currency": config.currency,
                "categories": config.categories, "channels": config.channels}


# --------------------------------------------------------------------------- reading


class _Cells:
    """All cell values of a workbook, read once (read-only mode is fast and skips
    comments, which Gnumeric writes in a form openpyxl's full reader rejects)."""

    def __init__(self, workbook: Any):
        self.sheets: dict[str, dict[tuple[int, int], Any]] = {}
        for ws in workbook.worksheets:
            cells = self.sheets.setdefault(ws.title, {})
            ws.reset_dimensions()  # never trust a saved <dimension>: it may be too small
            for row in ws.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is not None:
                        cells[(cell.row, cell.column)] = value


def _coordinates(area: str) -> list[list[tuple[int, int]]]:
    """Rows of (row, column) pairs of an A1 area such as ``$C$11:$N$11``."""
    from openpyxl.utils.cell import range_boundaries

    min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
    return [[(row, col) for col in range(min_col, max_col + 1)]
            for row in range(min_row, max_row + 1)]


def read_filled(path: Path) -> FilledWorkbook:
    """Everything entered in a workbook csmetrics generated (any language or layout)."""
    workbook = _open(path)
    try:
        names = {name: list(defined.destinations) for name, defined in
                 workbook.defined_names.items()}
        properties = {prop.name: str(prop.value) for prop in
                      getattr(workbook, "custom_doc_props", None) or []}
        _check_origin(path, properties, names)
        cells = _Cells(workbook)
    finally:
        workbook.close()
    filled = _Reader(path, names, cells).read()
    filled.properties = properties
    return filled


def _open(path: Path) -> Any:
    from openpyxl import load_workbook

    if not path.is_file():
        raise UsageError(f"{path}: no such workbook")
    if not zipfile.is_zipfile(path):
        raise UsageError(f"{path}: not an .xlsx workbook (or the file is damaged)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UsageError(f"{path}: cannot read the workbook, it looks damaged ({error})") from None


def _check_origin(path: Path, properties: dict[str, str], names: dict[str, Any]) -> None:
    version = properties.get(LAYOUT_PROPERTY)
    if version is None and not ("period_start" in names and any(n.startswith("inp_") for n in names)):
        raise UsageError(f"{path}: not a workbook made by csmetrics (no csmetrics layout "
                         "version and none of its defined names)")
    # Without the property (an application that drops it), the names identify layout 1.
    try:
        # LibreOffice re-saves the whole number as a decimal ("1.0")
        number = float(version) if version is not None else SUPPORTED_LAYOUT
        if not number.is_integer():
            raise ValueError(version)
        version = int(number)
    except (TypeError, ValueError):
        raise UsageError(f"{path}: unreadable csmetrics layout version {version!r}") from None
    if version > SUPPORTED_LAYOUT:
        raise UsageError(f"{path}: made by a newer csmetrics (layout {version}; this version "
                         f"reads layout {SUPPORTED_LAYOUT}): upgrade csmetrics")


class _Reader:
    def __init__(self, path: Path, names: dict[str, Any], cells: _Cells):
        self.path, self.names, self.cells = path, names, cells
        self.problems: list[str] = []

    def place(self, name: str) -> tuple[str, list[list[tuple[int, int]]]] | None:
        """The sheet and cells a defined name refers to; a name whose cells were
        deleted (``#REF!``) is an error worth stopping for, not an empty range."""
        destinations = self.names.get(name) or []
        if not destinations:
            return None
        sheet, area = destinations[0]
        sheet = sheet.replace("''", "'")  # openpyxl keeps a quoted name's doubled apostrophe
        try:
            cells = _coordinates(area)
        except (TypeError, ValueError):
            raise UsageError(f"{self.path}: the name {name} no longer refers to cells "
                             f"({area}); was a row or column deleted?") from None
        if sheet not in self.cells.sheets:
            raise UsageError(f"{self.path}: the name {name} refers to a missing sheet {sheet!r}")
        return sheet, cells

    def grid(self, name: str) -> list[list[Any]]:
        """Raw values of a defined name's area, row by row."""
        found = self.place(name)
        if found is None:
            return []
        sheet, cells = found
        values = self.cells.sheets[sheet]
        return [[values.get(rc) for rc in row] for row in cells]

    def area_cells(self, name: str) -> list[str]:
        from openpyxl.utils.cell import get_column_letter

        found = self.place(name)
        if found is None:
            return []
        sheet, cells = found
        return [f"{sheet}!{get_column_letter(c)}{r}" for row in cells for r, c in row]

    def numbers(self, name: str, what: str) -> list[Value]:
        flat = [v for row in self.grid(name) for v in row]
        places = self.area_cells(name)
        return [self.number(v, f"{place} ({what})") for v, place in zip(flat, places, strict=True)]

    def number(self, value: Any, where: str) -> Value:
        parsed, problem = parse_number(value)
        if problem:
            self.problems.append(f"{where}: {problem}")
        return parsed

    def read(self) -> FilledWorkbook:
        starts = [_as_date(v) for v in (self.grid("period_start") or [[]])[0]]
        if not starts or any(s is None for s in starts):
            raise UsageError(f"{self.path}: the period_start dates are missing or not dates")
        filled = FilledWorkbook(self.path, starts)  # type: ignore[arg-type]
        for item in ENTERED_INPUTS:
            if f"inp_{item.id}" in self.names:
                filled.inputs[item.id] = self.numbers(f"inp_{item.id}", f"inp_{item.id}")
        filled.volume = self.by_header("vol_categories", "vol_counts")
        filled.channels = self.by_header("chan_names", "chan_counts")
        for kpi_id in KPI_BY_ID:
            if f"target_{kpi_id}" in self.names:
                filled.targets[kpi_id] = self.numbers(f"target_{kpi_id}", f"target_{kpi_id}")[0]
        filled.calculators = self.calculator_inputs()
        filled.kpis = tuple(k for k in KPI_BY_ID if f"kpi_{k}" in self.names)
        if "assumption_gross_margin" in self.names:
            filled.gross_margin = self.numbers("assumption_gross_margin", "gross margin")[0]
            filled.had_gross_margin = True
        filled.problems = self.problems
        return filled

    def by_header(self, header_name: str, counts_name: str) -> dict[str, list[Value]]:
        headers = (self.grid(header_name) or [[]])[0]
        rows = self.grid(counts_name)
        places = self.area_cells(counts_name)
        width = len(headers)
        series: dict[str, list[Value]] = {}
        for index, header in enumerate(headers):
            name = str(header).strip() if header is not None else f"(column {index + 1})"
            series[name] = [self.number(row[index], f"{places[r * width + index]} ({name})")
                            for r, row in enumerate(rows)]
        return series

    def calculator_inputs(self) -> dict[str, dict[str, Value]]:
        ids = sorted(CALCULATOR_KPI, key=len, reverse=True)  # clv_subscription before clv
        found: dict[str, dict[str, Value]] = {}
        for name in self.names:
            if not name.startswith("calc_"):
                continue
            rest = name[len("calc_"):]
            if rest in CALCULATOR_KPI:  # a calculator's main result
                continue
            calc = next((c for c in ids if rest.startswith(c + "_")), None)
            if calc is None:
                continue
            input_id = rest[len(calc) + 1:]
            if input_id in RESULT_SUFFIXES:
                continue
            found.setdefault(calc, {})[input_id] = self.numbers(name, name)[0]
        return found


def parse_number(value: Any) -> tuple[Value, str | None]:
    """A cell value as a number: numbers as they are, text only where unambiguous
    ("12", "12 ", "1,234", "1 234"); anything else is reported, never guessed."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, f"{value!r} is not a number"
    if isinstance(value, int | float):
        return float(value), None
    if isinstance(value, dt.datetime | dt.date):
        return None, f"a date ({value}) where a number belongs"
    text = _SPACES.sub(" ", str(value)).strip()
    if not text:
        return None, None
    compact = text.replace(" ", "")
    if _PLAIN_NUMBER.fullmatch(compact) and (" " not in text or re.fullmatch(r"\d{1,3}( \d{3})+", text)):
        return float(compact), None
    if _THOUSANDS.fullmatch(compact) and " " not in text:
        return float(compact.replace(",", "")), None
    return None, f"the text {str(value)!r} is not an unambiguous number"


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    return None


# --------------------------------------------------------------------------- carrying over


@dataclass
class Carried:
    data: WorkbookData
    losses: list[str]  # values the new configuration has no place for


def carry_over(filled: FilledWorkbook, config: Config) -> Carried:
    """The filled workbook's data placed in the new configuration's workbook."""
    from .workbook import resolve_config

    config = resolve_config(config)
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
            inputs[input_id] = place(series, f"inp_{input_id}")
        else:
            lose_all(series, f"inp_{input_id}", "metric left out")
    old_defaults, new_defaults = filled.language_defaults, resolve_config(
        Config(language=config.language))
    volume = _match_names(filled.volume, config.categories or (), "category", place, lose_all,
                          selection.volume,
                          _translation(old_defaults["categories"], new_defaults.categories))
    channels = _match_names(filled.channels, config.channels or (), "channel", place, lose_all,
                            selection.volume,
                            _translation(old_defaults["channels"], new_defaults.channels))
    # KPIs new to the workbook get the configuration's targets; the ones it had keep
    # what the team typed (an emptied target stays empty).
    targets: dict[str, Value] = {k: v for k, v in config.targets.items() if k in selection.kpis}
    for kpi_id, value in filled.targets.items():
        if kpi_id in selection.kpis:
            targets[kpi_id] = value
        elif value is not None:
            losses.append(f"target_{kpi_id}: {value:g} (metric left out)")
    calc_values = _carry_calculators(filled, config, losses)
    gross_margin = filled.gross_margin if filled.had_gross_margin else config.gross_margin
    if "clv" not in selection.kpis and gross_margin not in (None, config.gross_margin):
        losses.append(f"assumption_gross_margin: {gross_margin:g} (CLV left out)")
    data = WorkbookData(inputs=inputs, volume=volume, channels=channels, targets=targets,
                        calculators=calc_values, gross_margin=gross_margin)
    return Carried(data, losses)


def _translation(old: tuple[str, ...] | None, new: tuple[str, ...] | None) -> dict[str, str]:
    """Default names of the old language to the same defaults in the new one, so
    that switching language keeps the volume of the default categories."""
    if not old or not new or len(old) != len(new):
        return {}
    return {a.strip().casefold(): b for a, b in zip(old, new, strict=True)}


def _match_names(old: dict[str, list[Value]], new: tuple[str, ...], kind: str, place: Any,
                 lose_all: Any, sheet_exists: bool,
                 translated: dict[str, str]) -> dict[str, list[Value]]:
    """Volume series by the new names, matched case-insensitively (or as the same
    default name in another language)."""
    by_key = {name.strip().casefold(): name for name in new} if sheet_exists else {}
    carried: dict[str, list[Value]] = {}
    for name, series in old.items():
        key = name.strip().casefold()
        target = by_key.get(key) or by_key.get(translated.get(key, "").strip().casefold())
        if target is None:
            lose_all(series, f"{kind} {name!r}", f"{kind} not in the new configuration")
        else:
            carried[target] = place(series, f"{kind} {name!r}")
    return carried


def _carry_calculators(filled: FilledWorkbook, config: Config,
                       losses: list[str]) -> dict[str, dict[str, Value]]:
    """Calculator inputs by name. When a survey scale changes, answer counts do not
    mean the same any more (a 5 of 5 is not a 5 of 7): the new calculator starts
    from its example, and the old counts that were not the example are reported."""
    old_scales = filled.scales or Scales()
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
            losses += [f"calc_{calc_id}_{input_id}: {value:g} ({why})"
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


def describe_losses(losses: list[str], limit: int = 40) -> str:
    shown = losses[:limit]
    more = f"\n  … and {len(losses) - limit} more" if len(losses) > limit else ""
    return "\n".join(f"  {line}" for line in shown) + more
