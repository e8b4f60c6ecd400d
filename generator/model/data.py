"""What a team enters into a workbook: tracker inputs, volume counts, targets,
calculator inputs and assumptions. Tests fill workbooks with it; regeneration
reads it back from a filled workbook."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from .calculators import Calculator
from .catalog import ENTERED_INPUTS
from .periods import Periods

Value = float | None
# An input cell by what it means: ("inp", input id, month), ("vol", category, month),
# ("chan", channel, month) or ("target", KPI id, 0)
CellKey = tuple[str, str, int]
Series = list[Value]


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

    def input_series(self, input_id: str, count: int) -> Series:
        return fit(self.inputs.get(input_id), count)

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
        return WorkbookData(
            inputs={item.id: self.input_series(item.id, count) for item in ENTERED_INPUTS},
            volume={name: fit(self.volume.get(name), count) for name in config.categories or ()},
            channels={name: fit(self.channels.get(name), count) for name in config.channels or ()},
            targets=targets,
            calculators=calc_values,
            gross_margin=config.gross_margin if self.gross_margin is None else self.gross_margin,
            notes=dict(self.notes),
            fills=dict(self.fills),
        )
