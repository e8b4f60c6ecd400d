"""The report command's work: a filled workbook's month as the page a team lead
sends upward: a tile per KPI (value, target met or missed, change from last
month and from a year before, twelve months in a sparkline), grouped as the
Tracker groups them, those without a figure in twelve months or a target only
named; every KPI's quarter and year to date; ticket volume by category and channel,
the largest movers, the agents with the most and fewest tickets solved, and the
month's note.

The figures come from the workbook through its defined names (as regeneration
reads them) and are computed by the reference implementation, so a report of a
workbook that was never recalculated is still right. The words come from the
templates, in any of the four languages; the charts are pygal's static SVG; the
HTML is one self-contained page (no script, no request), which Chromium prints
to an A4 PDF.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .carry import base_config
from .config.choices import LANGUAGES
from .config.resolve import resolve_config, text_for
from .config.settings import CURRENCIES, Config
from .errors import UsageError
from .files import atomic_output
from .model import reference
from .model.catalog import KPI_BY_ID, OBSERVED_INPUTS, Better, Unit
from .model.data import WorkbookData
from .model.periods import Column, Periods
from .model.reference import round_half_away
from .model.selection import Selection
from .text import Text, templates_dir
from .xlsx.reader import FilledWorkbook, read_filled


@dataclass(frozen=True)
class NumberStyle:
    """How a language writes numbers: 2,560.5 / 2 560,5; 89.1% / 89,1 %; 4.1 h / 4.1小时."""

    group: str
    decimal: str
    before_percent: str = ""
    before_unit: str = "\u00a0"  # between a number and a word unit (hours, points)


NUMBER_STYLES = {"en": NumberStyle(",", "."), "zh-CN": NumberStyle(",", ".", before_unit=""),
                 "ru": NumberStyle("\u00a0", ",", before_percent="\u00a0"),
                 "af": NumberStyle("\u00a0", ",")}
FONTS = '"Noto Sans", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'
# a shown value's decimals per unit (a percentage's as a percentage: 81.3 %)
DECIMALS = {Unit.PERCENT: 1, Unit.POINTS: 0, Unit.HOURS: 1, Unit.MONEY: 0, Unit.PRICE: 2,
            Unit.COUNT: 0, Unit.DAYS: 0}


def displayed(value: float, unit: Unit) -> float:
    """The value as the page (and the workbook) shows it: percentages in percent,
    rounded half away from zero as Excel rounds."""
    return round_half_away(value * 100 if unit is Unit.PERCENT else value, DECIMALS.get(unit, 2))


def font_family(font: str) -> str:
    """The CSS font list: the workbook's font first, quoted, with nothing in its
    name that could end the string or the stylesheet; then fallbacks with the
    four languages' glyphs."""
    name = "".join(c for c in font if c.isprintable() and c not in '<>&"\\\';{}')
    return (f'"{name}", ' if name.strip() else "") + FONTS


@dataclass
class Figure:
    """A KPI in the report's month."""

    id: str
    label: str
    unit: Unit
    better: Better
    value: float | None
    target: float | None = None
    previous: float | None = None
    year_ago: float | None = None
    to_date: dict[str, float | None] = field(default_factory=dict)  # "quarter", "year"
    months: list[float | None] = field(default_factory=list)  # the twelve months to this one

    @property
    def met(self) -> bool | None:
        """Whether the month meets the target (None: no target, or no value)."""
        if self.value is None or self.target is None or self.better is Better.NONE:
            return None
        return self.value >= self.target if self.better is Better.HIGHER else self.value <= self.target

    def change(self, other: float | None) -> float | None:
        return None if self.value is None or other is None else self.value - other

    def unchanged(self, other: float | None) -> bool:
        """Whether this value and ``other`` show the same (so no change is shown)."""
        return (self.value is not None and other is not None
                and displayed(self.value, self.unit) == displayed(other, self.unit))

    def improved(self, other: float | None) -> bool | None:
        """Whether the change from ``other`` is for the better (None: no change as
        shown, or no better direction)."""
        delta = self.change(other)
        if delta is None or self.unchanged(other) or self.better is Better.NONE:
            return None
        return (delta > 0) == (self.better is Better.HIGHER)

    @property
    def relative_change(self) -> float | None:
        """The change from last month as a share of it; None from a zero (no
        share of nothing), which leaves the KPI out of the movers."""
        if self.value is None or not self.previous:
            return None
        return (self.value - self.previous) / abs(self.previous)


@dataclass
class Group:
    """A Tracker group's KPIs: a tile for each the team tracks (a figure in the
    last twelve months, or a target); the others only named, as not entered."""

    label: str
    tiles: list[Figure]
    idle: list[Figure]


