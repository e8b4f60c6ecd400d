"""The reference implementation against every example, edge case and common
mistake of shared/spec/metrics.md."""

from __future__ import annotations

import pytest
from csmetrics.model.calculators import calculators
from csmetrics.model.catalog import CHECKS, INPUTS, KPI_BY_ID, KPIS, Rollup, kpi_inputs
from csmetrics.model.data import WorkbookData
from csmetrics.model.expr import references
from csmetrics.model.reference import calculator, inconsistencies, rollup, round_half_away, tracker
from csmetrics.model.scales import Scales

CALCULATORS = {calc.id: calc for calc in calculators()}


def example(calc_id: str, scales: Scales | None = None) -> dict[str, float | None]:
    calcs = {calc.id: calc for calc in calculators(scales or Scales())}
    calc = calcs[calc_id]
    return calculator(calc, {item.id: item.example for item in calc.inputs})


def month_data(**values: float | None) -> WorkbookData:
    """One month (January) of inputs; ``tickets_new`` becomes the volume total."""
    tickets_new = values.pop("tickets_new", None)
    inputs = {key: [value] + [None] * 11 for key, value in values.items()}
    volume = {"Technical issue": [tickets_new] + [None] * 11}
    return WorkbookData(inputs=inputs, volume=volume, gross_margin=1.0)


def january(data: WorkbookData, kpi: str) -> float | None:
    return tracker(data).kpis[(kpi, "m0")]


# --------------------------------------------------------------------------- calculator examples


@pytest.mark.parametrize(("calc_id", "result", "expected"), [
    ("nps", "", 65),
    ("nps", "promoters_pct", 0.80),
    ("nps", "passives_pct", 0.05),
    ("nps", "detractors_pct", 0.15),
    ("csat", "", 74 / 107),
    ("csat", "mean", 400 / 107),
    ("ces", "", 0.75),
    ("ces", "mean", 3.925),
    ("churn", "", 0.064),
    ("crr", "", 0.75),
    ("renewal", "", 0.90),
    ("mrr", "", 10_000),
    ("mrr", "total", 10_500),
    ("clv", "", 3_600),
    ("clv_subscription", "", 1_600),
    ("cac", "", 0.50),
    ("crc", "", 20.00),
    ("frt", "", 20),
    ("art", "", 5),
    ("fcr", "", 0.70),
    ("resolution_rate", "", 0.90),
    ("health_score", "", 78),
    ("health_score", "weight_total", 1.0),
])
def test_calculator_examples_of_the_spec(calc_id, result, expected):
    assert example(calc_id)[result] == pytest.approx(expected)


@pytest.mark.parametrize(("calc_id", "result", "digits", "shown"), [
    ("csat", "", 3, 0.692),  # 69.2 %
    ("csat", "mean", 2, 3.74),
    ("ces", "mean", 2, 3.93),  # 3.925 rounds half away from zero, not to even
])
def test_calculator_examples_as_displayed(calc_id, result, digits, shown):
    assert round_half_away(example(calc_id)[result], digits) == pytest.approx(shown)


def test_rounding_is_half_away_from_zero_like_excel():
    assert round_half_away(2.5) == 3
    assert round_half_away(-2.5) == -3
    assert round_half_away(0.5) == 1 and round_half_away(1.5) == 2  # not to even
    assert round_half_away(0.125, 2) == 0.13


def test_calculators_follow_the_spec_table():
    ids = {calc.id: ({i.id for i in calc.inputs}, {r.id for r in calc.results}) for calc in calculators()}
    assert ids["nps"][0] == {f"score_{n}" for n in range(11)}
    assert ids["csat"][0] == {f"score_{n}" for n in range(1, 6)}
    assert ids["ces"][0] == {f"score_{n}" for n in range(1, 6)}
    assert ids["nps"][1] == {"", "promoters_pct", "passives_pct", "detractors_pct"}
    assert ids["health_score"][0] == {f"score_{n}" for n in range(1, 5)} | {
        f"weight_{n}" for n in range(1, 5)}
    assert ids["clv_subscription"][0] == {"monthly_revenue", "gross_margin", "monthly_churn"}
    assert len(ids) == 16


