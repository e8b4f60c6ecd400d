"""Workbook configuration: what a team may change without touching code.

The embedded default is what ``csmetrics generate`` writes with no options.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..errors import UsageError, shown
from ..model.agents import AGENTS, DEFAULT_AGENT_ROWS
from ..model.catalog import KPI_BY_ID, Unit
from ..model.periods import MONTHS_PER_YEAR, Periods
from ..model.scales import Scales
from ..model.selection import PRESETS, Selection, preset_kpis
from .choices import (
    MAX_AGENTS,
    MAX_COMPANY,
    MAX_NAMES,
    MAX_SHEET,
    MAX_TITLE,
    SETTINGS_SHEET,
    YEAR_RANGE,
    YEARS_RANGE,
)
from .colours import is_colour

# Starting targets a team is expected to replace with its own; industry benchmarks
# are shown beside them, never used as the target.
DEFAULT_TARGETS: dict[str, float] = {
    "nps": 40,
    "csat": 0.85,
    "ces": 0.80,
    "frt": 4,
    "art": 24,
    "fcr": 0.75,
    "reopen_rate": 0.05,
    "churn_rate": 0.02,
    "renewal_rate": 0.90,
}


# The service-level settings the Tracker shows beside its SLA and aging rows
# (metrics.md: first reply within 4 hours, resolution within 24, aged after 7 days).
DEFAULT_SLA: dict[str, float] = {
    "sla_first_reply_hours": 4,
    "sla_resolution_hours": 24,
    "aging_days": 7,
}
HOURS_BASES = ("calendar", "business")


@dataclass(frozen=True)
class Currency:
    code: str
    symbol: str
    number_format: str


CURRENCIES = {
    "USD": Currency("USD", "$", '"$"#,##0.00'),
    "EUR": Currency("EUR", "€", '#,##0.00\\ "€"'),
    "GBP": Currency("GBP", "£", '"£"#,##0.00'),
    "CNY": Currency("CNY", "¥", '"¥"#,##0.00'),
    "RUB": Currency("RUB", "₽", '#,##0.00\\ "₽"'),
    "ZAR": Currency("ZAR", "R", '"R"\\ #,##0.00'),
}


@dataclass(frozen=True)
class Config:
    company: str | None = None  # None: the language's "Your company"
    title: str | None = None  # None: the language's default title
    language: str = "en"
    year: int = 2026
    start_month: int = 1  # first month of the fiscal year
    years: int = 1  # fiscal years tracked, 12 months each
    currency: str | None = None  # None: the language's usual currency
    scales: Scales = field(default_factory=Scales)
    # None: the language's default categories and channels (templates' default_* keys)
    categories: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None
    targets: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    gross_margin: float = 1.0
    benchmarks: bool = True
    metrics: tuple[str, ...] | None = None  # KPI ids to include (and "agents"); None: the preset's
    agents: tuple[str, ...] | None = None  # the Agents sheet's names, in row order
    agent_rows: int = DEFAULT_AGENT_ROWS  # rows of the Agents sheet (at least the agents)
    preset: str = "full"  # "support", "success" or "full" (selection.PRESETS)
    sla: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_SLA))
    hours: str = "calendar"  # the basis of every duration: "calendar" or "business" hours
    primary_color: str = "#1F4E79"
    accent_color: str = "#2E75B6"
    font: str | None = None  # None: the language's default font (one with its glyphs)
    author: str = "csmetrics"
    logo: str | None = None  # path of a PNG or JPEG shown in every sheet's header
    sheet_names: dict[str, str] = field(default_factory=dict)  # start/tracker/volume/formulas

    @cached_property  # derived once per configuration (replace() makes a new one)
    def selection(self) -> Selection:
        """The metrics: the explicit list wins over the preset."""
        return Selection.of(self.metrics if self.metrics is not None else preset_kpis(self.preset))

    @cached_property
    def periods(self) -> Periods:
        return Periods(self.years)

    @property
    def money(self) -> Currency:
        return CURRENCIES[self.currency or "USD"]



class ConfigError(UsageError):
    """A configuration problem, worded for the user."""


def validate(config: Config) -> Config:
    """Reject values no workbook can be built from; one message per problem."""
    if problems := config_problems(config):
        raise ConfigError("; ".join(problems))
    return config


def config_problems(config: Config) -> list[str]:
    """What makes a configuration unusable, whatever set it (file or options)."""
    problems = []
    low, high = YEAR_RANGE
    if not low <= config.year <= high:
        problems.append(f"year: {config.year} is not between {low} and {high}")
    years_ok = YEARS_RANGE[0] <= config.years <= YEARS_RANGE[1]
    if not years_ok:
        problems.append(f"years: {config.years} is not between {YEARS_RANGE[0]} and {YEARS_RANGE[1]}")
    if not 1 <= config.start_month <= MONTHS_PER_YEAR:
        problems.append(f"start_month: {config.start_month} is not a month number 1-12")
    elif years_ok and config.year + (config.start_month - 1 + 12 * config.years - 1) // 12 > 9999:
        problems.append(f"year: {config.year} with {config.years} year(s) from month "
                        f"{config.start_month} runs past December 9999")
    if config.preset not in PRESETS:
        problems.append(f"preset: {shown(config.preset)} is not one of {', '.join(PRESETS)}")
    if config.hours not in HOURS_BASES:
        problems.append(f"sla.hours: {shown(config.hours)} is not one of {', '.join(HOURS_BASES)}")
    for key, value in config.sla.items():
        if key not in DEFAULT_SLA:
            problems.append(f"sla: unknown setting {shown(key)} (settings: {', '.join(DEFAULT_SLA)})")
        elif problem := sla_problem(key, value):
            problems.append(f"sla.{_sla_key(key)} = {shown(value)}: {problem}")
    if config.metrics is not None:
        unknown = [kpi_id for kpi_id in config.metrics if kpi_id not in KPI_BY_ID and kpi_id != AGENTS]
        if unknown or not [kpi_id for kpi_id in config.metrics if kpi_id != AGENTS]:
            problems.append(f"metrics: {', '.join(map(repr, unknown)) or 'no KPI'} "
                            f"(metric ids: {', '.join(KPI_BY_ID)})")
    for key, limit in (("company", MAX_COMPANY), ("title", MAX_TITLE)):
        value = getattr(config, key)
        if value is not None and (len(value) > limit or "\n" in value or "\r" in value):
            problems.append(f"{key}: {shown(value)} must be one line of at most {limit} characters")
    if config.currency is not None and config.currency not in CURRENCIES:
        problems.append(f"currency: {shown(config.currency)} is not one of {', '.join(CURRENCIES)}")
    if problem := gross_margin_problem(config.gross_margin):
        problems.append(f"gross_margin = {shown(config.gross_margin)}: {problem}")
    for kpi_id, target in config.targets.items():
        if kpi_id not in KPI_BY_ID:
            problems.append(f"targets: unknown metric {shown(kpi_id)} (metric ids: "
                            f"{', '.join(KPI_BY_ID)})")
        elif target is not None and (problem := target_problem(kpi_id, target)):
            problems.append(f"targets.{kpi_id} = {shown(target)}: {problem}")
    for key in ("categories", "channels"):
        if problem := names_count_problem(getattr(config, key)):
            problems.append(f"tickets.{key}: {problem}")
    if problem := names_count_problem(config.agents, MAX_AGENTS):
        problems.append(f"agents: {problem}")
    if not 1 <= config.agent_rows <= MAX_AGENTS:
        problems.append(f"agent_rows: {config.agent_rows} is not between 1 and {MAX_AGENTS}")
    for key, colour in (("primary", config.primary_color), ("accent", config.accent_color)):
        if not is_colour(colour):
            problems.append(f'colors.{key} = {shown(colour)}: expected a colour written "#RRGGBB"')
    for key, name in config.sheet_names.items():
        if name != "" and (problem := sheet_name_problem(name)):  # "": the language's name
            problems.append(f"sheets.{key} = {shown(name)}: {problem}")
    return problems


def number_problem(value: Any) -> str | None:
    """A number a workbook can hold: not true/false, not nan or infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "expected a number"
    if not math.isfinite(value):
        return "expected a finite number (nan and inf have no place in a workbook)"
    return None


