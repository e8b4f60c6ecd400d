"""Time the import engine as whole processes against a DuckDB floor and a pandas script.

Usage: python benchmarks/bench_import.py [--tickets 1000000] [--runs 3] [--stress]
                                          [--command "csmetrics import {export} --dry-run"]

Writes a deterministic Zendesk-format export (cached in the scratch folder, named by
its size and seed), then runs each command once to warm up and N times:

- floor: a minimal DuckDB script computing the same monthly aggregates (received and
  solved counts, means, exact medians and 90th percentiles, SLA, one-touch, CSAT,
  channels, categories, agents) with none of the import's checks;
- pandas: a plain pandas script computing the same (pandas is only for this benchmark:
  ``pip install pandas``; it is skipped when missing);
- import: ``run_import`` through a small ``python -c`` driver, or ``--command`` (a
  template with ``{export}``, e.g. the CLI once it exists).

Also times a 10,000-ticket export (target: under 1 s as a whole process) and, with
``--stress``, measures the peak memory of the import on 5,000,000 tickets (target:
under 1.5 GB). Peak memory is the ``ru_maxrss`` of one extra run made from a fresh
helper process. Targets: import at most 1.5x the floor and at least 2x faster than
pandas (medians). This folder is not collected by pytest.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR_RATIO = 1.5
PANDAS_SPEEDUP = 2.0
SMALL_TARGET = 1.0  # seconds for a 10,000-ticket export
STRESS_TARGET_MB = 1536
HEADER = ["Id", "Requester", "Group", "Assignee", "Subject", "Status", "Via", "Ticket type", "Created at",
          "Updated at", "Solved at", "Replies", "Reopens", "Satisfaction Score",
          "First reply time in minutes", "First reply time in minutes within business hours",
          "Full resolution time in minutes", "Full resolution time in minutes within business hours"]
CHANNELS = ("Web form", "Email", "Chat", "Phone", "API", "Mobile")
TYPES = ("question", "incident", "problem", "task")
SCORES = ("Good", "Bad", "Offered", "Unoffered", "Unoffered", "Good")

DRIVER = """
import sys, datetime as dt
from csmetrics.importers import ImportOptions, fiscal_spans, run_import
result = run_import([sys.argv[1]], ImportOptions(), fiscal_spans(dt.date(2023, 1, 1), 2))
print(result.summary.tickets, len(result.months))
"""

FLOOR = """
import sys, duckdb
c = duckdb.connect()
c.execute("SET TimeZone = 'UTC'")
c.execute(f'''
CREATE TABLE t AS SELECT "Id" AS id, CAST("Created at" AS TIMESTAMPTZ) AS created,
    CAST(nullif("Solved at", '1900-01-01 00:00:00') AS TIMESTAMPTZ) AS solved,
    "Via" AS channel, "Ticket type" AS category, "Assignee" AS agent,
    CAST("Replies" AS INTEGER) AS replies, CAST("Reopens" AS INTEGER) AS reopens,
    lower("Satisfaction Score") AS csat,
    CAST("First reply time in minutes" AS DOUBLE) / 60 AS frt,
    CAST("Full resolution time in minutes" AS DOUBLE) / 60 AS res
FROM read_csv('{sys.argv[1]}', all_varchar = true)''')
monthly = c.execute('''
WITH received AS (
    SELECT date_trunc('month', created) AS month, count(*) AS new, avg(frt) AS frt,
        quantile_cont(frt, 0.5) AS frt_median, quantile_cont(frt, 0.9) AS frt_p90,
        count(*) FILTER (WHERE frt IS NOT NULL) AS frt_measured, count(*) FILTER (WHERE frt <= 4) AS frt_met
    FROM t GROUP BY 1),
solved AS (
    SELECT date_trunc('month', solved) AS month, count(*) AS resolved,
        count(*) FILTER (WHERE replies = 1 AND reopens = 0) AS fcr,
        count(*) FILTER (WHERE reopens > 0) AS reopened, sum(replies) AS replies,
        avg(res) AS art, quantile_cont(res, 0.5) AS art_median, quantile_cont(res, 0.9) AS art_p90,
        count(*) FILTER (WHERE res <= 24) AS res_met,
        count(*) FILTER (WHERE csat IN ('good', 'bad')) AS csat_responses,
        count(*) FILTER (WHERE csat = 'good') AS csat_satisfied
    FROM t WHERE solved IS NOT NULL GROUP BY 1)
SELECT * FROM received FULL JOIN solved USING (month) ORDER BY month''').fetchall()
channels = c.execute(
    "SELECT channel, date_trunc('month', created), count(*), avg(frt) FROM t GROUP BY ALL").fetchall()