def test_scales_change_the_survey_calculators():
    scales = Scales(csat_points=7, csat_satisfied_from=6, ces_points=7, ces_easy_from=5)
    by_id = {calc.id: calc for calc in calculators(scales)}
    assert [i.id for i in by_id["csat"].inputs][-1] == "score_7"
    values = {f"score_{n}": 0 for n in range(1, 8)} | {"score_5": 10, "score_6": 30, "score_7": 60}
    assert calculator(by_id["csat"], values)[""] == pytest.approx(0.90)
    assert calculator(by_id["ces"], values)[""] == pytest.approx(1.0)


# --------------------------------------------------------------------------- calculator edge cases


def test_calculators_are_blank_when_empty_or_dividing_by_zero():
    for calc in calculators():
        blank = calculator(calc, {item.id: None for item in calc.inputs})
        assert all(value is None for value in blank.values()), calc.id
        zeros = calculator(calc, {item.id: 0 for item in calc.inputs})
        for result_id, value in zeros.items():
            assert value is None or value == 0, (calc.id, result_id, value)


def test_nps_blank_scores_count_as_no_answers():
    values = {f"score_{n}": None for n in range(11)} | {"score_10": 3}
    assert calculator(CALCULATORS["nps"], values)[""] == 100


def test_health_weights_are_flagged_not_rescaled():
    values = {"score_1": 80, "weight_1": 0.5, "score_2": 60, "weight_2": 0.3,
              "score_3": None, "weight_3": None, "score_4": None, "weight_4": None}
    result = calculator(CALCULATORS["health_score"], values)
    assert result["weight_total"] == pytest.approx(0.8)
    assert result[""] == pytest.approx(80 * 0.5 + 60 * 0.3)  # not divided by 0.8


def test_clv_subscription_with_zero_churn_is_blank_not_infinite():
    values = {"monthly_revenue": 100, "gross_margin": 0.8, "monthly_churn": 0}
    assert calculator(CALCULATORS["clv_subscription"], values)[""] is None


# --------------------------------------------------------------------------- tracker KPIs


def test_tracker_kpis_one_month():
    data = month_data(
        nps_promoters=80, nps_passives=5, nps_detractors=15,
        csat_satisfied=74, csat_responses=107, ces_easy=150, ces_responses=200,
        tickets_new=500, tickets_open_start=100, tickets_resolved=450, tickets_fcr=315,
        tickets_reopened=9, agent_replies=900, frt_hours=12.5, art_hours=30, agents=4.5,
        customers_start=1000, customers_end=996, customers_new=60,
        renewals_due=200, renewals_won=180, mrr=49_800, expansion_mrr=1_200,
        cs_spend=20_000, sm_spend=30_000,
    )
    data.gross_margin = 0.8
    kpis = {kpi.id: january(data, kpi.id) for kpi in KPIS}
    assert kpis["nps"] == pytest.approx(65)
    assert kpis["csat"] == pytest.approx(74 / 107)
    assert kpis["ces"] == pytest.approx(0.75)
    assert kpis["tickets_new"] == 500
    assert kpis["frt"] == 12.5
    assert kpis["art"] == 30
    assert kpis["fcr"] == pytest.approx(0.70)
    assert kpis["resolution_rate"] == pytest.approx(450 / 600)
    assert kpis["backlog_end"] == 150
    assert kpis["reopen_rate"] == pytest.approx(0.02)
    assert kpis["replies_per_ticket"] == pytest.approx(2)
    assert kpis["tickets_per_agent"] == pytest.approx(100)
    assert kpis["crr"] == pytest.approx(0.936)
    assert kpis["churn_rate"] == pytest.approx(0.064)
    assert kpis["crr"] + kpis["churn_rate"] == pytest.approx(1)
    assert kpis["renewal_rate"] == pytest.approx(0.9)
    assert kpis["mrr"] == 49_800
    assert kpis["expansion_mrr"] == 1_200
    assert kpis["arpu"] == pytest.approx(50)
    assert kpis["clv"] == pytest.approx(50 * 0.8 / 0.064)
    assert kpis["cac"] == pytest.approx(500)
    assert kpis["ltv_cac"] == pytest.approx(625 / 500)
    assert kpis["crc"] == pytest.approx(20_000 / 996)


