"""The live calculators of the Formulas & Definitions sheet (metrics.md's
calculator table): inputs with their examples, results as expression trees."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Better, Unit
from .expr import AnyOf, Expr, Ref, Zero, total
from .scales import DEFAULT_SCALES, Scales


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


@dataclass(frozen=True, repr=False, eq=False)
class Calculator:
    id: str
    inputs: tuple[CalcInput, ...]
    results: tuple[CalcResult, ...]
    better: Better
    weight_check: str | None = None  # result id that must equal 100%


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
_CSAT_EXAMPLE: dict[int, float] = {5: 42, 4: 32, 3: 10, 2: 9, 1: 14}
_CES_EXAMPLE: dict[int, float] = {5: 60, 4: 90, 3: 30, 2: 15, 1: 5}


def _rescaled(example: dict[int, float], points: int) -> dict[int, float]:
    shift = points - 5
    return {score + shift: count for score, count in example.items()}


def calculators(scales: Scales = DEFAULT_SCALES) -> tuple[Calculator, ...]:
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


# The tracker KPI each calculator belongs to: leaving the KPI out removes it.
# The health score is not a tracker KPI and is always there.
CALCULATOR_KPI = {
    "nps": "nps", "csat": "csat", "ces": "ces", "churn": "churn_rate", "crr": "crr",
    "renewal": "renewal_rate", "mrr": "mrr", "clv": "clv", "clv_subscription": "clv",
    "cac": "cac", "crc": "crc", "frt": "frt", "art": "art", "fcr": "fcr",
    "resolution_rate": "resolution_rate", "health_score": None,
}
