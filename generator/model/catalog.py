"""The metric catalog: the single source of truth for the tracker's inputs and
KPIs: ids, groups, rollups, formulas, units, better directions, checks and
benchmarks. Calculators, survey scales and the metric selection live beside it.

The workbook writer, the reference implementation and the tests all read it;
nothing else in the package names a metric. It follows ``shared/spec/metrics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .expr import Expr, PerMonth, Ref, Zero, references, total


class Rollup(StrEnum):
    """How an input's monthly values combine into a quarter or a year."""

    FLOW = "flow"  # summed
    STOCK_START = "stock-start"  # first filled period
    STOCK_END = "stock-end"  # last filled period
    WEIGHTED = "avg(w)"  # average weighted by another input
    MEAN = "mean"  # plain average of filled periods
    # A median or percentile: no combination of monthly values gives the quarter's,
    # so the quarter and year cells are inputs of their own (from the tickets).
    OBSERVED = "observed"


class Unit(StrEnum):
    COUNT = "count"  # whole numbers
    FTE = "fte"  # decimals (full-time equivalents)
    HOURS = "hours"
    DAYS = "days"
    MONEY = "money"  # sums: shown without cents
    PRICE = "price"  # per customer or per unit: shown with cents
    PERCENT = "percent"  # stored as a fraction
    POINTS = "points"  # NPS
    DECIMAL = "decimal"  # replies per ticket, mean scores, ratios


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


# Row groups of the Tracker, in order. Presets choose metrics by the groups of
# their inputs: "support" is everything a support team owns.
GROUPS = ("surveys", "tickets", "times", "customers")


@dataclass(frozen=True, repr=False, eq=False)
class Input:
    id: str
    group: str
    unit: Unit
    rollup: Rollup
    weight: str | None = None  # input id of the weight, for Rollup.WEIGHTED
    from_volume: bool = False  # read from the Ticket Volume tab, never typed


@dataclass(frozen=True, repr=False, eq=False)
class Kpi:
    id: str
    group: str
    formula: Expr
    unit: Unit
    better: Better

    @property
    def grows_with_period(self) -> bool:
        """A quarter's or year's value is not comparable with a monthly target
        (churn over a year is larger than monthly churn): targets colour months only."""
        return self.id in PERIOD_DEPENDENT


@dataclass(frozen=True, repr=False, eq=False)
class Check:
    """``small <= large`` must hold for consistent inputs (never silently fixed)."""

    small: str
    large: str


@dataclass(frozen=True, repr=False, eq=False)
class Benchmark:
    """A published industry figure; its text keys are ``bench_<key>`` and
    ``bench_<key>_source``."""

    kpi: str
    key: str


def _inp(id: str) -> Ref:
    return Ref("inp", id)


def _kpi(id: str) -> Ref:
    return Ref("kpi", id)


# --------------------------------------------------------------------------- inputs


INPUTS: tuple[Input, ...] = (
    Input("nps_promoters", "surveys", Unit.COUNT, Rollup.FLOW),
    Input("nps_passives", "surveys", Unit.COUNT, Rollup.FLOW),
    Input("nps_detractors", "surveys", Unit.COUNT, Rollup.FLOW),
    Input("csat_satisfied", "surveys", Unit.COUNT, Rollup.FLOW),
    Input("csat_responses", "surveys", Unit.COUNT, Rollup.FLOW),
    Input("ces_easy", "surveys", Unit.COUNT, Rollup.FLOW),
    Input("ces_responses", "surveys", Unit.COUNT, Rollup.FLOW),
    Input("tickets_new", "tickets", Unit.COUNT, Rollup.FLOW, from_volume=True),
    Input("tickets_open_start", "tickets", Unit.COUNT, Rollup.STOCK_START),
    Input("tickets_resolved", "tickets", Unit.COUNT, Rollup.FLOW),
    Input("tickets_open_end", "tickets", Unit.COUNT, Rollup.STOCK_END),
    Input("tickets_aged", "tickets", Unit.COUNT, Rollup.STOCK_END),
    Input("tickets_fcr", "tickets", Unit.COUNT, Rollup.FLOW),
    Input("tickets_reopened", "tickets", Unit.COUNT, Rollup.FLOW),
    Input("agent_replies", "tickets", Unit.COUNT, Rollup.FLOW),
    Input("agents", "tickets", Unit.FTE, Rollup.MEAN),
    Input("frt_hours", "times", Unit.HOURS, Rollup.WEIGHTED, weight="tickets_new"),
    Input("frt_median_hours", "times", Unit.HOURS, Rollup.OBSERVED),
    Input("frt_p90_hours", "times", Unit.HOURS, Rollup.OBSERVED),
    Input("frt_sla_measured", "times", Unit.COUNT, Rollup.FLOW),
    Input("frt_sla_met", "times", Unit.COUNT, Rollup.FLOW),
    Input("art_hours", "times", Unit.HOURS, Rollup.WEIGHTED, weight="tickets_resolved"),
    Input("art_median_hours", "times", Unit.HOURS, Rollup.OBSERVED),
    Input("art_p90_hours", "times", Unit.HOURS, Rollup.OBSERVED),
    Input("res_sla_measured", "times", Unit.COUNT, Rollup.FLOW),
    Input("res_sla_met", "times", Unit.COUNT, Rollup.FLOW),
    Input("customers_start", "customers", Unit.COUNT, Rollup.STOCK_START),
    Input("customers_end", "customers", Unit.COUNT, Rollup.STOCK_END),
    Input("customers_new", "customers", Unit.COUNT, Rollup.FLOW),
    Input("renewals_due", "customers", Unit.COUNT, Rollup.FLOW),
    Input("renewals_won", "customers", Unit.COUNT, Rollup.FLOW),
    Input("mrr_start", "customers", Unit.MONEY, Rollup.STOCK_START),
    Input("mrr", "customers", Unit.MONEY, Rollup.STOCK_END),
    Input("mrr_churned", "customers", Unit.MONEY, Rollup.FLOW),
    Input("expansion_mrr", "customers", Unit.MONEY, Rollup.FLOW),
    Input("cs_spend", "customers", Unit.MONEY, Rollup.FLOW),
    Input("sm_spend", "customers", Unit.MONEY, Rollup.FLOW),
)
INPUT_BY_ID = {item.id: item for item in INPUTS}
ENTERED_INPUTS = tuple(item for item in INPUTS if not item.from_volume)
OBSERVED_INPUTS = tuple(item for item in INPUTS if item.rollup is Rollup.OBSERVED)

