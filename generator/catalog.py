"""The metric catalog: the single source of truth for ids, inputs, rollups,
formulas, units, better directions and text keys.

The workbook writer, the reference implementation and the tests all read it;
nothing else in the package names a metric. It follows ``shared/spec/metrics.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .expr import AnyOf, Expr, PerMonth, Ref, Zero, references, total


class Rollup(StrEnum):
    """How an input's monthly values combine into a quarter or a year."""

    FLOW = "flow"  # summed
    STOCK_START = "stock-start"  # first filled period
    STOCK_END = "stock-end"  # last filled period
    WEIGHTED = "avg(w)"  # average weighted by another input
    MEAN = "mean"  # plain average of filled periods


class Unit(StrEnum):
    COUNT = "count"  # whole numbers
    FTE = "fte"  # decimals (full-time equivalents)
    HOURS = "hours"
    MONEY = "money"  # sums: shown without cents
    PRICE = "price"  # per customer or per unit: shown with cents
    PERCENT = "percent"  # stored as a fraction
    POINTS = "points"  # NPS
    DECIMAL = "decimal"  # replies per ticket, mean scores, ratios


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    NONE = "none"


GROUPS = ("surveys", "tickets", "customers")


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
    Input("tickets_fcr", "tickets", Unit.COUNT, Rollup.FLOW),
    Input("tickets_reopened", "tickets", Unit.COUNT, Rollup.FLOW),
    Input("agent_replies", "tickets", Unit.COUNT, Rollup.FLOW),
    Input("frt_hours", "tickets", Unit.HOURS, Rollup.WEIGHTED, weight="tickets_new"),
    Input("art_hours", "tickets", Unit.HOURS, Rollup.WEIGHTED, weight="tickets_resolved"),
    Input("agents", "tickets", Unit.FTE, Rollup.MEAN),
    Input("customers_start", "customers", Unit.COUNT, Rollup.STOCK_START),
    Input("customers_end", "customers", Unit.COUNT, Rollup.STOCK_END),
    Input("customers_new", "customers", Unit.COUNT, Rollup.FLOW),
    Input("renewals_due", "customers", Unit.COUNT, Rollup.FLOW),
    Input("renewals_won", "customers", Unit.COUNT, Rollup.FLOW),
    Input("mrr", "customers", Unit.MONEY, Rollup.STOCK_END),
    Input("expansion_mrr", "customers", Unit.MONEY, Rollup.FLOW),
    Input("cs_spend", "customers", Unit.MONEY, Rollup.FLOW),
    Input("sm_spend", "customers", Unit.MONEY, Rollup.FLOW),
)
INPUT_BY_ID = {item.id: item for item in INPUTS}
ENTERED_INPUTS = tuple(item for item in INPUTS if not item.from_volume)

# --------------------------------------------------------------------------- KPIs

_P, _PA, _D = _inp("nps_promoters"), _inp("nps_passives"), _inp("nps_detractors")
_RESOLVED = _inp("tickets_resolved")
_C_START, _C_END, _C_NEW = _inp("customers_start"), _inp("customers_end"), _inp("customers_new")