def _sla_key(name: str) -> str:
    """The configuration key of an SLA setting (its defined name without "sla_")."""
    return name.removeprefix("sla_")


def sla_problem(key: str, value: Any) -> str | None:
    """Targets in hours and the aging threshold in days: more than 0, at most a year."""
    if problem := number_problem(value):
        return problem
    limit = 366 if key == "aging_days" else 8784
    unit = "days" if key == "aging_days" else "hours"
    return None if 0 < value <= limit else f"must be more than 0 and at most {limit} {unit}"


def gross_margin_problem(value: Any) -> str | None:
    if problem := number_problem(value):
        return problem
    return None if 0 <= value <= 1 else "must be from 0 to 1"


def target_problem(kpi_id: str, value: Any) -> str | None:
    """A KPI's target in the KPI's unit: percentages as fractions 0..1, NPS
    -100..100, times, counts, money and ratios 0 or more."""
    if problem := number_problem(value):
        return problem
    unit = KPI_BY_ID[kpi_id].unit
    if unit is Unit.PERCENT:
        if 0 <= value <= 1:
            return None
        hint = f"; did you mean {_as_fraction(value)}?" if 1 < value <= 100 else ""
        return f"a percentage is written as a fraction from 0 to 1 (0.85 = 85 %){hint}"
    if unit is Unit.POINTS:
        return None if -100 <= value <= 100 else "must be from -100 to 100 (NPS points)"
    return None if value >= 0 else "must be 0 or more"


def _as_fraction(percent: float) -> str:
    """90 -> "0.90", 85.5 -> "0.855": at least two decimals, no float noise."""
    whole, _, decimals = f"{percent / 100:.4f}".rstrip("0").partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def names_count_problem(names: Any, limit: int = MAX_NAMES) -> str | None:
    """Categories, channels or agents: each one is a column (a row) and a chart series."""
    if names is not None and len(names) > limit:
        return f"{len(names)} names; at most {limit}"
    return None


SHEET_FORBIDDEN = frozenset("[]:*?/\\")


def sheet_name_problem(name: Any) -> str | None:
    """Excel's rules for a sheet name, plus no apostrophe at all (it breaks
    references to the sheet) and 'History' reserved."""
    if not isinstance(name, str):
        return "expected text in quotes"
    if not name.strip():
        return "must not be empty"
    if "\n" in name or "\r" in name:
        return "must be on one line"
    length = len(name.encode("utf-16-le", "surrogatepass")) // 2  # Excel counts UTF-16 code units
    if length > MAX_SHEET:
        extra = " in Excel's count (an emoji counts 2)" if length != len(name) else ""
        return f"is {length} characters long{extra}; at most {MAX_SHEET}"
    if SHEET_FORBIDDEN.intersection(name):
        return "must not contain any of [ ] : * ? / \\"
    if "'" in name:
        return "must not contain an apostrophe (it breaks references to the sheet)"
    if name.strip().casefold() == "history":
        return "'History' is reserved by Excel"
    if name.strip().casefold() == SETTINGS_SHEET:
        return f"{SETTINGS_SHEET!r} is csmetrics' own hidden sheet"
    return None