# --------------------------------------------------------------------------- KPIs

_P, _PA, _D = _inp("nps_promoters"), _inp("nps_passives"), _inp("nps_detractors")
_RESOLVED = _inp("tickets_resolved")
_C_START, _C_END, _C_NEW = _inp("customers_start"), _inp("customers_end"), _inp("customers_new")

_FRT_MET, _FRT_DUE = _inp("frt_sla_met"), _inp("frt_sla_measured")
_MRR_START, _MRR_CHURNED = _inp("mrr_start"), _inp("mrr_churned")

KPIS: tuple[Kpi, ...] = (
    Kpi("nps", "surveys", 100 * (_P - _D) / total(_P, _PA, _D), Unit.POINTS, Better.HIGHER),
    Kpi("csat", "surveys", _inp("csat_satisfied") / _inp("csat_responses"), Unit.PERCENT,
        Better.HIGHER),
    Kpi("ces", "surveys", _inp("ces_easy") / _inp("ces_responses"), Unit.PERCENT, Better.HIGHER),
    Kpi("tickets_new", "tickets", _inp("tickets_new"), Unit.COUNT, Better.NONE),
    Kpi("resolution_rate", "tickets",
        _RESOLVED / (Zero("inp", "tickets_open_start") + _inp("tickets_new")),
        Unit.PERCENT, Better.HIGHER),
    Kpi("backlog_end", "tickets",
        Zero("inp", "tickets_open_start") + _inp("tickets_new") - _RESOLVED,
        Unit.COUNT, Better.LOWER),
    Kpi("aged_backlog", "tickets", _inp("tickets_aged") / _inp("tickets_open_end"), Unit.PERCENT,
        Better.LOWER),
    Kpi("fcr", "tickets", _inp("tickets_fcr") / _RESOLVED, Unit.PERCENT, Better.HIGHER),
    Kpi("reopen_rate", "tickets", _inp("tickets_reopened") / _RESOLVED, Unit.PERCENT,
        Better.LOWER),
    Kpi("replies_per_ticket", "tickets", _inp("agent_replies") / _RESOLVED, Unit.DECIMAL,
        Better.LOWER),
    Kpi("tickets_per_agent", "tickets", _RESOLVED / _inp("agents"), Unit.DECIMAL,
        Better.HIGHER),
    Kpi("cost_per_ticket", "tickets", _inp("cs_spend") / _RESOLVED, Unit.PRICE, Better.LOWER),
    Kpi("contact_rate", "tickets", _inp("tickets_new") / _C_END, Unit.DECIMAL, Better.LOWER),
    Kpi("frt", "times", _inp("frt_hours"), Unit.HOURS, Better.LOWER),
    Kpi("frt_median", "times", _inp("frt_median_hours"), Unit.HOURS, Better.LOWER),
    Kpi("frt_p90", "times", _inp("frt_p90_hours"), Unit.HOURS, Better.LOWER),
    Kpi("frt_sla", "times", _FRT_MET / _FRT_DUE, Unit.PERCENT, Better.HIGHER),
    Kpi("art", "times", _inp("art_hours"), Unit.HOURS, Better.LOWER),
    Kpi("art_median", "times", _inp("art_median_hours"), Unit.HOURS, Better.LOWER),
    Kpi("art_p90", "times", _inp("art_p90_hours"), Unit.HOURS, Better.LOWER),
    Kpi("res_sla", "times", _inp("res_sla_met") / _inp("res_sla_measured"), Unit.PERCENT,
        Better.HIGHER),
    Kpi("crr", "customers", (_C_END - _C_NEW) / _C_START, Unit.PERCENT, Better.HIGHER),
    Kpi("churn_rate", "customers", (_C_START + _C_NEW - _C_END) / _C_START, Unit.PERCENT,
        Better.LOWER),
    Kpi("renewal_rate", "customers", _inp("renewals_won") / _inp("renewals_due"),
        Unit.PERCENT, Better.HIGHER),
    Kpi("mrr", "customers", _inp("mrr"), Unit.MONEY, Better.HIGHER),
    Kpi("expansion_mrr", "customers", _inp("expansion_mrr"), Unit.MONEY, Better.HIGHER),
    Kpi("revenue_churn", "customers", _MRR_CHURNED / _MRR_START, Unit.PERCENT, Better.LOWER),
    Kpi("grr", "customers", (_MRR_START - _MRR_CHURNED) / _MRR_START, Unit.PERCENT,
        Better.HIGHER),
    Kpi("nrr", "customers", (_MRR_START - _MRR_CHURNED + _inp("expansion_mrr")) / _MRR_START,
        Unit.PERCENT, Better.HIGHER),
    Kpi("arpu", "customers", _inp("mrr") / _C_END, Unit.PRICE, Better.HIGHER),
    Kpi("clv", "customers",
        _kpi("arpu") * Ref("assumption", "gross_margin") / PerMonth("kpi", "churn_rate"),
        Unit.MONEY, Better.HIGHER),
    Kpi("cac", "customers", _inp("sm_spend") / _C_NEW, Unit.PRICE, Better.LOWER),
    Kpi("ltv_cac", "customers", _kpi("clv") / _kpi("cac"), Unit.DECIMAL, Better.HIGHER),
    Kpi("crc", "customers", _inp("cs_spend") / _C_END, Unit.PRICE, Better.LOWER),
)
KPI_BY_ID = {item.id: item for item in KPIS}
# Flows over stocks: a longer period gives a larger value.
PERIOD_DEPENDENT = frozenset({"crr", "churn_rate", "expansion_mrr", "tickets_per_agent", "crc",
                              "tickets_new", "contact_rate", "revenue_churn", "grr", "nrr"})