KPIS: tuple[Kpi, ...] = (
    Kpi("nps", "surveys", 100 * (_P - _D) / total(_P, _PA, _D), Unit.POINTS, Better.HIGHER),
    Kpi("csat", "surveys", _inp("csat_satisfied") / _inp("csat_responses"), Unit.PERCENT,
        Better.HIGHER),
    Kpi("ces", "surveys", _inp("ces_easy") / _inp("ces_responses"), Unit.PERCENT, Better.HIGHER),
    Kpi("tickets_new", "tickets", _inp("tickets_new"), Unit.COUNT, Better.NONE),
    Kpi("frt", "tickets", _inp("frt_hours"), Unit.HOURS, Better.LOWER),
    Kpi("art", "tickets", _inp("art_hours"), Unit.HOURS, Better.LOWER),
    Kpi("fcr", "tickets", _inp("tickets_fcr") / _RESOLVED, Unit.PERCENT, Better.HIGHER),
    Kpi("resolution_rate", "tickets",
        _RESOLVED / (Zero("inp", "tickets_open_start") + _inp("tickets_new")),
        Unit.PERCENT, Better.HIGHER),
    Kpi("backlog_end", "tickets",
        Zero("inp", "tickets_open_start") + _inp("tickets_new") - _RESOLVED,
        Unit.COUNT, Better.LOWER),
    Kpi("reopen_rate", "tickets", _inp("tickets_reopened") / _RESOLVED, Unit.PERCENT,
        Better.LOWER),
    Kpi("replies_per_ticket", "tickets", _inp("agent_replies") / _RESOLVED, Unit.DECIMAL,
        Better.LOWER),
    Kpi("tickets_per_agent", "tickets", _RESOLVED / _inp("agents"), Unit.DECIMAL,
        Better.HIGHER),
    Kpi("crr", "customers", (_C_END - _C_NEW) / _C_START, Unit.PERCENT, Better.HIGHER),
    Kpi("churn_rate", "customers", (_C_START + _C_NEW - _C_END) / _C_START, Unit.PERCENT,
        Better.LOWER),
    Kpi("renewal_rate", "customers", _inp("renewals_won") / _inp("renewals_due"),
        Unit.PERCENT, Better.HIGHER),
    Kpi("mrr", "customers", _inp("mrr"), Unit.MONEY, Better.HIGHER),
    Kpi("expansion_mrr", "customers", _inp("expansion_mrr"), Unit.MONEY, Better.HIGHER),
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
                              "tickets_new"})

CHECKS: tuple[Check, ...] = (
    Check("csat_satisfied", "csat_responses"),
    Check("ces_easy", "ces_responses"),
    Check("tickets_fcr", "tickets_resolved"),
    Check("tickets_reopened", "tickets_resolved"),
    Check("renewals_won", "renewals_due"),
    Check("customers_new", "customers_end"),
)

BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("nps", "nps"),
    Benchmark("csat", "csat"),
    Benchmark("fcr", "fcr"),
    Benchmark("frt", "frt"),
)
BENCHMARK_BY_KPI = {item.kpi: item for item in BENCHMARKS}



def kpi_inputs(kpi_id: str) -> set[str]:
    """Input ids a KPI needs (weights of weighted averages included), following
    KPI-to-KPI references."""
    needed: set[str] = set()
    for kind, id in references(KPI_BY_ID[kpi_id].formula):
        if kind == "inp":
            needed.add(id)
            if INPUT_BY_ID[id].weight:
                needed.add(INPUT_BY_ID[id].weight)
        elif kind == "kpi":
            needed |= kpi_inputs(id)
    return needed


# The tracker KPI each calculator belongs to: leaving the KPI out removes it.
# The health score is not a tracker KPI and is always there.
CALCULATOR_KPI = {
    "nps": "nps", "csat": "csat", "ces": "ces", "churn": "churn_rate", "crr": "crr",
    "renewal": "renewal_rate", "mrr": "mrr", "clv": "clv", "clv_subscription": "clv",
    "cac": "cac", "crc": "crc", "frt": "frt", "art": "art", "fcr": "fcr",
    "resolution_rate": "resolution_rate", "health_score": None,
}


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
    def volume(self) -> bool:
        """The Ticket Volume sheet exists when tickets received are needed."""
        return "tickets_new" in self.inputs

    def calculator_included(self, calc_id: str) -> bool:
        kpi = CALCULATOR_KPI[calc_id]
        return kpi is None or kpi in self.kpis

    def checks(self) -> tuple[Check, ...]:
        inputs = set(self.inputs)
        return tuple(c for c in CHECKS if c.small in inputs and c.large in inputs)


# --------------------------------------------------------------------------- calculators


@dataclass(frozen=True, repr=False, eq=False)
class CalcInput:
    id: str
    unit: Unit
    example: float
    label_key: str
    label_vars: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, repr=False, eq=False)
class CalcResult:
    id: str  # "" for the main result
    formula: Expr
    unit: Unit

    @property
    def name_suffix(self) -> str:
        return f"_{self.id}" if self.id else ""


@dataclass(frozen=True, repr=False, eq=False)
class Calculator:
    id: str
    inputs: tuple[CalcInput, ...]
    results: tuple[CalcResult, ...]
    better: Better
    weight_check: str | None = None  # result id that must equal 100%


@dataclass(frozen=True)
class Scales:
    """Survey scales; they change the CSAT and CES calculators."""

    csat_points: int = 5
    csat_satisfied_from: int = 4
    ces_points: int = 5
    ces_easy_from: int = 4