def test_every_kpi_is_blank_in_an_empty_month():
    result = tracker(WorkbookData())
    assert all(value is None for value in result.kpis.values())
    assert all(value is None for value in result.inputs.values())


def direct_inputs(kpi_id: str) -> set[str]:
    """Inputs a KPI's monthly value reads (without rollup weights)."""
    found: set[str] = set()
    for kind, id in references(KPI_BY_ID[kpi_id].formula):
        found |= {id} if kind == "inp" else direct_inputs(id) if kind == "kpi" else set()
    return found


def test_kpi_inputs_include_rollup_weights():
    assert kpi_inputs("frt") == {"frt_hours", "tickets_new"}
    assert kpi_inputs("art") == {"art_hours", "tickets_resolved"}


@pytest.mark.parametrize("kpi_id", [kpi.id for kpi in KPIS])
def test_each_kpi_is_blank_until_its_inputs_are_filled(kpi_id):
    filled = {item.id: 10 for item in INPUTS if item.id != "tickets_new"}
    needed = direct_inputs(kpi_id) - {"tickets_open_start"}  # a blank backlog counts as 0
    assert needed, kpi_id
    for missing in needed:
        values = dict(filled, tickets_new=30)
        values[missing] = None
        data = month_data(**values)
        assert january(data, kpi_id) is None, (kpi_id, missing)


@pytest.mark.parametrize(("kpi_id", "zero_input"), [
    ("nps", None), ("csat", "csat_responses"), ("ces", "ces_responses"),
    ("fcr", "tickets_resolved"), ("reopen_rate", "tickets_resolved"),
    ("replies_per_ticket", "tickets_resolved"), ("tickets_per_agent", "agents"),
    ("crr", "customers_start"), ("churn_rate", "customers_start"),
    ("renewal_rate", "renewals_due"), ("arpu", "customers_end"), ("cac", "customers_new"),
    ("crc", "customers_end"),
])
def test_zero_denominators_give_blanks(kpi_id, zero_input):
    values = {item.id: 5 for item in INPUTS if item.id != "tickets_new"}
    if zero_input is None:
        values.update(nps_promoters=0, nps_passives=0, nps_detractors=0)
    else:
        values[zero_input] = 0
    assert january(month_data(**values), kpi_id) is None


def test_blank_opening_backlog_counts_as_zero_only_where_the_spec_says():
    data = month_data(tickets_new=200, tickets_resolved=150)
    assert january(data, "resolution_rate") == pytest.approx(0.75)
    assert january(data, "backlog_end") == 50
    assert january(month_data(tickets_new=0, tickets_resolved=0), "resolution_rate") is None


def test_clv_is_blank_when_churn_is_zero():
    data = month_data(customers_start=100, customers_end=100, customers_new=0, mrr=5000)
    assert january(data, "churn_rate") == 0
    assert january(data, "arpu") == 50
    assert january(data, "clv") is None
    assert january(data, "ltv_cac") is None


def test_new_customers_who_left_in_the_period_count_as_lost():
    # 100 at start, 10 joined, 5 of them left again, 2 old ones left: end = 103
    data = month_data(customers_start=100, customers_new=10, customers_end=103)
    assert january(data, "churn_rate") == pytest.approx(0.07)
    assert january(data, "crr") == pytest.approx(0.93)


# --------------------------------------------------------------------------- rollups


def test_rollup_kinds():
    values = [None, 4, None, 10, 2, None]
    assert rollup(Rollup.FLOW, values) == 16
    assert rollup(Rollup.STOCK_START, values) == 4
    assert rollup(Rollup.STOCK_END, values) == 2
    assert rollup(Rollup.MEAN, values) == pytest.approx(16 / 3)
    assert rollup(Rollup.WEIGHTED, [10, 20, None], [1, 3, 5]) == pytest.approx(17.5)
    assert rollup(Rollup.WEIGHTED, [10, 20], [None, None]) is None
    for kind in (Rollup.FLOW, Rollup.STOCK_START, Rollup.STOCK_END, Rollup.MEAN):
        assert rollup(kind, [None, None]) is None
    assert rollup(Rollup.FLOW, [0, None]) == 0  # an entered zero is not a blank