CHECKS: tuple[Check, ...] = (
    Check("csat_satisfied", "csat_responses"),
    Check("ces_easy", "ces_responses"),
    Check("tickets_fcr", "tickets_resolved"),
    Check("tickets_reopened", "tickets_resolved"),
    Check("renewals_won", "renewals_due"),
    Check("customers_new", "customers_end"),
    Check("frt_sla_met", "frt_sla_measured"),
    Check("res_sla_met", "res_sla_measured"),
    Check("tickets_aged", "tickets_open_end"),
    Check("mrr_churned", "mrr_start"),
)

# KPI values that no consistent inputs give (more solved than there was to
# solve): highlighted like inconsistent inputs, in every column.
IMPOSSIBLE: tuple[tuple[str, str, float], ...] = (
    ("resolution_rate", ">", 1.0),
    ("backlog_end", "<", 0.0),
)

BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("nps", "nps"),
    Benchmark("csat", "csat"),
    Benchmark("fcr", "fcr"),
    Benchmark("frt", "frt"),
    Benchmark("cost_per_ticket", "cost_per_ticket"),
    Benchmark("churn_rate", "churn_rate"),
    Benchmark("revenue_churn", "revenue_churn"),
    Benchmark("grr", "grr"),
    Benchmark("nrr", "nrr"),
)
BENCHMARK_BY_KPI = {item.kpi: item for item in BENCHMARKS}



def kpi_inputs(kpi_id: str) -> set[str]:
    """Input ids a KPI needs (weights of weighted averages included), following
    KPI-to-KPI references."""
    needed: set[str] = set()
    for kind, id in references(KPI_BY_ID[kpi_id].formula):
        if kind == "inp":
            needed.add(id)
            weight = INPUT_BY_ID[id].weight
            if weight:
                needed.add(weight)
        elif kind == "kpi":
            needed |= kpi_inputs(id)
    return needed