def _c(id: str) -> Ref:
    return Ref("calc", id)


def _plain(calc: str, *specs: tuple[str, Unit, float]) -> tuple[CalcInput, ...]:
    return tuple(CalcInput(id, unit, example, f"calc_{calc}_in_{id}") for id, unit, example in specs)


def _score_inputs(points: range, examples: dict[int, float]) -> tuple[CalcInput, ...]:
    return tuple(
        CalcInput(f"score_{score}", Unit.COUNT, examples.get(score, 0), "calc_in_score",
                  (("score", score),))
        for score in points
    )


def _score_calculator(id: str, points: int, good_from: int, examples: dict[int, float],
                      better: Better) -> Calculator:
    """CSAT and CES: share of top answers and mean score over a 1..points scale."""
    inputs = _score_inputs(range(1, points + 1), examples)
    counts = [Zero("calc", item.id) for item in inputs]
    answers = total(*counts)
    good = total(*counts[good_from - 1:])
    weighted = total(*(score * count for score, count in enumerate(counts, start=1)))
    return Calculator(id, inputs, (
        CalcResult("", AnyOf(tuple(counts), good / answers), Unit.PERCENT),
        CalcResult("mean", AnyOf(tuple(counts), weighted / answers), Unit.DECIMAL),
    ), better)


# Examples of metrics.md, on the default scales; other scales get the same answers
# spread from the top of the scale down so that the example still makes sense.
_CSAT_EXAMPLE = {5: 42, 4: 32, 3: 10, 2: 9, 1: 14}
_CES_EXAMPLE = {5: 60, 4: 90, 3: 30, 2: 15, 1: 5}


def _rescaled(example: dict[int, float], points: int) -> dict[int, float]:
    shift = points - 5
    return {score + shift: count for score, count in example.items()}


