"""What a team enters into a workbook: tracker inputs, volume counts, targets,
calculator inputs and assumptions. Tests fill workbooks with it; regeneration
reads it back from a filled workbook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from .agents import AGENT_INPUT_BY_ID, AGENT_INPUTS
from .calculators import Calculator
from .catalog import ENTERED_INPUTS, OBSERVED_INPUTS
from .periods import Periods

Value = float | None
# An input cell by what it means: ("inp", input id, month), ("vol", category, month),
# ("chan", channel, month), ("<channel measure>", channel, month), ("target", KPI id, 0)
CellKey = tuple[str, str, int]
Series = list[Value]
Note = str | None

# What a team enters per channel and month besides the volume (channel performance).
CHANNEL_MEASURES = ("chan_frt_hours", "chan_csat_responses", "chan_csat_satisfied")
# The settings of the service-level rows: first-reply and resolution targets in
# hours, and the age in days from which an open ticket counts as aged.
SLA_KEYS = ("sla_first_reply_hours", "sla_resolution_hours", "aging_days")


def fit(series: Series | None, count: int) -> Series:
    """A series of exactly ``count`` months: padded with blanks (never cut: the
    regeneration checks for data that would be lost before it gets here)."""
    values = list(series or [])
    return values + [None] * (count - len(values))


class Defaults(Protocol):
    """What a configuration gives data that leaves cells open (``config.Config``)."""

    @property
    def targets(self) -> Mapping[str, float]: ...
    @property
    def gross_margin(self) -> float: ...
    @property
    def categories(self) -> tuple[str, ...] | None: ...
    @property
    def channels(self) -> tuple[str, ...] | None: ...
    @property
    def periods(self) -> Periods: ...
    @property
    def sla(self) -> Mapping[str, float]: ...
    @property
    def agents(self) -> tuple[str, ...] | None: ...


@dataclass
class WorkbookData:
    """Entered values; ``None`` everywhere means "not entered"."""

    inputs: dict[str, Series] = field(default_factory=dict)
    volume: dict[str, Series] = field(default_factory=dict)  # category -> months
    channels: dict[str, Series] = field(default_factory=dict)  # channel -> months
    targets: dict[str, Value] | None = None  # None: the configuration's targets
    calculators: dict[str, dict[str, Value]] | None = None  # None: the examples
    gross_margin: Value = None  # None: the configuration's assumption
    notes: dict[CellKey, str] = field(default_factory=dict)  # a team's notes on input cells
    fills: dict[CellKey, str] = field(default_factory=dict)  # colours of its own: "#RRGGBB"
    # observed rollups (medians, percentiles): input id -> quarter or year key ("q1", "y1")
    observed: dict[str, dict[str, Value]] = field(default_factory=dict)
    period_notes: list[Note] = field(default_factory=list)  # what happened each month
    # channel performance: measure (CHANNEL_MEASURES) -> channel -> months
    channel_measures: dict[str, dict[str, Series]] = field(default_factory=dict)
    sla: dict[str, Value] | None = None  # None: the configuration's (SLA_KEYS)
    # What imports wrote: each cell with the value it wrote (so that a later import
    # replaces its own figures, never a team's), and each import's files and time.
    imported: dict[CellKey, Value] = field(default_factory=dict)
    imports: list[dict[str, str]] = field(default_factory=list)
    # the Agents sheet: agent -> measure (AGENT_INPUTS) -> months, in row order
    agents: dict[str, dict[str, Series]] = field(default_factory=dict)

    def input_series(self, input_id: str, count: int) -> Series:
        return fit(self.inputs.get(input_id), count)

    def _series(self, key: CellKey, periods: Periods) -> tuple[Series | dict[str, Value], int | str]:
        kind, name, index = key
        if kind == "inp":
            return self.inputs.setdefault(name, []), index
        if kind == "obs":
            return self.observed.setdefault(name, {}), periods.rollups[index].key
        if kind == "vol":
            return self.volume.setdefault(name, []), index
        if kind == "chan":
            return self.channels.setdefault(name, []), index
        if kind in CHANNEL_MEASURES:
            return self.channel_measures.setdefault(kind, {}).setdefault(name, []), index
        if kind in AGENT_INPUT_BY_ID:
            return self.agents.setdefault(name, {}).setdefault(kind, []), index
        raise KeyError(key)

    def value(self, key: CellKey, periods: Periods) -> Value:
        """An entered value by what it means (the keys of ``notes``)."""
        series, at = self._series(key, periods)
        if isinstance(series, dict):
            return series.get(str(at))
        return series[int(at)] if int(at) < len(series) else None

    def set_value(self, key: CellKey, value: Value, periods: Periods) -> None:
        series, at = self._series(key, periods)
        if isinstance(series, dict):
            series[str(at)] = value
            return
        series.extend([None] * (int(at) + 1 - len(series)))
        series[int(at)] = value

    def completed(self, config: Defaults, calculators: tuple[Calculator, ...]) -> WorkbookData:
        """A copy with every cell defined: defaults from the configuration and the
        calculator examples where nothing was given."""
        targets: dict[str, Value] = (
            dict(config.targets) if self.targets is None else dict(self.targets)
        )
        calc_values: dict[str, dict[str, Value]] = {
            calc.id: {item.id: item.example for item in calc.inputs} for calc in calculators
        }
        if self.calculators is not None:
            calc_values = {
                calc.id: {item.id: self.calculators.get(calc.id, {}).get(item.id)
                          for item in calc.inputs}
                for calc in calculators
            }
        count = config.periods.count
        channels = config.channels or ()
        return WorkbookData(
            inputs={item.id: self.input_series(item.id, count) for item in ENTERED_INPUTS},
            volume={name: fit(self.volume.get(name), count) for name in config.categories or ()},
            channels={name: fit(self.channels.get(name), count) for name in channels},
            targets=targets,
            calculators=calc_values,
            gross_margin=config.gross_margin if self.gross_margin is None else self.gross_margin,
            notes=dict(self.notes),
            fills=dict(self.fills),
            observed={item.id: dict(self.observed.get(item.id, {})) for item in OBSERVED_INPUTS},
            period_notes=list(self.period_notes) + [None] * (count - len(self.period_notes)),
            channel_measures={
                measure: {name: fit(self.channel_measures.get(measure, {}).get(name), count)
                          for name in channels}
                for measure in CHANNEL_MEASURES},
            sla=dict(config.sla) if self.sla is None else dict(self.sla),
            imported=dict(self.imported),
            imports=list(self.imports),
            agents={name: {item.id: fit(self.agents.get(name, {}).get(item.id), count)
                           for item in AGENT_INPUTS}
                    for name in _agent_names(self.agents, config.agents)},
        )


def _agent_names(entered: Mapping[str, object], configured: tuple[str, ...] | None) -> list[str]:
    """The configured agents, then the ones with entered values the list lacks."""
    names = list(configured or ())
    known = {name.casefold() for name in names}
    return names + [name for name in entered if name.casefold() not in known]
