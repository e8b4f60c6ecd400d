"""Each helpdesk's export is recognised from its header row and read with its quirks;
the figures are checked by hand against the small fixtures in fixtures/imports/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from csmetrics.importers import BusinessHours, ImportOptions, fiscal_spans, read_import_options, run_import

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
MARCH, APRIL = dt.date(2024, 3, 1), dt.date(2024, 4, 1)


def imported(name: str, **options: object):  # type: ignore[no-untyped-def]
    return run_import([FIXTURES / name], ImportOptions(**options))  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "source"), [
    ("zendesk.csv", "zendesk"), ("zendesk-business-only.csv", "zendesk"), ("freshdesk.csv", "freshdesk"),
    ("intercom.csv", "intercom"), ("hubspot.csv", "hubspot"), ("jira.csv", "jira"),
    ("servicenow.csv", "servicenow"), ("eventlog.csv", "eventlog")])
def test_auto_recognises_the_source(name: str, source: str) -> None:
    assert imported(name).summary.sources == [source]


def test_zendesk() -> None:
    result = imported("zendesk.csv")
    inputs = result.inputs
    assert inputs["tickets_new"] == {MARCH: 3, APRIL: 2}
    # 105 twice: the row updated last (solved) wins; 103 and 104 carry Solved at = 1900-01-01
    assert result.summary.duplicates == 1 and result.summary.tickets == 5
    assert inputs["tickets_resolved"] == {MARCH: 2, APRIL: 1}
    assert inputs["tickets_fcr"] == {MARCH: 1, APRIL: 1}
    assert inputs["tickets_reopened"] == {MARCH: 1, APRIL: 0}
    assert inputs["agent_replies"] == {MARCH: 3, APRIL: 1}
    assert inputs["frt_hours"][MARCH] == pytest.approx(5.25)  # 30 and 600 minutes; 103 unreplied
    assert inputs["frt_p90_hours"][MARCH] == pytest.approx(0.5 + 0.9 * 9.5)
    assert inputs["art_hours"][MARCH] == pytest.approx(18.0)  # 2 h and 34 h
    # 103 waits past both targets: a breach in March for each; 104 past resolution in April
    assert inputs["frt_sla_measured"] == {MARCH: 3, APRIL: 2}
    assert inputs["frt_sla_met"] == {MARCH: 1, APRIL: 2}
    assert inputs["res_sla_measured"] == {MARCH: 3, APRIL: 2}
    assert inputs["res_sla_met"] == {MARCH: 1, APRIL: 1}
    assert inputs["csat_responses"] == {MARCH: 2, APRIL: 1}
    assert inputs["csat_satisfied"] == {MARCH: 1, APRIL: 1}
    assert inputs["tickets_open_start"] == {MARCH: None, APRIL: 1}
    assert inputs["tickets_open_end"] == {MARCH: 1, APRIL: 2}
    assert inputs["tickets_aged"] == {MARCH: 0, APRIL: 1}
    assert any("tickets_open_start of 2024-03 is left blank" in n for n in result.summary.notes)
    assert list(result.agents) == ["Luca Bianchi", "Maria Rossi"]
    assert result.unassigned["agent_frt_count"] == {MARCH: 0, APRIL: 0}
    assert result.agents["Luca Bianchi"]["agent_frt_hours"][MARCH] == pytest.approx(10.0)
    for measure in ("agent_solved", "agent_fcr", "agent_replies"):
        team = {"agent_solved": "tickets_resolved", "agent_fcr": "tickets_fcr"}.get(measure, measure)
        for month in (MARCH, APRIL):
            total = sum(a[measure][month] for a in result.agents.values()) + result.unassigned[measure][month]
            assert total == inputs[team][month], (measure, month)


def test_zendesk_business_basis_uses_the_helpdesks_own_durations() -> None:
    result = imported("zendesk.csv", hours="business")
    assert result.inputs["frt_hours"][MARCH] == pytest.approx((0.5 + 1.0) / 2)
    assert result.inputs["art_hours"][MARCH] == pytest.approx((2 + 8) / 2)


def test_zendesk_with_business_first_replies_only_leaves_calendar_rows_blank() -> None:
    may = dt.date(2024, 5, 1)
    calendar = imported("zendesk-business-only.csv")
    assert calendar.inputs["frt_hours"] == {may: None} and calendar.inputs["frt_sla_met"] == {may: None}
    assert calendar.inputs["art_median_hours"] == {may: 14.0}  # from the timestamps: 4 h and 24 h
    assert any("--hours business" in note for note in calendar.summary.notes)
    business = imported("zendesk-business-only.csv", hours="business")
    assert business.inputs["frt_hours"] == {may: pytest.approx(1.0)}
    assert business.inputs["art_hours"] == {may: pytest.approx(6.5)}


def test_freshdesk_reads_hh_mm_ss_durations_and_the_initial_response_timestamp() -> None:
    february = dt.date(2024, 2, 1)
    calendar = imported("freshdesk.csv")
    assert calendar.inputs["frt_hours"][february] == pytest.approx((1.5 + 64.25) / 2)
    assert calendar.inputs["art_hours"][february] == pytest.approx((6.5 + 89) / 2)  # Closed time for 1002
    assert calendar.inputs["tickets_reopened"] == {february: None}
    assert calendar.inputs["csat_responses"] == {february: 2}
    assert calendar.inputs["csat_satisfied"] == {february: 1}
    business = imported("freshdesk.csv", hours="business")
    assert business.inputs["frt_hours"][february] == pytest.approx((1.5 + 1.25) / 2)
    assert business.inputs["art_hours"][february] == pytest.approx((6.5 + 10) / 2)


def test_intercom_reads_unix_seconds_and_business_seconds() -> None:
    calendar = imported("intercom.csv")
    assert calendar.inputs["frt_hours"][MARCH] == pytest.approx((1 + 10 / 60) / 2)
    assert calendar.inputs["art_hours"][MARCH] == pytest.approx((4 + 49) / 2)
    assert calendar.inputs["tickets_reopened"] == {MARCH: 1}
    business = imported("intercom.csv", hours="business")
    assert business.inputs["frt_hours"][MARCH] == pytest.approx((1 + 10 / 60) / 2)


def test_hubspot_reads_milliseconds() -> None:
    result = imported("hubspot.csv")
    june = dt.date(2024, 6, 1)
    assert result.inputs["frt_hours"][june] == pytest.approx(1.0)
    assert result.inputs["art_hours"][june] == pytest.approx(30.0)
    assert result.agents["52"]["agent_frt_hours"][june] == 0.5


def test_jira_reads_month_names_and_reports_its_sla_clocks() -> None:
    result = imported("jira.csv")
    # HELP-1 05/Mar/24 2:15 PM -> 06/Mar/24 9:00 AM; HELP-2 9:00 AM -> next day 10:30 AM
    assert result.inputs["art_hours"][MARCH] == pytest.approx((18.75 + 25.5) / 2)
    assert result.inputs["frt_hours"][MARCH] is None and result.inputs["frt_sla_measured"][MARCH] is None
    assert any("first response met on 2 tickets and breached on 1" in n for n in result.summary.notes)
    assert result.inputs["csat_satisfied"][MARCH] == 2


def test_servicenow_keeps_the_last_row_of_each_incident_and_reads_question_marks_as_empty() -> None:
    result = imported("servicenow.csv")
    january = dt.date(2024, 1, 1)
    assert result.summary.tickets == 3 and result.summary.duplicates == 2
    assert result.inputs["tickets_reopened"][january] == 1
    assert result.inputs["art_hours"][january] == pytest.approx((50 + 2) / 2)
    assert result.inputs["res_sla_measured"][january] == 3  # INC0010003 breached in January
    assert result.categories["Other"][january] == 1  # category "?"


def test_event_log_groups_events_into_tickets() -> None:
    result = imported("eventlog.csv", first_reply_activities=("Take in charge ticket",),
                      solved_activities=("Resolve ticket", "Closed"))
    october, november = dt.date(2012, 10, 1), dt.date(2012, 11, 1)
    assert result.inputs["tickets_new"] == {october: 2, november: 1}
    # Case 2 was resolved, waited, and resolved again in November: one reopen
    assert result.inputs["tickets_resolved"] == {october: 1, november: 1}
    assert result.inputs["tickets_reopened"] == {october: 0, november: 1}
    assert result.inputs["agent_replies"] == {october: 1, november: 2}
    assert result.inputs["tickets_open_end"] == {october: 1, november: 1}


def test_generic_mapping_joins_columns_reads_flags_and_constants(tmp_path: Path) -> None:
    config = FIXTURES / "generic-calls.toml"
    import tomllib

    options = read_import_options(tomllib.loads(config.read_text("utf-8")), tmp_path)
    result = run_import([FIXTURES / "generic-calls.csv"], options)
    assert result.inputs["tickets_new"] == {APRIL: 4}
    assert result.inputs["tickets_resolved"] == {APRIL: 3}  # Y, Y, yes
    assert result.inputs["frt_hours"][APRIL] == pytest.approx((30 + 90 + 45 + 600) / 4 / 3600)
    assert result.inputs["csat_responses"] == {APRIL: 3} and result.inputs["csat_satisfied"] == {APRIL: 2}
    assert result.channels == {"Phone": {APRIL: 4}}
    assert result.summary.files[0].timestamp_format.startswith("%d/%m/%Y")
    assert not any("could not be read" in note for note in result.summary.notes)


def test_several_files_combine_and_duplicates_count_once(tmp_path: Path) -> None:
    result = run_import([FIXTURES / "zendesk.csv", FIXTURES / "zendesk.csv"], ImportOptions())
    assert result.summary.tickets == 5 and result.summary.duplicates == 7
    assert result.inputs["tickets_new"] == {MARCH: 3, APRIL: 2}


def test_observed_spans_come_from_their_own_tickets() -> None:
    result = run_import([FIXTURES / "zendesk.csv"], ImportOptions(), fiscal_spans(dt.date(2024, 1, 1)))
    # Q2 holds only April's two first replies (45 and 20 minutes); the year all four
    assert result.observed["frt_median_hours"]["q2"] == pytest.approx((0.75 + 20 / 60) / 2)
    # the year: 1/3, 1/2, 3/4 and 10 hours
    assert result.observed["frt_median_hours"]["y1"] == pytest.approx((0.5 + 0.75) / 2)
    assert result.observed["frt_p90_hours"]["q3"] is None


def test_summary_as_json_and_text() -> None:
    summary = imported("zendesk.csv").summary
    data = json.loads(json.dumps(summary.as_dict()))
    assert data["tickets"] == 5 and data["skipped"] == {"duplicate": 1}
    assert data["now"] == "2024-04-05T09:00:00+00:00"
    text = summary.text()
    assert "tickets counted: 5" in text and "hours: calendar; timezone: UTC" in text


def test_timezone_decides_the_month_of_an_instant_and_zoneless_times_are_local(tmp_path: Path) -> None:
    export = tmp_path / "edge.csv"
    export.write_text("Ref,Opened\nA,2024-03-31T23:30:00Z\nB,2024-03-15 10:00:00\n", encoding="utf-8")
    options = {"columns": {"id": "Ref", "created": "Opened"}}
    in_utc = run_import([export], ImportOptions(**options))  # type: ignore[arg-type]
    assert in_utc.inputs["tickets_new"] == {MARCH: 2}
    in_rome = run_import([export], ImportOptions(timezone="Europe/Rome", **options))  # type: ignore[arg-type]
    assert in_rome.inputs["tickets_new"] == {MARCH: 1, APRIL: 1}  # 01:30 on 1 April in Rome


def test_progress_is_reported_by_stage() -> None:
    seen: list[tuple[str, float]] = []
    run_import([FIXTURES / "zendesk.csv"], ImportOptions(),
               progress=lambda stage, done: seen.append((stage, done)))
    stages = [stage for stage, _ in seen]
    assert stages[0] == "reading zendesk.csv" and "computing monthly figures" in stages
    assert all(0 <= done <= 1 for _, done in seen) and seen[-1][1] == 1.0


def test_business_hours_skip_weekends_holidays_and_keep_the_clock_change(tmp_path: Path) -> None:
    # Friday 29 March 2024 17:00 in Rome to Tuesday 2 April 10:00: the clocks go forward
    # on Sunday 31 March and Easter Monday is an Italian holiday
    export = tmp_path / "easter.csv"
    export.write_text("Ref,Opened,Done\nE1,2024-03-29 17:00,2024-04-02 10:00\n", encoding="utf-8")
    options = {"columns": {"id": "Ref", "created": "Opened", "solved": "Done"}, "timezone": "Europe/Rome"}
    calendar = run_import([export], ImportOptions(**options))  # type: ignore[arg-type]
    assert calendar.inputs["art_hours"] == {MARCH: None, APRIL: 88.0}  # 89 on the wall clock, less an hour
    schedule = BusinessHours(country="IT")
    business = run_import([export], ImportOptions(hours="business", business_hours=schedule,
                                                  **options))  # type: ignore[arg-type]
    assert business.inputs["art_hours"] == {MARCH: None, APRIL: 2.0}  # Friday 17-18, Tuesday 9-10
    no_holidays = run_import([export], ImportOptions(hours="business", **options))  # type: ignore[arg-type]
    assert no_holidays.inputs["art_hours"][APRIL] == 11.0  # and Easter Monday's nine hours


def test_column_options_override_the_source_and_values_extend_the_csat_words(tmp_path: Path) -> None:
    result = imported("zendesk.csv", category_column="Group", values={"csat_good": ["superb"]})
    assert list(result.categories) == ["Support"]
    export = tmp_path / "words.csv"
    export.write_text((FIXTURES / "zendesk.csv").read_text("utf-8").replace(",Good,", ",Superb,"),
                      encoding="utf-8")
    words = run_import([export], ImportOptions(values={"csat_good": ["superb"]}))
    assert words.inputs["csat_satisfied"] == {MARCH: 1, APRIL: 1}
    unknown = run_import([export], ImportOptions())
    assert unknown.inputs["csat_responses"] == {MARCH: 1, APRIL: 0}
    assert any("'Satisfaction Score' could not be read (e.g. 'Superb')" in n for n in unknown.summary.notes)


def test_event_log_creation_activities(tmp_path: Path) -> None:
    result = imported("eventlog.csv", created_activities=("Take in charge ticket",),
                      first_reply_activities=("Take in charge ticket",),
                      solved_activities=("Resolve ticket",))
    october = dt.date(2012, 10, 1)
    assert result.inputs["frt_hours"][october] == 0.0  # created by the first reply itself
    assert result.inputs["tickets_new"][october] == 2


def test_an_event_log_without_activities_names_those_it_holds() -> None:
    result = imported("eventlog.csv")
    note = next(n for n in result.summary.notes if n.startswith("event log:"))
    assert "first_reply_activities and solved_activities" in note
    assert "'Take in charge ticket' (3)" in note and "'Resolve ticket' (3)" in note
    assert result.inputs["frt_hours"][dt.date(2012, 10, 1)] is None