@dataclass
class AgentLine:
    name: str
    solved: float
    one_touch: float | None
    csat: float | None


@dataclass
class Report:
    """Everything the page shows, in the workbook's (or the chosen) language."""

    config: Config  # the workbook's, resolved in the report's language: names, brand, money
    month: dt.date
    month_label: str
    previous_label: str | None
    year_ago_label: str | None
    quarter_label: str
    year_label: str
    figures: list[Figure]
    groups: list[Group]  # the Tracker's groups, in its order
    categories: list[tuple[str, float | None]]
    channels: list[tuple[str, float | None]]
    improved: list[Figure]
    worsened: list[Figure]
    top_agents: list[AgentLine]
    bottom_agents: list[AgentLine]
    note: str | None
    logo: str | None  # a data: URI
    volume: bool  # whether the workbook has a Ticket Volume sheet
    source: str

    @property
    def language(self) -> str:
        return self.config.language

    @property
    def font_family(self) -> str:
        """The CSS font list, the workbook's font first (quoted, made safe)."""
        return font_family(self.config.font or "")


# ------------------------------------------------------------------------------ figures


def build_report(path: Path, month: str | None = None, language: str | None = None) -> Report:
    """The report of ``path``'s month (``YYYY-MM``; default: the last one filled)."""
    filled = read_filled(path)
    language = language or filled.language
    if language not in LANGUAGES:
        raise UsageError(f"--lang {language}: not one of {', '.join(LANGUAGES)}")
    # the configuration the workbook was made with, as regeneration reads it, in
    # the report's language (whose defaults replace the workbook's language's)
    config = resolve_config(dataclasses.replace(base_config(filled), language=language))
    periods = config.periods
    data = _entered(filled)
    selection = Selection.of(filled.kpis or None)
    filled_months = reference.months_filled(data, periods, selection.inputs)
    index = _month_index(path, filled, filled_months, month)
    whole = reference.tracker(data, periods)
    to_date = reference.tracker(_until(data, index, periods), periods)
    text = text_for(config)
    labels = text.month_labels(filled.starts)

    quarter = next(c for c in periods.quarters if index in c.months)
    year = next(c for c in periods.year_columns if index in c.months)
    figures = [_figure(kpi_id, text, whole, to_date, filled, index, quarter, year, periods)
               for kpi_id in selection.kpis]
    # the largest relative changes with a better direction, shown as changed
    movers = sorted((f for f in figures if f.relative_change is not None and f.improved(f.previous)
                     is not None), key=lambda f: (-abs(f.relative_change or 0), f.id))
    top, bottom = _agents(data, index, periods, whole)
    return Report(
        config=config, month=filled.starts[index],
        month_label=labels[index], previous_label=labels[index - 1] if index else None,
        year_ago_label=labels[index - 12] if index >= 12 else None,
        quarter_label=text("report_quarter_to_date", quarter=_rollup_label(text, quarter, periods)),
        year_label=text("report_year_to_date"),
        figures=figures, groups=_groups(figures, text),
        categories=[(name, series[index]) for name, series in filled.volume.items()],
        channels=[(name, series[index]) for name, series in filled.channels.items()],
        improved=[f for f in movers if f.improved(f.previous)][:3],
        worsened=[f for f in movers if not f.improved(f.previous)][:3],
        top_agents=top, bottom_agents=bottom,
        note=filled.period_notes[index] if index < len(filled.period_notes) else None,
        logo=_data_uri(filled.logo), volume=selection.volume, source=path.name,
    )


def _entered(filled: FilledWorkbook) -> WorkbookData:
    return WorkbookData(inputs=filled.inputs, volume=filled.volume, channels=filled.channels,
                        targets=filled.targets, gross_margin=filled.gross_margin if
                        filled.had_gross_margin else 1.0, observed=filled.observed,
                        channel_measures=filled.channel_measures, agents=filled.agents)


def _month_index(path: Path, filled: FilledWorkbook, filled_months: list[int],
                 month: str | None) -> int:
    """The report's month: the one asked for, or the last one with data."""
    first, last = f"{filled.starts[0]:%Y-%m}", f"{filled.starts[-1]:%Y-%m}"
    if month is None:
        with_data = [i for i, full in enumerate(filled_months) if full]
        if not with_data:
            raise UsageError(f"{path}: no month holds any figure yet ({first}..{last}); fill a "
                             "month, or csmetrics import an export, then report")
        return with_data[-1]
    try:
        year, number = (int(part) for part in month.split("-"))
        wanted = dt.date(year, number, 1)
    except ValueError:
        raise UsageError(f"--month {month}: expected YYYY-MM, e.g. {last}") from None
    if wanted not in filled.starts:
        raise UsageError(f"--month {month}: not one of {path.name}'s months ({first}..{last})")
    index = filled.starts.index(wanted)
    if not filled_months[index]:
        raise UsageError(f"{path}: {month} holds no figure; choose a month with data "
                         f"(--month), or fill it first")
    return index


