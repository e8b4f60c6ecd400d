"""What a team enters into a workbook: tracker inputs, volume counts, targets,
calculator inputs and assumptions. Tests fill workbooks with it; regeneration
reads it back from a filled workbook."""

from __future__ import annotations

from dataclasses import dataclass, field

from .catalog import ENTERED_INPUTS, Calculator
from .config import Config
from .periods import MONTHS_PER_YEAR

Value = float | None
Series = list[Value]


def blank_series() -> Series:
    return [None] * MONTHS_PER_YEAR


@dataclass
class WorkbookData:
    """Entered values; ``None`` everywhere means "not entered"."""

    inputs: dict[str, Series] = field(default_factory=dict)
    volume: dict[str, Series] = field(default_factory=dict)  # category -> months
    channels: dict[str, Series] = field(default_factory=dict)  # channel -> months
    targets: dict[str, Value] | None = None  # None: the configuration's targets
    calculators: dict[str, dict[str, Value]] | None = None  # None: the examples
    gross_margin: Value = None  # None: the configuration's assumption

    def input_series(self, input_id: str) -> Series:
        return self.inputs.get(input_id) or blank_series()

    def completed(self, config: Config, calculators: tuple[Calculator, ...]) -> WorkbookData:
        """A copy with every cell defined: defaults from the configuration and the
        calculator examples where nothing was given."""
        targets = dict(config.targets) if self.targets is None else dict(self.targets)
        calc_values = {
            calc.id: {item.id: item.example for item in calc.inputs} for calc in calculators
        }
        if self.calculators is not None:
            calc_values = {
                calc.id: {item.id: self.calculators.get(calc.id, {}).get(item.id)
                          for item in calc.inputs}
                for calc in calculators
            }
        return WorkbookData(
            inputs={item.id: list(self.input_series(item.id)) for item in ENTERED_INPUTS},
            volume={name: list(self.volume.get(name) or blank_series())
                    for name in config.categories},
            channels={name: list(self.channels.get(name) or blank_series())
                      for name in config.channels},
            targets=targets,
            calculators=calc_values,
            gross_margin=config.gross_margin if self.gross_margin is None else self.gross_margin,
        )
