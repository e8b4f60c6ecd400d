"""The workbook contract of ``shared/spec/workbook.md`` in one place: the layout
version, the families of defined names and the ``csmetrics_*`` document properties.

The sheet writers define names through it, the reader finds values through it,
and the tests enumerate what a workbook must hold through it; nothing else spells
a defined name or a property. It is pure (no xlsxwriter, no openpyxl).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..config import choices
from ..config.colours import is_colour
from ..config.settings import HOURS_BASES
from ..model.agents import AGENT_INPUTS, AGENT_KPIS, AGENT_MEASURES
from ..model.calculators import CALCULATOR_KPI, Calculator, calculators
from ..model.catalog import INPUT_BY_ID, Rollup
from ..model.data import CHANNEL_MEASURES, SLA_KEYS
from ..model.periods import Periods
from ..model.scales import Scales
from ..model.selection import Selection

LAYOUT_VERSION = 2  # the layout this csmetrics writes, and the newest it reads

# --------------------------------------------------------------------------- defined names

PERIOD_START = "period_start"


def input_name(input_id: str) -> str:
    """A tracker input's row across the period columns."""
    return f"inp_{input_id}"


def kpi_name(kpi_id: str) -> str:
    """A tracker KPI's row across the period columns."""
    return f"kpi_{kpi_id}"


def has_csmetrics_names(names: Iterable[str]) -> bool:
    """Whether defined names look like a csmetrics workbook's (for a file whose
    document properties were dropped by the application that saved it)."""
    names = set(names)
    return PERIOD_START in names and any(name.startswith(input_name("")) for name in names)


def quarter_name(kpi_id: str) -> str:
    return f"qtr_{kpi_id}"


def observed_quarter_name(input_id: str) -> str:
    """An observed input's quarter cells, which are input cells (layout 2)."""
    return f"inp_qtr_{input_id}"


def observed_year_name(input_id: str) -> str:
    return f"inp_year_{input_id}"


# The metrics layout 1 had: a layout-1 workbook with all of them had every metric,
# so it migrates to every metric of this layout (the new rows empty).
LAYOUT_1_KPIS = frozenset({
    "nps", "csat", "ces", "tickets_new", "frt", "art", "fcr", "resolution_rate", "backlog_end",
    "reopen_rate", "replies_per_ticket", "tickets_per_agent", "crr", "churn_rate", "renewal_rate",
    "mrr", "expansion_mrr", "arpu", "clv", "cac", "ltv_cac", "crc"})

PERIOD_NOTES = "period_notes"  # one text cell per period: what happened that month
# On the settings sheet: every cell an import wrote, with the value it wrote
# (kind, key, period, value), so that the next import replaces its own figures only.
IMPORT_LOG = "import_log"


def period_label(starts: list[dt.date], periods: Periods, kind: str, index: int) -> str:
    """A cell's period as the import log says it: "2024-03" for a month, "2024-04+3"
    for a quarter (its first month and length), "2024-01+12" for a year."""
    if kind == "obs":
        column = periods.rollups[index]
        return f"{starts[column.months[0]]:%Y-%m}+{len(column.months)}"
    return f"{starts[index]:%Y-%m}"


def period_index(label: str, starts: list[dt.date], periods: Periods, kind: str) -> int | None:
    """The index of a period label in a workbook of these periods; None if it has none."""
    first, _, length = label.partition("+")
    try:
        year, month = (int(part) for part in first.split("-"))
        start = dt.date(year, month, 1)
    except ValueError:
        return None
    if kind != "obs":
        return starts.index(start) if start in starts and not length else None
    for index, column in enumerate(periods.rollups):
        if starts[column.months[0]] == start and str(len(column.months)) == length:
            return index
    return None
SLA_NAMES = SLA_KEYS  # sla_first_reply_hours, sla_resolution_hours, aging_days
# The Agents sheet: the agent name cells, each measure's agents x periods grid
# (agent_solved ...) and its year (or year-to-date) column.
AGENT_NAMES = "agent_names"


def agent_year_name(measure: str) -> str:
    """``agent_year_solved`` for ``agent_solved``: a measure's year column."""
    return "agent_year_" + measure.removeprefix("agent_")


# Channel performance: periods x channels grids, entered (CHANNEL_MEASURES) and computed.
CHANNEL_CSAT = "chan_csat"
CHANNEL_GRIDS = (*CHANNEL_MEASURES, CHANNEL_CSAT)


def year_name(kpi_id: str) -> str:
    return f"year_{kpi_id}"


def target_name(kpi_id: str) -> str:
    return f"target_{kpi_id}"