categories = c.execute(
    "SELECT category, date_trunc('month', created), count(*) FROM t GROUP BY ALL").fetchall()
agents = c.execute(
    "SELECT agent, date_trunc('month', solved), count(*), sum(replies) FROM t GROUP BY ALL").fetchall()
print(len(monthly), len(channels), len(categories), len(agents))
"""

PANDAS = """
import sys
import pandas as pd
t = pd.read_csv(sys.argv[1], usecols=["Id", "Created at", "Solved at", "Via", "Ticket type", "Assignee",
                                      "Replies", "Reopens", "Satisfaction Score",
                                      "First reply time in minutes", "Full resolution time in minutes"],
                dtype={"Id": str, "Via": str, "Ticket type": str, "Assignee": str, "Satisfaction Score": str})
t["created"] = pd.to_datetime(t["Created at"], format="%Y-%m-%d %H:%M:%S", utc=True)
t["solved"] = pd.to_datetime(t["Solved at"].where(t["Solved at"] != "1900-01-01 00:00:00"),
                             format="%Y-%m-%d %H:%M:%S", utc=True)
t["frt"] = t["First reply time in minutes"] / 60
t["res"] = t["Full resolution time in minutes"] / 60
t["csat"] = t["Satisfaction Score"].str.lower()
t["created_month"] = t["created"].dt.tz_localize(None).dt.to_period("M")
t["solved_month"] = t["solved"].dt.tz_localize(None).dt.to_period("M")
received = t.groupby("created_month").agg(
    new=("Id", "size"), frt=("frt", "mean"), frt_median=("frt", "median"),
    frt_p90=("frt", lambda s: s.quantile(0.9)), frt_measured=("frt", "count"),
    frt_met=("frt", lambda s: (s <= 4).sum()))
s = t[t["solved"].notna()].copy()
s["fcr"] = (s["Replies"] == 1) & (s["Reopens"] == 0)
s["reopened"] = s["Reopens"] > 0
s["res_met"] = s["res"] <= 24
s["rated"] = s["csat"].isin(["good", "bad"])
s["satisfied"] = s["csat"] == "good"
solved = s.groupby("solved_month").agg(
    resolved=("Id", "size"), fcr=("fcr", "sum"), reopened=("reopened", "sum"), replies=("Replies", "sum"),
    art=("res", "mean"), art_median=("res", "median"), art_p90=("res", lambda x: x.quantile(0.9)),
    res_met=("res_met", "sum"), csat_responses=("rated", "sum"), csat_satisfied=("satisfied", "sum"))