def calculators(scales: Scales = Scales()) -> tuple[Calculator, ...]:
    nps_inputs = _score_inputs(range(11), {0: 15, 7: 5, 9: 80})
    scores = [Zero("calc", item.id) for item in nps_inputs]
    answers = total(*scores)
    promoters, passives, detractors = total(*scores[9:]), total(*scores[7:9]), total(*scores[:7])
    nps_any = tuple(scores)
    health_inputs = tuple(
        CalcInput(f"score_{n}", Unit.DECIMAL, score, "calc_health_in_score", (("n", n),))
        for n, score in enumerate((80, 60, 90, 100), start=1)
    ) + tuple(
        CalcInput(f"weight_{n}", Unit.PERCENT, weight, "calc_health_in_weight", (("n", n),))
        for n, weight in enumerate((0.4, 0.3, 0.2, 0.1), start=1)
    )
    health_scores = [Zero("calc", f"score_{n}") for n in range(1, 5)]
    health_weights = [Zero("calc", f"weight_{n}") for n in range(1, 5)]
    health_any = tuple(health_scores + health_weights)
    return (
        Calculator("nps", nps_inputs, (
            CalcResult("", AnyOf(nps_any, 100 * (promoters - detractors) / answers), Unit.POINTS),
            CalcResult("promoters_pct", AnyOf(nps_any, promoters / answers), Unit.PERCENT),
            CalcResult("passives_pct", AnyOf(nps_any, passives / answers), Unit.PERCENT),
            CalcResult("detractors_pct", AnyOf(nps_any, detractors / answers), Unit.PERCENT),
        ), Better.HIGHER),
        _score_calculator("csat", scales.csat_points, scales.csat_satisfied_from,
                          _rescaled(_CSAT_EXAMPLE, scales.csat_points), Better.HIGHER),
        _score_calculator("ces", scales.ces_points, scales.ces_easy_from,
                          _rescaled(_CES_EXAMPLE, scales.ces_points), Better.HIGHER),
        Calculator("churn", _plain("churn", ("customers_start", Unit.COUNT, 1000),
                                   ("customers_lost", Unit.COUNT, 64)), (
            CalcResult("", _c("customers_lost") / _c("customers_start"), Unit.PERCENT),
        ), Better.LOWER),
        Calculator("crr", _plain("crr", ("customers_start", Unit.COUNT, 100),
                                 ("customers_end", Unit.COUNT, 90),
                                 ("customers_new", Unit.COUNT, 15)), (
            CalcResult("", (_c("customers_end") - _c("customers_new")) / _c("customers_start"),
                       Unit.PERCENT),
        ), Better.HIGHER),
        Calculator("renewal", _plain("renewal", ("renewals_due", Unit.COUNT, 200),
                                     ("renewals_won", Unit.COUNT, 180)), (
            CalcResult("", _c("renewals_won") / _c("renewals_due"), Unit.PERCENT),
        ), Better.HIGHER),
        Calculator("mrr", _plain("mrr", ("customers", Unit.COUNT, 250),
                                 ("arpu", Unit.PRICE, 40), ("expansion", Unit.PRICE, 500)), (
            CalcResult("", _c("customers") * _c("arpu"), Unit.PRICE),
            CalcResult("total", _c("customers") * _c("arpu") + Zero("calc", "expansion"),
                       Unit.PRICE),
        ), Better.HIGHER),
        Calculator("clv", _plain("clv", ("purchase_value", Unit.PRICE, 50),
                                 ("purchases_per_month", Unit.DECIMAL, 3),
                                 ("lifetime_months", Unit.DECIMAL, 24)), (
            CalcResult("", _c("purchase_value") * _c("purchases_per_month")
                       * _c("lifetime_months"), Unit.PRICE),
        ), Better.HIGHER),
        Calculator("clv_subscription", _plain(
            "clv_subscription", ("monthly_revenue", Unit.PRICE, 100),
            ("gross_margin", Unit.PERCENT, 0.8), ("monthly_churn", Unit.PERCENT, 0.05)), (
            CalcResult("", _c("monthly_revenue") * _c("gross_margin") / _c("monthly_churn"),
                       Unit.PRICE),
        ), Better.HIGHER),
        Calculator("cac", _plain("cac", ("sm_spend", Unit.PRICE, 10_000),
                                 ("customers_new", Unit.COUNT, 20_000)), (
            CalcResult("", _c("sm_spend") / _c("customers_new"), Unit.PRICE),
        ), Better.LOWER),
        Calculator("crc", _plain("crc", ("cs_spend", Unit.PRICE, 50_000),
                                 ("customers", Unit.COUNT, 2_500)), (
            CalcResult("", _c("cs_spend") / _c("customers"), Unit.PRICE),
        ), Better.LOWER),
        Calculator("frt", _plain("frt", ("total_hours", Unit.HOURS, 160),
                                 ("tickets", Unit.COUNT, 8)), (
            CalcResult("", _c("total_hours") / _c("tickets"), Unit.HOURS),
        ), Better.LOWER),
        Calculator("art", _plain("art", ("total_hours", Unit.HOURS, 600),
                                 ("tickets", Unit.COUNT, 120)), (
            CalcResult("", _c("total_hours") / _c("tickets"), Unit.HOURS),
        ), Better.LOWER),
        Calculator("fcr", _plain("fcr", ("tickets_fcr", Unit.COUNT, 280),
                                 ("tickets_resolved", Unit.COUNT, 400)), (
            CalcResult("", _c("tickets_fcr") / _c("tickets_resolved"), Unit.PERCENT),
        ), Better.HIGHER),
        Calculator("resolution_rate", _plain(
            "resolution_rate", ("tickets_resolved", Unit.COUNT, 450),
            ("tickets_in_scope", Unit.COUNT, 500)), (
            CalcResult("", _c("tickets_resolved") / _c("tickets_in_scope"), Unit.PERCENT),
        ), Better.HIGHER),
        Calculator("health_score", health_inputs, (
            CalcResult("", AnyOf(health_any, total(*(
                s * w for s, w in zip(health_scores, health_weights, strict=True)))),
                Unit.DECIMAL),
            CalcResult("weight_total", AnyOf(health_any, total(*health_weights)), Unit.PERCENT),
        ), Better.HIGHER, weight_check="weight_total"),
    )


# --------------------------------------------------------------------------- text keys


def input_label_key(input_id: str) -> str:
    return f"inp_{input_id}"


def input_help_key(input_id: str) -> str:
    return f"inp_{input_id}_help"


def kpi_label_key(kpi_id: str) -> str:
    return f"kpi_{kpi_id}"
