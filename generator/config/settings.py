"""Workbook configuration: what a team may change without touching code.

The embedded default is what ``csmetrics generate`` writes with no options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from ..errors import UsageError
from ..model.catalog import KPI_BY_ID
from ..model.periods import MONTHS_PER_YEAR, Periods
from ..model.scales import Scales
from ..model.selection import Selection
from .choices import MAX_COMPANY, MAX_TITLE, YEAR_RANGE, YEARS_RANGE

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
    metrics: tuple[str, ...] | None = None  # KPI ids to include; None: all
    primary_color: str = "#1F4E79"
    accent_color: str = "#2E75B6"
    font: str | None = None  # None: the language's default font (one with its glyphs)
    author: str = "csmetrics"
    logo: str | None = None  # path of a PNG or JPEG shown in every sheet's header
    sheet_names: dict[str, str] = field(default_factory=dict)  # start/tracker/volume/formulas

    @cached_property  # derived once per configuration (replace() makes a new one)
    def selection(self) -> Selection:
        return Selection.of(self.metrics)

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
    if config.metrics is not None:
        unknown = [kpi_id for kpi_id in config.metrics if kpi_id not in KPI_BY_ID]
        if unknown or not config.metrics:
            problems.append(f"metrics: {', '.join(map(repr, unknown)) or 'an empty list'} "
                            f"(metric ids: {', '.join(KPI_BY_ID)})")
    for key, limit in (("company", MAX_COMPANY), ("title", MAX_TITLE)):
        value = getattr(config, key)
        if value is not None and (len(value) > limit or "\n" in value or "\r" in value):
            shown = repr(value) if len(value) <= 40 else repr(value[:40]) + "…"
            problems.append(f"{key}: {shown} must be one line of at most {limit} characters")
    if config.currency is not None and config.currency not in CURRENCIES:
        problems.append(f"currency: {config.currency!r} is not one of {', '.join(CURRENCIES)}")
    return problems
