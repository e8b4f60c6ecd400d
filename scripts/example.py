"""A filled example workbook: ten months (or a whole year) of a fictional SaaS
support team, every input of the layout filled as a real team would (the README images, the report's
screenshot and the report benchmark use it).

    from example import example_config, example_data   # with scripts/ on sys.path
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import replace

from csmetrics.config.resolve import resolve_config
from csmetrics.config.settings import Config
from csmetrics.model.data import WorkbookData

COMPANY = "Brightdesk Software"  # fictional

# Tickets received per month: a busy January (renewals, new budgets), a summer
# lull, the autumn back-to-work rise. The README shows January to October (the
# year so far: Q4 partly filled, November and December gaps).
RECEIVED = (2480, 2210, 2390, 2260, 2190, 2050, 1870, 1820, 2320, 2560, 2440, 2130)
CATEGORY_SHARES = {"Sales question": 0.17, "Technical issue": 0.40, "Cancellation": 0.07,
                   "Return": 0.05, "Shipping": 0.04, "Product availability": 0.27}
CHANNEL_SHARES = {"Email": 0.44, "Phone": 0.09, "Chat": 0.28, "Social media": 0.04,
                  "Web form": 0.15}
# hours to a first reply and share of satisfied answers, per channel
CHANNEL_SERVICE = {"Email": (7.5, 0.84), "Phone": (0.1, 0.9), "Chat": (0.08, 0.88),
                   "Social media": (4.5, 0.78), "Web form": (6.8, 0.83)}
# fictional agents: share of the tickets solved, one-touch rate, CSAT, hours to a
# first reply; Tomás joins in March
AGENTS = {
    "Ana Lima": (0.125, 0.76, 0.90, 3.4), "Ben Okafor": (0.118, 0.72, 0.87, 4.1),
    "Chloé Martin": (0.112, 0.74, 0.91, 3.8), "Dev Patel": (0.105, 0.69, 0.84, 4.6),
    "Eva Novak": (0.101, 0.71, 0.88, 4.0), "Farah Haddad": (0.098, 0.73, 0.89, 3.6),
    "Jonas Berg": (0.092, 0.66, 0.82, 5.2), "Mia Schultz": (0.088, 0.70, 0.86, 4.4),
    "Sam Carter": (0.072, 0.64, 0.80, 5.9), "Tomás Ruiz": (0.060, 0.62, 0.85, 5.0),
}
NOTES = {0: "Renewal season: two temporary agents on email until mid-February.",
         6: "Summer hours: chat staffed 9:00–17:00 only.",
         8: "New help centre launched on 8 September; contact rate to watch.",
         9: "Outage on 14 October: 380 tickets in two days, most solved the same week."}


def split(total: int, shares: Sequence[float], rng: random.Random, wobble: float = 0.08) -> list[int]:
    """Whole numbers near ``total * share`` (each share wobbling a little) that add
    up exactly to ``total``: largest remainders get the leftover units."""
    weights = [share * (1 + rng.uniform(-wobble, wobble)) for share in shares]
    exact = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def example_data(seed: int = 2026, months: int = 10) -> WorkbookData:
    """The first ``months`` months of a 10-agent SaaS support team of about 1,900
    customers.

    Internally consistent, as the workbook's checks expect: satisfied <= answers,
    first-contact and reopened <= resolved, SLA met <= measured, aged <= open,
    renewals won <= due, each month's customers and MRR at end = next month's at
    start, the backlog carried from month to month, the category and channel
    counts adding up to the same monthly total, and the agents' figures within
    the team's (a few tickets unassigned). Medians and 90th percentiles are
    entered for the finished quarters; targets stay at the defaults; the gross
    margin is a SaaS-typical 80 %.
    """
    rng = random.Random(seed)
    config = resolve_config(Config())
    received_months = RECEIVED[:months]
    inputs: dict[str, list[float | None]] = {}

    def put(name: str, values: Sequence[float]) -> None:
        inputs[name] = [*values, *[None] * (12 - len(values))]

    def pad(values: Sequence[float | None]) -> list[float | None]:
        return [*values, *[None] * (12 - len(values))]

    volume = [split(total, list(CATEGORY_SHARES.values()), rng) for total in received_months]
    channel_shares = list(CHANNEL_SHARES.values())
    channels = []
    for month, total in enumerate(received_months):
        shares = list(channel_shares)
        shares[2] += 0.01 * month  # chat grows through the year, email gives way
        shares[0] -= 0.01 * month
        channels.append(split(total, shares, rng, wobble=0.05))

    agents = [9.5, 9.5, *[10] * (months - 2)]
    open_start, open_end, aged, resolved, fcr, reopened, replies = [], [], [], [], [], [], []
    backlog = 310
    for received in received_months:
        open_start.append(backlog)
        solved = min(backlog + received, round(received * rng.uniform(0.97, 1.03)))
        resolved.append(solved)
        fcr.append(round(solved * rng.uniform(0.67, 0.75)))
        reopened.append(round(solved * rng.uniform(0.035, 0.058)))
        replies.append(round(solved * rng.uniform(2.2, 2.7)))
        backlog = backlog + received - solved
        open_end.append(backlog)
        aged.append(round(backlog * rng.uniform(0.07, 0.16)))

    frt = [round(rng.uniform(3.1, 5.4), 1) for _ in range(months)]
    art = [round(rng.uniform(18.5, 29.5), 1) for _ in range(months)]
    frt_median = [round(hours * rng.uniform(0.35, 0.5), 1) for hours in frt]
    frt_p90 = [round(hours * rng.uniform(2.2, 2.8), 1) for hours in frt]
    art_median = [round(hours * rng.uniform(0.4, 0.55), 1) for hours in art]
    art_p90 = [round(hours * rng.uniform(2.3, 2.9), 1) for hours in art]
    frt_measured = [round(received * rng.uniform(0.96, 0.99)) for received in received_months]
    frt_met = [round(due * rng.uniform(0.84, 0.95)) for due in frt_measured]
    res_measured = list(resolved)
    res_met = [round(due * rng.uniform(0.78, 0.9)) for due in res_measured]

    csat_answers = [round(s * rng.uniform(0.16, 0.2)) for s in resolved]
    csat_satisfied = [round(a * rng.uniform(0.82, 0.9)) for a in csat_answers]
    ces_answers = [round(s * rng.uniform(0.07, 0.09)) for s in resolved]
    ces_easy = [round(a * rng.uniform(0.74, 0.84)) for a in ces_answers]
    promoters, passives, detractors = [], [], []
    for _ in range(months):
        answers = rng.randint(300, 380)
        promoter_share, detractor_share = rng.uniform(0.46, 0.53), rng.uniform(0.14, 0.2)
        promoters.append(round(answers * promoter_share))
        detractors.append(round(answers * detractor_share))
        passives.append(answers - promoters[-1] - detractors[-1])

    customers_start, customers_end, customers_new = [], [], []
    renewals_due, renewals_won, mrr_start, mrr, mrr_churned, expansion = [], [], [], [], [], []
    customers, arpu = 1840, 418.0
    revenue = round(customers * arpu)
    for _ in range(months):
        new = rng.randint(68, 96)
        lost = round(customers * rng.uniform(0.014, 0.024))
        customers_start.append(customers)
        customers_new.append(new)
        mrr_start.append(revenue)
        mrr_churned.append(round(lost * arpu * rng.uniform(0.9, 1.1)))
        customers = customers + new - lost
        customers_end.append(customers)
        due = round(customers * rng.uniform(0.075, 0.095))
        renewals_due.append(due)
        renewals_won.append(round(due * rng.uniform(0.86, 0.95)))
        arpu *= 1 + rng.uniform(0.002, 0.007)
        revenue = round(customers * arpu)
        mrr.append(revenue)
        expansion.append(round(rng.uniform(8_500, 14_500)))
    cs_spend = [round(a * 6_900 + rng.uniform(14_000, 19_000)) for a in agents]
    sm_spend = [round(rng.uniform(205_000, 262_000)) for _ in range(months)]

    for name, values in {
        "nps_promoters": promoters, "nps_passives": passives, "nps_detractors": detractors,
        "csat_satisfied": csat_satisfied, "csat_responses": csat_answers,
        "ces_easy": ces_easy, "ces_responses": ces_answers,
        "tickets_open_start": open_start, "tickets_resolved": resolved,
        "tickets_open_end": open_end, "tickets_aged": aged, "tickets_fcr": fcr,
        "tickets_reopened": reopened, "agent_replies": replies, "agents": agents,
        "frt_hours": frt, "frt_median_hours": frt_median, "frt_p90_hours": frt_p90,
        "frt_sla_measured": frt_measured, "frt_sla_met": frt_met,
        "art_hours": art, "art_median_hours": art_median, "art_p90_hours": art_p90,
        "res_sla_measured": res_measured, "res_sla_met": res_met,
        "customers_start": customers_start, "customers_end": customers_end,
        "customers_new": customers_new, "renewals_due": renewals_due,
        "renewals_won": renewals_won, "mrr_start": mrr_start, "mrr": mrr,
        "mrr_churned": mrr_churned, "expansion_mrr": expansion,
        "cs_spend": cs_spend, "sm_spend": sm_spend,
    }.items():
        put(name, values)

    # medians and percentiles of the finished quarters: observed over their
    # tickets, near the months' own (never their average, which is not one)
    observed: dict[str, dict[str, float | None]] = {}
    for name in ("frt_median_hours", "frt_p90_hours", "art_median_hours", "art_p90_hours"):
        series = inputs[name]
        observed[name] = {
            f"q{q + 1}": round(statistics.median(v for v in series[3 * q:3 * q + 3] if v is not None)
                               * rng.uniform(0.95, 1.05), 1) for q in range(months // 3)}
        if months == 12:
            observed[name]["y1"] = round(statistics.median(v for v in series if v is not None), 1)

    def by_name(names: Sequence[str], rows: list[list[int]]) -> dict[str, list[float | None]]:
        return {name: pad([row[i] for row in rows]) for i, name in enumerate(names)}

    channel_measures: dict[str, dict[str, list[float | None]]] = {
        "chan_frt_hours": {}, "chan_csat_responses": {}, "chan_csat_satisfied": {}}
    answers_by_channel = [split(total, [row[i] for i in range(len(CHANNEL_SHARES))], rng, 0.1)
                          for total, row in zip(csat_answers, channels, strict=True)]
    for i, (channel, (hours, satisfied)) in enumerate(CHANNEL_SERVICE.items()):
        answers = [row[i] for row in answers_by_channel]
        channel_measures["chan_frt_hours"][channel] = pad(
            [round(hours * rng.uniform(0.8, 1.2), 2) for _ in range(months)])
        channel_measures["chan_csat_responses"][channel] = pad(answers)
        channel_measures["chan_csat_satisfied"][channel] = pad(
            [min(a, round(a * satisfied * rng.uniform(0.97, 1.03))) for a in answers])

    agent_data: dict[str, dict[str, list[float | None]]] = {}
    for name, (share, one_touch, csat, hours) in AGENTS.items():
        measures: dict[str, list[float | None]] = {key: [] for key in (
            "agent_solved", "agent_fcr", "agent_reopened", "agent_replies", "agent_frt_hours",
            "agent_frt_count", "agent_csat_responses", "agent_csat_satisfied")}
        for month in range(months):
            joined = name != "Tomás Ruiz" or month >= 2
            solved = round(resolved[month] * share * rng.uniform(0.9, 1.0)) if joined else None
            answers = None if solved is None else round(solved * csat_answers[month]
                                                        / resolved[month] * rng.uniform(0.9, 1.0))
            values = {
                "agent_solved": solved,
                "agent_fcr": None if solved is None else round(solved * one_touch * rng.uniform(0.96, 1.0)),
                "agent_reopened": None if solved is None else round(solved * rng.uniform(0.02, 0.05)),
                "agent_replies": None if solved is None else round(solved * rng.uniform(2.1, 2.6)),
                "agent_frt_hours": None if solved is None else round(hours * rng.uniform(0.85, 1.15), 1),
                "agent_frt_count": None if solved is None else round(solved * rng.uniform(0.9, 0.98)),
                "agent_csat_responses": answers,
                "agent_csat_satisfied": None if answers is None else min(answers, round(
                    answers * csat * rng.uniform(0.97, 1.03))),
            }
            for key, value in values.items():
                measures[key].append(value)
        agent_data[name] = {key: pad(values) for key, values in measures.items()}

    assert tuple(CATEGORY_SHARES) == config.categories, config.categories
    assert tuple(CHANNEL_SHARES) == config.channels, config.channels
    return WorkbookData(inputs=inputs, volume=by_name(config.categories, volume),
                        channels=by_name(config.channels, channels), gross_margin=0.8,
                        observed=observed, channel_measures=channel_measures,
                        period_notes=[NOTES.get(month) for month in range(12)],
                        agents=agent_data)


def example_config() -> Config:
    """The default configuration (targets, categories, channels, year) for a
    fictional company, its title and company spelt out."""
    return replace(resolve_config(Config()), company=COMPANY)


def inconsistencies(data: WorkbookData) -> list[str]:
    """What the example would get wrong; the workbook would highlight the same."""
    problems = []
    inputs = data.inputs
    pairs = (("csat_satisfied", "csat_responses"), ("ces_easy", "ces_responses"),
             ("tickets_fcr", "tickets_resolved"), ("tickets_reopened", "tickets_resolved"),
             ("tickets_aged", "tickets_open_end"), ("frt_sla_met", "frt_sla_measured"),
             ("res_sla_met", "res_sla_measured"), ("frt_median_hours", "frt_p90_hours"),
             ("art_median_hours", "art_p90_hours"), ("mrr_churned", "mrr_start"),
             ("renewals_won", "renewals_due"), ("customers_new", "customers_end"))
    for month in range(12):
        def value(name: str, month: int = month) -> float | None:
            return inputs[name][month]

        if value("customers_start") is None:
            continue
        for small, large in pairs:
            if value(small) > value(large):
                problems.append(f"month {month + 1}: {small} > {large}")
        lost = value("customers_start") + value("customers_new") - value("customers_end")
        if lost < 0:
            problems.append(f"month {month + 1}: customers lost < 0")
        for start, end in (("customers_start", "customers_end"), ("mrr_start", "mrr"),
                           ("tickets_open_start", "tickets_open_end")):
            if month and value(start) != inputs[end][month - 1]:
                problems.append(f"month {month + 1}: {start} != last month's {end}")
        categories = sum(counts[month] for counts in data.volume.values())
        channels = sum(counts[month] for counts in data.channels.values())
        if categories != channels:
            problems.append(f"month {month + 1}: categories {categories} != channels {channels}")
        backlog_end = value("tickets_open_start") + categories - value("tickets_resolved")
        if backlog_end != value("tickets_open_end") or backlog_end < 0:
            problems.append(f"month {month + 1}: backlog {backlog_end} != open at end")
        for agent, team in (("agent_solved", "tickets_resolved"), ("agent_fcr", "tickets_fcr"),
                            ("agent_reopened", "tickets_reopened"),
                            ("agent_replies", "agent_replies"),
                            ("agent_csat_responses", "csat_responses"),
                            ("agent_csat_satisfied", "csat_satisfied")):
            total = sum(measures[agent][month] or 0 for measures in data.agents.values())
            if total > value(team):
                problems.append(f"month {month + 1}: agents' {agent} {total} > {team}")
    return problems
