"""The real help-desk event log of shared/data imports through the event-log source,
and its monthly volumes equal a count made here independently with the csv module.
Skipped when the shared data folder is absent (it is present in CI)."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import os
from collections import Counter
from pathlib import Path

import pytest
from csmetrics.importers import ImportOptions, fiscal_spans, run_import

DATA = Path(os.environ.get("CSMETRICS_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
EVENT_LOG = DATA / "helpdesk-eventlog.csv"
pytestmark = pytest.mark.skipif(not EVENT_LOG.is_file(), reason="the shared data folder is absent")
OPTIONS = ImportOptions(first_reply_activities=("Take in charge ticket",),
                        solved_activities=("Resolve ticket", "Closed"))


def first_events() -> dict[str, dt.datetime]:
    first: dict[str, dt.datetime] = {}
    with EVENT_LOG.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            moment = dt.datetime.strptime(row["Complete Timestamp"], "%Y/%m/%d %H:%M:%S.%f")
            case = row["Case ID"]
            if case not in first or moment < first[case]:
                first[case] = moment
    return first


def test_the_event_log_volumes_match_an_independent_count() -> None:
    result = run_import([EVENT_LOG], OPTIONS, fiscal_spans(dt.date(2010, 1, 1), 4))
    first = first_events()
    expected = Counter(dt.date(m.year, m.month, 1) for m in first.values())
    assert result.summary.sources == ["eventlog"]
    assert result.summary.tickets == len(first) == 4580
    assert result.summary.rows_read == 21348
    assert {m: v for m, v in result.inputs["tickets_new"].items() if v} == dict(expected)
    assert result.months[0] == dt.date(2010, 1, 1)
    assert sum(result.inputs["tickets_resolved"].values()) <= 4580  # type: ignore[arg-type]
    assert result.observed["frt_median_hours"]["y1"] is not None


def test_the_event_log_backlog_is_consistent_month_to_month() -> None:
    inputs = run_import([EVENT_LOG], OPTIONS).inputs
    months = sorted(inputs["tickets_new"])
    for previous, month in itertools.pairwise(months):
        assert inputs["tickets_open_start"][month] == inputs["tickets_open_end"][previous]
        # nothing is open unexplained: start + new - resolved = end
        assert (inputs["tickets_open_start"][month] + inputs["tickets_new"][month]  # type: ignore[operator]
                - inputs["tickets_resolved"][month]) == inputs["tickets_open_end"][month]