def _until(data: WorkbookData, index: int, periods: Periods) -> WorkbookData:
    """The data as it stood in the report's month: later months emptied, so that
    quarters and years are to date. An entered median or percentile of a span
    with later months is not to date: it is left out, unless the span so far is
    one month, whose own figure it then is."""
    def cut(series: list[float | None]) -> list[float | None]:
        return [value if m <= index else None for m, value in enumerate(series)]

    observed: dict[str, dict[str, float | None]] = {}
    for id in dict.fromkeys([*data.observed, *(item.id for item in OBSERVED_INPUTS)]):
        values, months = dict(data.observed.get(id, {})), data.input_series(id, periods.count)
        for column in periods.rollups:
            if column.months[-1] > index:
                so_far = [m for m in column.months if m <= index]
                values[column.key] = months[so_far[0]] if len(so_far) == 1 else None
        observed[id] = values
    return dataclasses.replace(
        data, inputs={k: cut(v) for k, v in data.inputs.items()},
        volume={k: cut(v) for k, v in data.volume.items()},
        channels={k: cut(v) for k, v in data.channels.items()}, observed=observed)


def _figure(kpi_id: str, text: Text, whole: reference.TrackerResult,
            to_date: reference.TrackerResult, filled: FilledWorkbook, index: int, quarter: Column,
            year: Column, periods: Periods) -> Figure:
    kpi = KPI_BY_ID[kpi_id]

    def at(i: int) -> float | None:
        return whole.kpis[(kpi_id, f"m{i}")] if 0 <= i < periods.count else None

    return Figure(
        id=kpi_id, label=text(f"kpi_{kpi_id}"), unit=kpi.unit, better=kpi.better, value=at(index),
        target=filled.targets.get(kpi_id), previous=at(index - 1) if index else None,
        year_ago=at(index - 12) if index >= 12 else None,
        to_date={"quarter": to_date.kpis[(kpi_id, quarter.key)],
                 "year": to_date.kpis[(kpi_id, year.key)]},
        months=[at(i) for i in range(index - 11, index + 1)])


def _groups(figures: list[Figure], text: Text) -> list[Group]:
    """The KPIs by the Tracker's groups, in its order."""
    groups: dict[str, Group] = {}
    for figure in figures:
        group = KPI_BY_ID[figure.id].group
        shown = groups.setdefault(group, Group(text(f"group_{group}"), [], []))
        tracked = figure.target is not None or any(v is not None for v in figure.months)
        (shown.tiles if tracked else shown.idle).append(figure)
    return list(groups.values())


def _agents(data: WorkbookData, index: int, periods: Periods,
            whole: reference.TrackerResult) -> tuple[list[AgentLine], list[AgentLine]]:
    """The three agents who solved the most tickets in the month, and the three who
    solved the fewest (among those with a figure)."""
    if not data.agents:
        return [], []
    result = reference.agents(data, periods, whole)
    key = f"m{index}"
    lines = [AgentLine(name, solved, result.values[("agent_fcr_rate", name, key)],
                       result.values[("agent_csat", name, key)])
             for name in data.agents
             if (solved := result.values[("agent_solved", name, key)]) is not None]
    ranked = sorted(lines, key=lambda line: (-line.solved, line.name))
    top = ranked[:3]
    bottom = [line for line in ranked[::-1] if line not in top][:3]
    return top, bottom


def _rollup_label(text: Text, column: Column, periods: Periods) -> str:
    number = periods.quarters_of(periods.year_columns[column.year]).index(column) + 1
    return text("quarter_label", n=number)


def _data_uri(logo: tuple[str, bytes] | None) -> str | None:
    if logo is None:
        return None
    suffix, image = logo
    kind = "png" if suffix == ".png" else "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(image).decode('ascii')}"


# ------------------------------------------------------------------------------ the page


