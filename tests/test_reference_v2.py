"""The reference implementation against the Version 2 section of
shared/spec/metrics.md: the new KPIs, the observed rollup, channel performance,
the new checks and highlights, presets, and the common mistakes it names."""

from __future__ import annotations

import pytest
from csmetrics.config.settings import Config
from csmetrics.model.catalog import INPUT_BY_ID, KPI_BY_ID, OBSERVED_INPUTS, Rollup
from csmetrics.model.data import WorkbookData
from csmetrics.model.periods import Periods
from csmetrics.model.reference import (
    TOTAL,
    backlog_breaks,
    inconsistencies,
    rollup,
    tracker,
    volume,
)
from csmetrics.model.selection import Selection, preset_kpis


def months(**values: list[float | None]) -> WorkbookData:
    """A year whose first months hold ``values`` (tickets_new as the volume total)."""
    received = values.pop("tickets_new", None)
    inputs = {key: series + [None] * (12 - len(series)) for key, series in values.items()}
    volume_ = {"All": received + [None] * (12 - len(received))} if received else {}
    return WorkbookData(inputs=inputs, volume=volume_, gross_margin=1.0)


def kpi(data: WorkbookData, kpi_id: str, column: str = "m0") -> float | None:
    return tracker(data).kpis[(kpi_id, column)]


# --------------------------------------------------------------------------- new KPIs


def test_sla_attainment_is_met_over_measured_and_rolls_up_from_counts() -> None:
    data = months(frt_sla_measured=[100, 300], frt_sla_met=[90, 150],
                  res_sla_measured=[80, 0], res_sla_met=[60, 0])
    assert kpi(data, "frt_sla") == pytest.approx(0.90)
    assert kpi(data, "frt_sla", "m1") == pytest.approx(0.50)
    # the quarter from the summed counts (240 / 400), not the mean of 90 % and 50 %
    assert kpi(data, "frt_sla", "q1") == pytest.approx(0.60)
    assert kpi(data, "frt_sla", "q1") != pytest.approx((0.90 + 0.50) / 2)
    assert kpi(data, "res_sla", "m1") is None  # nothing measured: blank, never 0 % or 100 %
    assert kpi(data, "res_sla", "q1") == pytest.approx(0.75)


def test_mistake_sla_attainment_over_replied_tickets_only() -> None:
    """90 replied (81 within target) and 10 still waiting past it: 81 %, not 90 %."""
    replied, waiting, within = 90, 10, 81
    data = months(frt_sla_measured=[replied + waiting], frt_sla_met=[within])
    assert kpi(data, "frt_sla") == pytest.approx(0.81)
    assert kpi(data, "frt_sla") != pytest.approx(within / replied)


def test_medians_and_percentiles_show_what_was_entered() -> None:
    data = months(frt_median_hours=[1.5, 2.5, 9.0], frt_p90_hours=[8, 12, 30],
                  art_median_hours=[20, 30, 40], art_p90_hours=[70, 80, 200])
    data.observed = {"frt_median_hours": {"q1": 2.2, "y1": 2.4}, "art_p90_hours": {"q1": 95}}
    assert kpi(data, "frt_median", "m2") == 9.0
    assert kpi(data, "frt_median", "q1") == 2.2 and kpi(data, "frt_median", "y1") == 2.4
    assert kpi(data, "art_p90", "q1") == 95
    assert kpi(data, "frt_p90", "q1") is None  # not entered: blank, never computed from months