def test_input_rollup_kinds_follow_the_spec():
    kinds = {item.id: item.rollup for item in INPUTS}
    assert kinds["tickets_open_start"] is Rollup.STOCK_START
    assert kinds["customers_start"] is Rollup.STOCK_START
    assert kinds["customers_end"] is Rollup.STOCK_END
    assert kinds["mrr"] is Rollup.STOCK_END
    assert kinds["agents"] is Rollup.MEAN
    assert kinds["tickets_new"] is Rollup.FLOW
    weights = {item.id: item.weight for item in INPUTS if item.rollup is Rollup.WEIGHTED}
    assert weights == {"frt_hours": "tickets_new", "art_hours": "tickets_resolved"}


def quarter_data() -> WorkbookData:
    """Two filled months of Q1 (March not entered yet)."""
    def series(*values):
        return list(values) + [None] * (12 - len(values))
    return WorkbookData(
        inputs={
            "csat_satisfied": series(90, 10),
            "csat_responses": series(100, 100),
            "customers_start": series(1000, 990),
            "customers_end": series(990, 1000),
            "customers_new": series(20, 40),
            "mrr": series(49_500, 50_000),
            "frt_hours": series(2, 10),
            "tickets_resolved": series(100, 300),
            "art_hours": series(10, 30),
        },
        volume={"Email": series(300, 100)},
        gross_margin=1.0,
    )


def test_quarter_recomputes_ratios_from_summed_counts_not_averages():
    result = tracker(quarter_data())
    # months: 90 %, 10 %; the quarter is 100 / 200 = 50 % (here equal to the mean)
    assert result.kpis[("csat", "q1")] == pytest.approx(0.5)
    data = quarter_data()
    data.inputs["csat_responses"][1] = 20  # months: 90 %, 50 %
    result = tracker(data)
    assert result.kpis[("csat", "q1")] == pytest.approx(100 / 120)
    mean_of_months = (0.9 + 0.5) / 2
    assert result.kpis[("csat", "q1")] != pytest.approx(mean_of_months)  # the common mistake


def test_quarter_uses_first_and_last_filled_stocks_and_weighted_averages():
    result = tracker(quarter_data())
    assert result.inputs[("customers_start", "q1")] == 1000
    assert result.inputs[("customers_end", "q1")] == 1000
    assert result.inputs[("customers_new", "q1")] == 60
    assert result.kpis[("churn_rate", "q1")] == pytest.approx(60 / 1000)
    assert result.kpis[("frt", "q1")] == pytest.approx((2 * 300 + 10 * 100) / 400)
    assert result.kpis[("art", "q1")] == pytest.approx((10 * 100 + 30 * 300) / 400)
    assert result.kpis[("arpu", "q1")] == pytest.approx(50)
    # CLV in a rollup uses the monthly churn: quarter churn / filled months
    assert result.kpis[("clv", "q1")] == pytest.approx(50 * 1.0 / (0.06 / 2))


def test_year_column_covers_only_the_filled_months():
    result = tracker(quarter_data())
    for kpi in ("csat", "churn_rate", "frt", "arpu", "clv"):
        assert result.kpis[(kpi, "y1")] == pytest.approx(result.kpis[(kpi, "q1")])
    assert result.kpis[("csat", "q2")] is None


def test_quarter_churn_is_not_the_sum_or_mean_of_monthly_churn():
    result = tracker(quarter_data())
    monthly = [result.kpis[("churn_rate", f"m{m}")] for m in range(2)]
    assert result.kpis[("churn_rate", "q1")] != pytest.approx(sum(monthly) / 2)


# --------------------------------------------------------------------------- common mistakes