class Formatter:
    """Numbers as the report's language writes them, in the KPI's unit."""

    def __init__(self, language: str, text: Text, currency: str):
        self.language, self.style = language, NUMBER_STYLES.get(language, NUMBER_STYLES["en"])
        self.group, self.decimal = self.style.group, self.style.decimal
        self.text, self.currency = text, CURRENCIES.get(currency, CURRENCIES["USD"])

    def number(self, value: float, decimals: int) -> str:
        """Grouped, with the language's separators, rounded half away from zero."""
        value = round_half_away(value, decimals)
        shown = f"{abs(value):,.{decimals}f}"
        shown = shown.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.group)
        return ("−" if value < 0 and round(abs(value), decimals) else "") + shown

    def __call__(self, value: float | None, unit: Unit) -> str:
        if value is None or not math.isfinite(value):
            return self.text("report_not_entered")
        decimals = DECIMALS.get(unit, 2)
        if unit is Unit.PERCENT:
            return self.number(value * 100, decimals) + self.style.before_percent + "%"
        if unit is Unit.HOURS:
            return self.number(value, decimals) + self.style.before_unit + self.text("report_hours")
        if unit in (Unit.MONEY, Unit.PRICE):
            amount = self.number(value, decimals)
            sign, amount = ("−", amount[1:]) if amount.startswith("−") else ("", amount)
            symbol = self.currency.symbol
            return f"{sign}{symbol}{amount}" if self.currency.number_format.startswith('"') else \
                f"{sign}{amount}\u00a0{symbol}"
        return self.number(value, decimals)

    def join(self, names: Iterable[str]) -> str:
        """A list in a sentence: "a, b, c" (Chinese: "a、b、c")."""
        return ("、" if self.language == "zh-CN" else ", ").join(names)

    def change(self, delta: float | None, unit: Unit) -> str:
        """A change, signed, in the unit (percentage points for percentages)."""
        if delta is None:
            return ""
        sign = "+" if delta > 0 else ""
        if unit is Unit.PERCENT:
            return sign + self.number(delta * 100, 1) + self.style.before_unit + self.text("report_points")
        return sign + self(delta, unit)

    def trend(self, figure: Figure, other: float | None) -> Trend | None:
        """The change from ``other`` as the page shows it: an arrow, whether it is
        for the better, and the difference of the two values as shown (so that
        81.3 % after 81.2 % is +0.1 pts); equal when both show the same."""
        if figure.value is None or other is None:
            return None
        if figure.unchanged(other):
            return Trend("=", "same", self.text("report_unchanged"))
        better = figure.improved(other)
        delta = displayed(figure.value, figure.unit) - displayed(other, figure.unit)
        return Trend("▲" if delta > 0 else "▼",
                     "same" if better is None else "better" if better else "worse",
                     self.change(delta / 100 if figure.unit is Unit.PERCENT else delta, figure.unit))


@dataclass(frozen=True)
class Trend:
    arrow: str  # ▲ ▼ =
    kind: str  # better, worse, same (no direction, or no change as shown)
    text: str


def render_html(report: Report) -> str:
    """The report as one self-contained page: inline CSS and SVG, no script."""
    import jinja2
    import markupsafe

    from .render import charts

    text = text_for(report.config)
    money = Formatter(report.language, text, report.config.money.code)
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir()),
                                     autoescape=True, undefined=jinja2.StrictUndefined,
                                     trim_blocks=True, lstrip_blocks=True)
    ids = itertools.count(1)  # the charts' ids: the same page renders the same way
    spark_css, sparklines = charts.sparklines({f.id: f.months for f in report.figures},
                                              report.config.primary_color, report.font_family,
                                              ids)
    volume = {key: charts.bars([name for name, _ in rows], [value for _, value in rows], colour,
                               report.font_family, lambda value: money.number(value, 0), ids)
              for key, rows, colour in (
                  ("categories", report.categories, report.config.primary_color),
                  ("channels", report.channels, report.config.accent_color))}
    return environment.get_template("report.html.j2").render(
        report=report, t=text, fmt=money, sparklines=sparklines, spark_css=spark_css, volume=volume,
        volume_blank={key: [name for name, value in rows if value is None] for key, rows in
                      (("categories", report.categories), ("channels", report.channels))},
        version=__version__, made=dt.date.today().isoformat(), Unit=Unit,
        Markup=markupsafe.Markup)


def write_report(workbook: Path, out: Path, month: str | None = None,
                 language: str | None = None, timeout: float = 60) -> Path:
    """Write the report of ``workbook`` to ``out``: HTML, or PDF by its suffix;
    atomically, and nothing at all when anything fails."""
    suffix = out.suffix.casefold()
    if suffix not in (".html", ".htm", ".pdf"):
        raise UsageError(f"--out {out}: a report is .html or .pdf")
    report = build_report(workbook, month, language)
    html = render_html(report)
    with atomic_output(out) as temporary:
        if suffix == ".pdf":
            from .render.chromium import print_html

            page = temporary.with_suffix(".html")
            try:
                page.write_text(html, encoding="utf-8")
                temporary.write_bytes(print_html(page, timeout))
            finally:
                page.unlink(missing_ok=True)
        else:
            temporary.write_text(html, encoding="utf-8")
    return out

