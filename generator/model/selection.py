"""Which metrics a workbook includes, and everything that follows from that:
its inputs, whether it has a Ticket Volume sheet, its calculators and checks."""

from __future__ import annotations

from dataclasses import dataclass

from .agents import AGENTS
from .calculators import CALCULATOR_KPI
from .catalog import CHECKS, INPUT_BY_ID, INPUTS, KPI_BY_ID, KPIS, Check, kpi_inputs
from .expr import references

PRESETS = ("support", "success", "full")  # config.choices.PRESETS too (the CLI's, model-free)
# The input groups each preset's KPIs draw on: "support" leaves out customers and
# revenue (finance and RevOps figures a support lead does not own), "success"
# leaves out ticket operations.
_PRESET_GROUPS = {"support": {"surveys", "tickets", "times"}, "success": {"surveys", "customers"}}


def preset_kpis(preset: str) -> tuple[str, ...] | None:
    """The metric ids of a preset (None for "full": every metric and the Agents
    sheet); "support" includes the Agents sheet, "success" does not."""
    if preset == "full":
        return None
    if preset not in _PRESET_GROUPS:
        raise ValueError(f"unknown preset {preset!r}; presets: {', '.join(PRESETS)}")
    groups = _PRESET_GROUPS[preset]
    kpis = tuple(kpi.id for kpi in KPIS
                 if all(INPUT_BY_ID[id].group in groups for id in kpi_inputs(kpi.id)))
    return (*kpis, AGENTS) if "tickets" in groups else kpis


@dataclass(frozen=True)
class Selection:
    """The metrics a workbook includes, and everything that follows from them."""

    kpis: tuple[str, ...]  # in catalog order
    agents: bool = True  # the Agents sheet

    @classmethod
    def of(cls, kpi_ids: tuple[str, ...] | None) -> Selection:
        """The metrics named (KPI ids, and "agents" for the Agents sheet), or all."""
        agents = kpi_ids is None or AGENTS in kpi_ids
        wanted = ({id for id in kpi_ids if id != AGENTS} if kpi_ids is not None
                  else {kpi.id for kpi in KPIS})
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
        return cls(tuple(kpi.id for kpi in KPIS if kpi.id in closed), agents)

    @property
    def ids(self) -> tuple[str, ...]:
        """The metric ids, as ``metrics`` lists them ("agents" for the Agents sheet)."""
        return (*self.kpis, AGENTS) if self.agents else self.kpis

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

    @property
    def sla_settings(self) -> tuple[str, ...]:
        """The service-level settings the included KPIs are counted against."""
        wanted = {"frt_sla": "sla_first_reply_hours", "res_sla": "sla_resolution_hours",
                  "aged_backlog": "aging_days"}
        return tuple(name for kpi_id, name in wanted.items() if kpi_id in self.kpis)

    def calculator_included(self, calc_id: str) -> bool:
        kpi = CALCULATOR_KPI[calc_id]
        return kpi is None or kpi in self.kpis

    def checks(self) -> tuple[Check, ...]:
        inputs = set(self.inputs)
        return tuple(c for c in CHECKS if c.small in inputs and c.large in inputs)
