"""The Agents sheet's measures: what is entered per agent and period, what is
computed from it, and the Tracker figure each team total must equal.

Team totals follow the Tracker's rules (counts summed, the average first
response weighted by its ticket count), so that with every ticket assigned the
team row equals the Tracker's own figures; the difference is the unassigned
tickets.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Better, Unit
from .expr import Expr, Ref

AGENTS = "agents"  # the pseudo-metric that includes the Agents sheet (``metrics``)


@dataclass(frozen=True, repr=False, eq=False)
class AgentInput:
    id: str  # the defined name of its agents x periods grid: agent_solved ...
    unit: Unit
    tracker: str | None  # the Tracker input its team total equals
    weight: str | None = None  # an average, weighted by this input


@dataclass(frozen=True, repr=False, eq=False)
class AgentKpi:
    id: str
    formula: Expr  # over Ref("agent", input id)
    unit: Unit
    better: Better
    target: str  # the Tracker KPI whose target colours it


def _a(id: str) -> Ref:
    return Ref("agent", id)


AGENT_INPUTS: tuple[AgentInput, ...] = (
    AgentInput("agent_solved", Unit.COUNT, "tickets_resolved"),
    AgentInput("agent_fcr", Unit.COUNT, "tickets_fcr"),
    AgentInput("agent_reopened", Unit.COUNT, "tickets_reopened"),
    AgentInput("agent_replies", Unit.COUNT, "agent_replies"),
    AgentInput("agent_frt_hours", Unit.HOURS, "frt_hours", weight="agent_frt_count"),
    AgentInput("agent_frt_count", Unit.COUNT, None),
    AgentInput("agent_csat_responses", Unit.COUNT, "csat_responses"),
    AgentInput("agent_csat_satisfied", Unit.COUNT, "csat_satisfied"),
)
AGENT_INPUT_BY_ID = {item.id: item for item in AGENT_INPUTS}

AGENT_KPIS: tuple[AgentKpi, ...] = (
    AgentKpi("agent_fcr_rate", _a("agent_fcr") / _a("agent_solved"), Unit.PERCENT, Better.HIGHER,
             "fcr"),
    AgentKpi("agent_csat", _a("agent_csat_satisfied") / _a("agent_csat_responses"), Unit.PERCENT,
             Better.HIGHER, "csat"),
    AgentKpi("agent_replies_per_ticket", _a("agent_replies") / _a("agent_solved"), Unit.DECIMAL,
             Better.LOWER, "replies_per_ticket"),
)
AGENT_MEASURES = (*(item.id for item in AGENT_INPUTS), *(kpi.id for kpi in AGENT_KPIS))
# each measure's "at most" check, like the Tracker's: one-touch and reopened within
# solved, satisfied within the answers
AGENT_CHECKS = (("agent_fcr", "agent_solved"), ("agent_reopened", "agent_solved"),
                ("agent_csat_satisfied", "agent_csat_responses"))
DEFAULT_AGENT_ROWS = 10