def test_mistake_a_quarter_median_as_the_average_of_monthly_medians() -> None:
    """Tickets of 1, 1, 1 hours in January, 10 hours in February and 100 in March:
    the quarter's median is 1 h; the mean of the monthly medians would be 37 h."""
    monthly = [1.0, 10.0, 100.0]
    quarter_tickets = sorted([1.0, 1.0, 1.0, 10.0, 100.0])
    data = months(frt_median_hours=monthly)
    data.observed = {"frt_median_hours": {"q1": quarter_tickets[len(quarter_tickets) // 2]}}
    assert kpi(data, "frt_median", "q1") == 1.0
    assert kpi(data, "frt_median", "q1") != pytest.approx(sum(monthly) / 3)
    with pytest.raises(ValueError, match="do not combine"):
        rollup(Rollup.OBSERVED, monthly)


def test_observed_inputs_are_the_medians_and_percentiles() -> None:
    assert {item.id for item in OBSERVED_INPUTS} == {
        "frt_median_hours", "frt_p90_hours", "art_median_hours", "art_p90_hours"}


def test_aged_backlog_cost_per_ticket_and_contact_rate() -> None:
    data = months(tickets_open_end=[200], tickets_aged=[30], cs_spend=[50_000],
                  tickets_resolved=[2_000], tickets_new=[3_000], customers_end=[1_500])
    assert kpi(data, "aged_backlog") == pytest.approx(0.15)
    assert kpi(data, "cost_per_ticket") == pytest.approx(25.0)
    assert kpi(data, "contact_rate") == pytest.approx(2.0)
    assert kpi(months(tickets_open_end=[0], tickets_aged=[0]), "aged_backlog") is None


def test_revenue_churn_grr_and_nrr() -> None:
    data = months(mrr_start=[100_000, 102_000], mrr_churned=[3_000, 2_000],
                  expansion_mrr=[5_000, 1_000])
    assert kpi(data, "revenue_churn") == pytest.approx(0.03)
    assert kpi(data, "grr") == pytest.approx(0.97)
    assert kpi(data, "nrr") == pytest.approx(1.02)
    assert kpi(data, "grr") + kpi(data, "revenue_churn") == pytest.approx(1.0)
    # a quarter: the first month's starting MRR, the summed losses and expansion
    assert kpi(data, "revenue_churn", "q1") == pytest.approx(0.05)
    assert kpi(data, "nrr", "q1") == pytest.approx(1.01)
    assert kpi(months(mrr_start=[0], mrr_churned=[0]), "grr") is None


def test_period_dependent_kpis_are_not_coloured_in_rollups() -> None:
    for kpi_id in ("contact_rate", "revenue_churn", "grr", "nrr"):
        assert KPI_BY_ID[kpi_id].grows_with_period, kpi_id
    for kpi_id in ("frt_sla", "res_sla", "aged_backlog", "cost_per_ticket", "frt_median"):
        assert not KPI_BY_ID[kpi_id].grows_with_period, kpi_id


def test_the_new_inputs_roll_up_by_their_kind() -> None:
    kinds = {id: INPUT_BY_ID[id].rollup for id in (
        "frt_sla_measured", "frt_sla_met", "res_sla_measured", "res_sla_met", "tickets_open_end",
        "tickets_aged", "mrr_start", "mrr_churned", "frt_median_hours")}
    assert kinds == {"frt_sla_measured": Rollup.FLOW, "frt_sla_met": Rollup.FLOW,
                     "res_sla_measured": Rollup.FLOW, "res_sla_met": Rollup.FLOW,
                     "tickets_open_end": Rollup.STOCK_END, "tickets_aged": Rollup.STOCK_END,
                     "mrr_start": Rollup.STOCK_START, "mrr_churned": Rollup.FLOW,
                     "frt_median_hours": Rollup.OBSERVED}
    data = months(tickets_open_end=[10, 20, None], mrr_start=[None, 500, 600])
    result = tracker(data)
    assert result.inputs[("tickets_open_end", "q1")] == 20  # the last filled month
    assert result.inputs[("mrr_start", "q1")] == 500  # the first filled month


# --------------------------------------------------------------------------- checks and highlights


def test_backlog_that_does_not_carry_over_is_reported() -> None:
    data = months(tickets_open_start=[50, 60, 70], tickets_new=[100, 100, 100],
                  tickets_resolved=[90, 100, 100], tickets_open_end=[60, None, 75])
    breaks = backlog_breaks(tracker(data), Periods())
    assert breaks[0] == []  # January: nothing before it; 50 + 100 - 90 = 60 = its count
    assert breaks[1] == []  # 60 opens February, as January closed
    # March opens at 70 but February closed at 60 (blank count: its computed backlog)
    assert breaks[2][0].startswith("tickets_open_start 70 differs from the previous month's "
                                   "closing backlog 60")
    assert "tickets_open_end 75 differs from backlog_end 70" in breaks[2][1]


def test_impossible_resolution_rate_and_negative_backlog_are_reported() -> None:
    data = months(tickets_open_start=[10], tickets_new=[100], tickets_resolved=[122])
    assert kpi(data, "resolution_rate") == pytest.approx(122 / 110)  # shown as computed
    assert kpi(data, "backlog_end") == -12
    problems = inconsistencies(data)
    assert any("resolution_rate" in p and "impossible" in p for p in problems)
    assert any("backlog_end -12 is impossible" in p for p in problems)


# --------------------------------------------------------------------------- channels


def test_channel_first_response_is_weighted_by_the_channels_tickets() -> None:
    data = WorkbookData(
        channels={"Email": [100, 300] + [None] * 10, "Chat": [400, None] + [None] * 10},
        channel_measures={"chan_frt_hours": {"Email": [10.0, 2.0] + [None] * 10,
                                             "Chat": [0.1, 5.0] + [None] * 10},
                          "chan_csat_responses": {"Email": [50, 50] + [None] * 10,
                                                  "Chat": [100, None] + [None] * 10},
                          "chan_csat_satisfied": {"Email": [40, 30] + [None] * 10,
                                                  "Chat": [95, None] + [None] * 10}})
    result = volume(data).performance
    assert result[("chan_frt_hours", "Email", "m0")] == 10.0
    # Email's quarter: (10 x 100 + 2 x 300) / 400, not the mean of 10 and 2
    assert result[("chan_frt_hours", "Email", "q1")] == pytest.approx(4.0)
    # all channels in January: (10 x 100 + 0.1 x 400) / 500
    assert result[("chan_frt_hours", TOTAL, "m0")] == pytest.approx(2.08)
    # Chat in February has a first response but no tickets: no weight, left out
    assert result[("chan_frt_hours", "Chat", "q1")] == pytest.approx(0.1)
    assert result[("chan_csat", "Email", "q1")] == pytest.approx(0.70)
    assert result[("chan_csat", TOTAL, "m0")] == pytest.approx(135 / 150)
    assert result[("chan_csat", "Chat", "m1")] is None


# --------------------------------------------------------------------------- presets


def test_support_preset_leaves_out_customers_and_revenue() -> None:
    support = Selection.of(preset_kpis("support"))
    assert not {i for i in support.inputs if INPUT_BY_ID[i].group == "customers"}
    assert {"frt_sla", "res_sla", "frt_median", "aged_backlog", "fcr"} <= set(support.kpis)
    assert not {"cost_per_ticket", "contact_rate", "nrr", "churn_rate"} & set(support.kpis)
    success = Selection.of(preset_kpis("success"))
    assert not {i for i in success.inputs if INPUT_BY_ID[i].group in ("tickets", "times")}
    assert {"nrr", "grr", "revenue_churn", "churn_rate", "csat"} <= set(success.kpis)
    assert preset_kpis("full") is None


def test_explicit_metrics_win_over_the_preset() -> None:
    support = Config(preset="support").selection
    assert support.ids == preset_kpis("support") and support.agents  # the Agents sheet too
    chosen = Config(preset="support", metrics=("nps", "mrr")).selection
    assert chosen.kpis == ("nps", "mrr") and not chosen.agents
    assert not Config(preset="success").selection.agents and Config().selection.agents