monthly = received.join(solved, how="outer")
channels = t.groupby(["Via", "created_month"]).agg(n=("Id", "size"), frt=("frt", "mean"))
categories = t.groupby(["Ticket type", "created_month"]).size()
agents = s.groupby(["Assignee", "solved_month"]).agg(n=("Id", "size"), replies=("Replies", "sum"))
print(len(monthly), len(channels), len(categories), len(agents))
"""

PEAK_HELPER = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def make_export(path: Path, tickets: int, seed: int = 7) -> Path:
    """A Zendesk ticket export of ``tickets`` tickets over two years, the same for a
    given size and seed: 1900-01-01 for unsolved tickets, a few reopened, rated and
    unreplied ones."""
    if path.exists():
        return path
    rng = random.Random(seed)
    start = dt.datetime(2023, 1, 1)
    span = 2 * 365 * 86400
    partial = path.with_suffix(".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for number in range(1, tickets + 1):
            created = start + dt.timedelta(seconds=rng.randrange(span))
            replied = rng.random() < 0.93
            frt = rng.randrange(1, 3000) if replied else None
            solved = None
            if rng.random() < 0.9:
                solved = created + dt.timedelta(minutes=(frt or 0) + rng.randrange(0, 30000))
            updated = solved or created + dt.timedelta(minutes=rng.randrange(1, 5000))
            resolution = None if solved is None else round((solved - created).total_seconds() / 60)
            row = [number, f"customer{rng.randrange(50000)}@example.com", "Support",
                   f"Agent {rng.randrange(40)}" if rng.random() < 0.97 else "", "Help needed",
                   "Solved" if solved else rng.choice(("Open", "Pending")), rng.choice(CHANNELS),
                   rng.choice(TYPES), f"{created:%Y-%m-%d %H:%M:%S}", f"{updated:%Y-%m-%d %H:%M:%S}",
                   f"{solved:%Y-%m-%d %H:%M:%S}" if solved else "1900-01-01 00:00:00",
                   rng.randrange(1, 6) if replied else 0, 1 if rng.random() < 0.08 else 0,
                   rng.choice(SCORES) if solved else "Unoffered", frt or "",
                   (frt or 0) // 2 if replied else "",
                   resolution if resolution is not None else "",
                   resolution // 3 if resolution is not None else ""]
            writer.writerow(row)
    partial.rename(path)
    return path


def timed(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def peak_mb(command: list[str]) -> float:
    output = subprocess.run([sys.executable, "-c", PEAK_HELPER, *command], check=True,
                            capture_output=True, text=True).stdout
    return int(output.strip().splitlines()[-1]) / 1024


def import_command(template: str | None, export: Path) -> list[str]:
    if template:
        return shlex.split(template.format(export=shlex.quote(str(export))))
    return [sys.executable, "-c", DRIVER, str(export)]


def has_pandas() -> bool:
    return subprocess.run([sys.executable, "-c", "import pandas"], capture_output=True).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stress", action="store_true", help="also 5,000,000 tickets (peak memory)")
    parser.add_argument("--command", help="the import as a template with {export}")
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()) / "csmetrics-bench")
    args = parser.parse_args()
    args.scratch.mkdir(parents=True, exist_ok=True)

    export = make_export(args.scratch / f"zendesk-{args.tickets}.csv", args.tickets)
    commands = {"floor (DuckDB script)": [sys.executable, "-c", FLOOR, str(export)],
                "import": import_command(args.command, export)}
    if has_pandas():
        commands["pandas script"] = [sys.executable, "-c", PANDAS, str(export)]
    else:
        print("pandas is not installed: its script is skipped (pip install pandas)")
    results = {label: timed(command, args.runs) for label, command in commands.items()}
    peaks = {label: peak_mb(command) for label, command in commands.items()}
    floor = statistics.median(results["floor (DuckDB script)"])
    print(f"\n{args.tickets:,} tickets, {args.runs} runs each after a warm-up\n")
    print("| command | median s | min s | x floor | peak MB |")
    print("|---|---:|---:|---:|---:|")
    for label, times in results.items():
        median = statistics.median(times)
        print(f"| {label} | {median:.2f} | {min(times):.2f} | {median / floor:.2f} | {peaks[label]:.0f} |")
    verdicts = []
    ratio = statistics.median(results["import"]) / floor
    verdicts.append(f"import / floor = {ratio:.2f} (target <= {FLOOR_RATIO}): "
                    f"{'met' if ratio <= FLOOR_RATIO else 'MISSED'}")
    if "pandas script" in results:
        speedup = statistics.median(results["pandas script"]) / statistics.median(results["import"])
        verdicts.append(f"pandas / import = {speedup:.2f} (target >= {PANDAS_SPEEDUP}): "
                        f"{'met' if speedup >= PANDAS_SPEEDUP else 'MISSED'}")

    small = make_export(args.scratch / "zendesk-10000.csv", 10_000)
    small_times = timed(import_command(args.command, small), max(args.runs, 5))
    median_small = statistics.median(small_times)
    verdicts.append(f"10,000 tickets: {median_small:.2f} s (target < {SMALL_TARGET} s): "
                    f"{'met' if median_small < SMALL_TARGET else 'MISSED'}")
    if args.stress:
        big = make_export(args.scratch / "zendesk-5000000.csv", 5_000_000)
        start = time.perf_counter()
        stress_peak = peak_mb(import_command(args.command, big))
        seconds = time.perf_counter() - start
        verdicts.append(f"5,000,000 tickets: peak {stress_peak:.0f} MB in {seconds:.1f} s "
                        f"(target < {STRESS_TARGET_MB} MB): "
                        f"{'met' if stress_peak < STRESS_TARGET_MB else 'MISSED'}")
    print()
    print("\n".join(verdicts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