def assumption_name(key: str) -> str:
    """A single assumption cell, such as ``assumption_gross_margin``."""
    return f"assumption_{key}"


GROSS_MARGIN = assumption_name("gross_margin")


@dataclass(frozen=True)
class Grid:
    """A Ticket Volume table: label cells, the periods x labels grid of entered
    counts, and the per-period totals."""

    labels: str
    counts: str
    total: str

    @property
    def names(self) -> tuple[str, str, str]:
        return self.labels, self.counts, self.total


VOLUME = Grid("vol_categories", "vol_counts", "vol_total")
CHANNELS = Grid("chan_names", "chan_counts", "chan_total")


def calculator_input_name(calc_id: str, input_id: str) -> str:
    return f"calc_{calc_id}_{input_id}"


def calculator_result_name(calc_id: str, result_id: str = "") -> str:
    """The main result (``result_id`` empty) is ``calc_<calculator>`` itself."""
    return f"calc_{calc_id}_{result_id}" if result_id else f"calc_{calc_id}"


_CALCULATOR_PREFIX = "calc_"
# longest first, so that clv_subscription_* is not read as clv_*
_CALCULATOR_IDS = sorted(CALCULATOR_KPI, key=len, reverse=True)
# result ids are the same on every survey scale
_RESULT_IDS = frozenset(result.id for calc in calculators() for result in calc.results)


def parse_calculator_input(name: str) -> tuple[str, str] | None:
    """``(calculator, input id)`` of a ``calc_*`` input name; None for anything
    else (a result, or a name of some other family)."""
    if not name.startswith(_CALCULATOR_PREFIX):
        return None
    rest = name[len(_CALCULATOR_PREFIX):]
    if rest in CALCULATOR_KPI:  # a calculator's main result
        return None
    calc_id = next((c for c in _CALCULATOR_IDS if rest.startswith(c + "_")), None)
    if calc_id is None:
        return None
    input_id = rest[len(calc_id) + 1:]
    return None if input_id in _RESULT_IDS else (calc_id, input_id)


def entered_names(selection: Selection, layout: int = LAYOUT_VERSION) -> set[str]:
    """The names of the cells a team enters, for a workbook of these metrics (and
    of a layout version: a layout-1 workbook has no notes or channel performance)."""
    names = {PERIOD_START} | {assumption_name(key) for key in selection.assumptions}
    if layout >= 2:
        names.add(PERIOD_NOTES)
    names |= {input_name(id) for id in selection.inputs if not INPUT_BY_ID[id].from_volume}
    names |= {target_name(id) for id in selection.kpis}
    names |= set(selection.sla_settings)
    for id in selection.inputs:
        if INPUT_BY_ID[id].rollup is Rollup.OBSERVED:
            names |= {observed_quarter_name(id), observed_year_name(id)}
    if selection.volume:
        names |= {VOLUME.labels, VOLUME.counts, CHANNELS.labels, CHANNELS.counts}
        if layout >= 2:
            names |= set(CHANNEL_MEASURES)
    if selection.agents and layout >= 2:
        names |= {AGENT_NAMES, *(item.id for item in AGENT_INPUTS)}
    return names


def defined_names(selection: Selection, calcs: Iterable[Calculator]) -> set[str]:
    """Every defined name a workbook of these metrics and calculators must have,
    and no other."""
    names = entered_names(selection)
    for kpi_id in selection.kpis:
        names |= {kpi_name(kpi_id), quarter_name(kpi_id), year_name(kpi_id)}
    for calc in calcs:
        names |= {calculator_input_name(calc.id, item.id) for item in calc.inputs}
        names |= {calculator_result_name(calc.id, result.id) for result in calc.results}
    if selection.volume:
        names |= {VOLUME.total, CHANNELS.total, CHANNEL_CSAT}
    if selection.agents:
        names |= {kpi.id for kpi in AGENT_KPIS}
        names |= {agent_year_name(measure) for measure in AGENT_MEASURES}
    return names


# --------------------------------------------------------------------------- document properties

LAYOUT_PROPERTY = "csmetrics_layout_version"
# The hidden sheet that holds the same settings in cells, one defined name each
# (spelled like its property): Google Sheets drops custom document properties
# but keeps hidden sheets and named ranges, so a workbook downloaded from it
# still says how it was made. The reader prefers the cells.
SETTINGS_SHEET = choices.SETTINGS_SHEET
SETTING_PREFIX = "csmetrics_"


def is_setting_name(name: str) -> bool:
    """A defined name of the settings sheet (``csmetrics_language`` ...)."""
    return name.startswith(SETTING_PREFIX)


