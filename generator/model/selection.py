"""Which metrics a workbook includes, and everything that follows from that:
its inputs, whether it has a Ticket Volume sheet, its calculators and checks."""

from __future__ import annotations

from dataclasses import dataclass

from .calculators import CALCULATOR_KPI
from .catalog import CHECKS, INPUTS, KPI_BY_ID, KPIS, Check, kpi_inputs
from .expr import references


@dataclass(frozen=True)
class Selection:
    """The metrics a workbook includes, and everything that follows from them."""

    kpis: tuple[str, ...]  # in catalog order

    @classmethod
    def of(cls, kpi_ids: tuple[str, ...] | None) -> Selection:
        wanted = set(kpi_ids) if kpi_ids is not None else {kpi.id for kpi in KPIS}
        unknown = wanted - set(KPI_BY_ID)
        if unknown:
            raise ValueError(f"unknown metric ids: {', '.join(sorted(unknown))}")
        # a KPI built on other KPIs (CLV, CLV:CAC) brings them along
        closed, pending = set(), list(wanted)
        while pending:
            kpi_id = pending.pop()
            if kpi_id not in closed:
                closed.add(kpi_id)
                pending += [id for kind, id in references(KPI_BY_ID[kpi_id].formula) if kind == "kpi"]
        return cls(tuple(kpi.id for kpi in KPIS if kpi.id in closed))

    @property
    def inputs(self) -> tuple[str, ...]:
        needed: set[str] = set()
        for kpi_id in self.kpis:
            needed |= kpi_inputs(kpi_id)
        return tuple(item.id for item in INPUTS if item.id in needed)

    @property
    def assumptions(self) -> tuple[str, ...]:
        """The assumptions (``gross_margin``) that the included KPIs' formulas use."""
        used = {id for kpi_id in self.kpis for kind, id in references(KPI_BY_ID[kpi_id].formula)
                if kind == "assumption"}
        return tuple(sorted(used))

    @property
    def volume(self) -> bool:
        """The Ticket Volume sheet exists when tickets received are needed."""
        return "tickets_new" in self.inputs

    def calculator_included(self, calc_id: str) -> bool:
        kpi = CALCULATOR_KPI[calc_id]
        return kpi is None or kpi in self.kpis

    def checks(self) -> tuple[Check, ...]:
        inputs = set(self.inputs)
        return tuple(c for c in CHECKS if c.small in inputs and c.large in inputs)