def test_mistake_nps_bands_from_blog_posts():
    # Wrong bands (detractors 1-3, promoters 8-10) would give another score.
    counts = {0: 5, 1: 5, 2: 5, 3: 5, 4: 5, 5: 5, 6: 5, 7: 10, 8: 20, 9: 20, 10: 15}
    values = {f"score_{n}": counts[n] for n in range(11)}
    right = calculator(CALCULATORS["nps"], values)[""]
    answers = sum(counts.values())
    assert right == pytest.approx(100 * (35 - 35) / answers)
    wrong = 100 * ((20 + 20 + 15) - (5 + 5 + 5)) / answers
    assert right != pytest.approx(wrong)


def test_mistake_resolution_rate_over_unresolved():
    data = month_data(tickets_new=100, tickets_open_start=0, tickets_resolved=100)
    assert january(data, "resolution_rate") == 1.0  # resolved / unresolved would divide by 0


def test_mistake_clv_is_not_ltv_minus_cac():
    data = month_data(customers_start=100, customers_end=98, customers_new=0, mrr=10_000,
                      sm_spend=5_000)
    data.inputs["customers_new"] = [2] + [None] * 11
    data.inputs["customers_end"] = [100] + [None] * 11
    assert january(data, "clv") == pytest.approx(5_000)  # ARPU 100 / churn 2 %
    assert january(data, "cac") == pytest.approx(2_500)  # 5,000 spend / 2 new customers
    assert january(data, "ltv_cac") == pytest.approx(2.0)  # the ratio, not 5,000 - 2,500


def test_mistake_fcr_over_tickets_received():
    data = month_data(tickets_new=1000, tickets_resolved=400, tickets_fcr=280)
    assert january(data, "fcr") == pytest.approx(0.70)  # not 280 / 1000


def test_mistake_lenient_ten_point_csat():
    scales = Scales(csat_points=10, csat_satisfied_from=9)
    csat = {calc.id: calc for calc in calculators(scales)}["csat"]
    values = {f"score_{n}": 10 for n in range(1, 11)}
    assert calculator(csat, values)[""] == pytest.approx(0.2)  # 9-10 only, not 6-10


# --------------------------------------------------------------------------- consistency checks


def test_inconsistent_inputs_are_reported_never_fixed():
    data = month_data(csat_satisfied=120, csat_responses=100, tickets_fcr=5, tickets_resolved=4,
                      renewals_won=3, renewals_due=2, customers_new=50, customers_end=40,
                      ces_easy=2, ces_responses=1, tickets_reopened=9, frt_sla_met=6,
                      frt_sla_measured=5, res_sla_met=8, res_sla_measured=7, tickets_aged=12,
                      tickets_open_end=10, mrr_churned=900, mrr_start=800)
    problems = inconsistencies(data)
    assert len(problems) == len(CHECKS)
    assert {p.split(": ", 1)[1].split(" (")[0] for p in problems} == {c.small for c in CHECKS}
    assert any("csat_satisfied (120) > csat_responses (100)" in p for p in problems)
    assert january(data, "csat") == pytest.approx(1.2)  # shown as entered, flagged


def test_catalog_directions_and_ids_match_the_spec():
    version_1 = ["nps", "csat", "ces", "tickets_new", "frt", "art", "fcr", "resolution_rate",
                 "backlog_end", "reopen_rate", "replies_per_ticket", "tickets_per_agent", "crr",
                 "churn_rate", "renewal_rate", "mrr", "expansion_mrr", "arpu", "clv", "cac",
                 "ltv_cac", "crc"]
    version_2 = ["frt_sla", "res_sla", "frt_median", "frt_p90", "art_median", "art_p90",
                 "aged_backlog", "cost_per_ticket", "contact_rate", "revenue_churn", "grr", "nrr"]
    assert sorted(kpi.id for kpi in KPIS) == sorted(version_1 + version_2)
    lower = {kpi.id for kpi in KPIS if kpi.better.value == "lower"}
    assert lower == {"frt", "art", "backlog_end", "reopen_rate", "replies_per_ticket",
                     "churn_rate", "cac", "crc", "frt_median", "frt_p90", "art_median", "art_p90",
                     "aged_backlog", "cost_per_ticket", "contact_rate", "revenue_churn"}
    assert KPI_BY_ID["tickets_new"].better.value == "none"