@dataclass(frozen=True)
class Properties:
    """What a workbook remembers of how it was made, as custom document
    properties. Read back, any of them may be missing (an application that drops
    them) or unreadable: those come back as None."""

    language: str | None = None
    company: str | None = None
    title: str | None = None
    currency: str | None = None
    scales: Scales | None = None
    version: str | None = None  # the csmetrics that wrote the workbook
    layout_version: int | None = None
    # the branding, so that regenerating without a configuration file keeps it
    primary_color: str | None = None
    accent_color: str | None = None
    font: str | None = None
    author: str | None = None
    benchmarks: bool | None = None
    sheet_names: dict[str, str] | None = None  # the configured ones, by sheet key
    hours: str | None = None  # the basis of the durations: "calendar" or "business"
    imports: list[dict[str, str]] | None = None  # each import: its files, time, source, basis

    _TEXT = ("version", "language", "company", "title", "currency", "primary_color",
             "accent_color", "font", "author", "hours")

    def encode(self) -> dict[str, str | int]:
        """The custom properties to write, by name."""
        encoded: dict[str, str | int] = {}
        if self.layout_version is not None:
            encoded[LAYOUT_PROPERTY] = self.layout_version
        for key in self._TEXT:
            value = getattr(self, key)
            if value is not None:
                encoded[f"csmetrics_{key}"] = value
        if self.scales is not None:
            encoded["csmetrics_scales"] = _encode_scales(self.scales)
        if self.benchmarks is not None:
            encoded["csmetrics_benchmarks"] = "true" if self.benchmarks else "false"
        if self.sheet_names:
            encoded["csmetrics_sheet_names"] = json.dumps(self.sheet_names, ensure_ascii=False,
                                                          sort_keys=True)
        if self.imports:
            encoded["csmetrics_imports"] = json.dumps(self.imports, ensure_ascii=False)
        return encoded

    @classmethod
    def decode(cls, raw: dict[str, str]) -> Properties:
        """The properties of a workbook read back (values as text, as readers give
        them); raises ValueError for a layout version that is not a whole number."""
        return cls(
            language=raw.get("csmetrics_language") or None,
            company=raw.get("csmetrics_company"),
            title=raw.get("csmetrics_title"),
            currency=raw.get("csmetrics_currency") or None,
            scales=_decode_scales(raw.get("csmetrics_scales", "")),
            version=raw.get("csmetrics_version"),
            layout_version=layout_version(raw),
            primary_color=_colour(raw.get("csmetrics_primary_color")),
            accent_color=_colour(raw.get("csmetrics_accent_color")),
            font=raw.get("csmetrics_font") or None,
            author=raw.get("csmetrics_author"),
            benchmarks={"true": True, "false": False}.get(
                raw.get("csmetrics_benchmarks", "").strip().lower()),
            sheet_names=_decode_sheet_names(raw.get("csmetrics_sheet_names")),
            hours=raw.get("csmetrics_hours") if raw.get("csmetrics_hours") in HOURS_BASES else None,
            imports=_decode_imports(raw.get("csmetrics_imports")),
        )


def _colour(value: str | None) -> str | None:
    return value if is_colour(value) else None


def _decode_sheet_names(value: str | None) -> dict[str, str] | None:
    try:
        names = json.loads(value) if value else None
    except ValueError:
        return None
    if not isinstance(names, dict):
        return None
    return {key: name for key, name in names.items() if isinstance(name, str) and name} or None


def _decode_imports(value: str | None) -> list[dict[str, str]] | None:
    try:
        imports = json.loads(value) if value else None
    except ValueError:
        return None
    if not isinstance(imports, list):
        return None
    return [{str(k): str(v) for k, v in entry.items()} for entry in imports
            if isinstance(entry, dict)] or None


def _encode_scales(scales: Scales) -> str:
    return (f"csat {scales.csat_points} {scales.csat_satisfied_from} "
            f"ces {scales.ces_points} {scales.ces_easy_from}")


def _decode_scales(text: str) -> Scales | None:
    words = text.split()
    values = dict(zip(words[0::3], zip(words[1::3], words[2::3], strict=False), strict=False))
    try:
        (csat_points, satisfied), (ces_points, easy) = values["csat"], values["ces"]
        return Scales(int(csat_points), int(satisfied), int(ces_points), int(easy))
    except (KeyError, ValueError):
        return None


def layout_version(raw: dict[str, str]) -> int | None:
    """The layout version property read back, None where it is missing; raises
    ValueError where it is not a whole number."""
    value = raw.get(LAYOUT_PROPERTY)
    if value is None:
        return None
    number = float(value)  # LibreOffice re-saves the whole number as a decimal ("1.0")
    if not number.is_integer():
        raise ValueError(value)
    return int(number)
