"""Every problem with an import's input is one clear UsageError naming the file, the
column or row and the value; hostile files never end in a traceback."""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from csmetrics.errors import UsageError
from csmetrics.importers import ImportOptions, read_import_options, run_import

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
# the shared data beside the repository (CSMETRICS_DATA names another copy)
DATA = Path(os.environ.get("CSMETRICS_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="the shared data folder is absent")


def refused(paths: list[Path], **options: object) -> str:
    with pytest.raises(UsageError) as caught:
        run_import(paths, ImportOptions(**options))  # type: ignore[arg-type]
    return str(caught.value)


def test_unrecognised_header_lists_the_headers_and_how_to_map_them(tmp_path: Path) -> None:
    export = tmp_path / "calls.csv"
    export.write_text("Call,When,Who\n1,2024-01-01,Zoe\n", encoding="utf-8")
    message = refused([export])
    assert str(export) in message and "'Call', 'When', 'Who'" in message
    assert "[import.columns]" in message and 'source = "generic"' in message


def test_a_mapping_naming_a_missing_column_lists_the_real_headers(tmp_path: Path) -> None:
    message = refused([FIXTURES / "generic-calls.csv"], source="generic",
                      columns={"id": "Call Id", "created": "Opened at"})
    assert "created = 'Opened at'" in message and "'Call Id', 'Date', 'Time'" in message


def test_undecidable_date_order_asks_for_timestamp_format() -> None:
    message = refused([FIXTURES / "generic-ambiguous.csv"], columns={"id": "Ref", "created": "Opened"})
    assert "generic-ambiguous.csv" in message and "timestamp_format" in message and "'Opened'" in message


def test_date_order_decided_by_a_day_above_12_late_in_the_file(tmp_path: Path) -> None:
    export = tmp_path / "late.csv"
    rows = [f"T{i},03/04/2024 09:00" for i in range(3000)] + ["T-last,04/25/2024 10:00"]
    export.write_text("Ref,Opened\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = run_import([export], ImportOptions(columns={"id": "Ref", "created": "Opened"}))
    assert result.inputs["tickets_new"] == {dt.date(2024, 3, 1): 3000, dt.date(2024, 4, 1): 1}


def test_mixed_date_orders_are_refused(tmp_path: Path) -> None:
    export = tmp_path / "mixed.csv"
    export.write_text("Ref,Opened\nA,25/03/2024\nB,03/25/2024\n", encoding="utf-8")
    assert "day-first in some rows" in refused([export], columns={"id": "Ref", "created": "Opened"})


def test_a_timezone_that_does_not_exist_is_refused() -> None:
    message = refused([FIXTURES / "zendesk.csv"], timezone="Europe/Atlantis")
    assert "timezone = 'Europe/Atlantis'" in message and "no such timezone" in message


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "the file is empty"),
    (b"  \n\n", "the file is empty"),
    (b"\x00\x01\x02binary\x00", "is a binary file"),
    ("Id,Created at\n1,2024\n".encode("utf-16"), "UTF-16"),
    ("Id,Created at,Via\n1,2024-01-01,Caf\u00e9\n".encode("latin-1"),
     "is not UTF-8 text (byte 0xe9 on line 2)"),
    (b"PK\x03\x04not really a zip", "zip archive"),
    (b"[{\"id\": 1}]", "JSON array"),
])
def test_bad_files_are_refused_with_their_name(tmp_path: Path, content: bytes, expected: str) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes(content)
    message = refused([export])
    assert str(export) in message and expected in message


def test_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    assert "file not found" in refused([tmp_path / "nothing.csv"])
    assert "is a folder" in refused([tmp_path])


def test_utf8_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    export = tmp_path / "bom.csv"
    export.write_bytes((FIXTURES / "zendesk.csv").read_text("utf-8").encode("utf-8-sig"))
    assert run_import([export], ImportOptions()).summary.sources == ["zendesk"]


def test_unusable_rows_are_counted_by_reason_with_examples(tmp_path: Path) -> None:
    export = tmp_path / "rows.csv"
    export.write_text(
        "Ref,Opened,Answered,Done,Replies\n"
        "A,2024-03-01 10:00,2024-03-01 11:00,2024-03-02 10:00,n/a\n"
        ",2024-03-01 10:00,,,1\n"
        "C,,,,1\n"
        "D,yesterday,,,1\n"
        "E,2024-03-05 10:00,,2024-03-04 10:00,1\n"
        "F,2024-03-05 10:00,2024-03-05 09:00,,1\n"
        "G,2024-03-05 10:00,,,1,extra\n", encoding="utf-8")
    result = run_import([export], ImportOptions(columns={
        "id": "Ref", "created": "Opened", "first_reply": "Answered", "solved": "Done", "replies": "Replies"}))
    summary = result.summary
    assert summary.tickets == 1 and summary.rows_read == 7
    assert summary.skipped == {"no ticket id": 1, "no creation time": 1, "unparseable timestamp": 1,
                               "solved before created": 1, "first reply before created": 1,
                               "malformed row (wrong number of fields)": 1}
    bad = next(e for e in summary.examples if e.reason == "unparseable timestamp")
    assert (bad.row, bad.column, bad.value) == (5, "Opened", "yesterday")
    assert any("'Replies' could not be read (e.g. 'n/a')" in note for note in summary.notes)


def test_spaces_around_values_are_ignored_and_spaces_alone_are_blank(tmp_path: Path) -> None:
    export = tmp_path / "spaces.csv"
    export.write_text("Ref,Opened,Done,Replies,Topic\n"
                      " A , 2024-03-01 10:00 , 2024-03-01 12:00 , 1 , Billing \n"
                      "B,   ,,1,Billing\n", encoding="utf-8")
    result = run_import([export], ImportOptions(columns={
        "id": "Ref", "created": "Opened", "solved": "Done", "replies": "Replies", "category": "Topic"}))
    assert result.summary.skipped == {"no creation time": 1}
    assert result.inputs["art_hours"] == {dt.date(2024, 3, 1): 2.0}
    assert list(result.categories) == ["Billing"]


def test_no_ticket_at_all_is_an_error(tmp_path: Path) -> None:
    export = tmp_path / "header.csv"
    export.write_text("Ref,Opened\n,\n", encoding="utf-8")
    assert "no ticket could be counted" in refused([export], columns={"id": "Ref", "created": "Opened"})


def test_excel_and_json_lines_exports(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    rows = list(csv.reader((FIXTURES / "zendesk.csv").open(encoding="utf-8")))
    sheet.append(rows[0])
    for row in rows[1:]:
        sheet.append([dt.datetime.fromisoformat(v) if v[:4].isdigit() and "-" in v else v for v in row])
    book.save(tmp_path / "zendesk.xlsx")
    from_excel = run_import([tmp_path / "zendesk.xlsx"], ImportOptions())
    from_csv = run_import([FIXTURES / "zendesk.csv"], ImportOptions())
    assert from_excel.inputs == from_csv.inputs and from_excel.summary.files[0].format == "xlsx"
    lines = tmp_path / "metrics.jsonl"
    lines.write_text(
        '{"id": 901, "ticket_id": 1, "created_at": "2024-03-01T10:00:00Z",'
        ' "solved_at": "2024-03-01T12:00:00Z",'
        ' "reply_time_in_minutes": {"calendar": 30, "business": 30}, "replies": 1, "reopens": 0}\n'
        '{"id": 901, "ticket_id": 2, "created_at": "2024-03-02T10:00:00Z", "solved_at": null,'
        ' "reply_time_in_minutes": {"calendar": 90, "business": 0}, "replies": 2, "reopens": 1}\n',
        encoding="utf-8")
    result = run_import([lines], ImportOptions())
    assert result.summary.sources == ["zendesk"]
    assert result.inputs["frt_hours"] == {dt.date(2024, 3, 1): 1.0}
    assert result.inputs["tickets_resolved"] == {dt.date(2024, 3, 1): 1}


def test_options_are_checked_one_line_per_problem(tmp_path: Path) -> None:
    table = {"import": {"source": "zendeks", "hours": "office", "months": "2024-13..2024-01",
                        "colour": 1, "columns": {"created_on": "X"}, "values": {"csat_blank": True}},
             "business_hours": {"days": ["Mon", "Funday"], "start": "18:00", "end": "09:00",
                                "holidays": "XX"},
             "sla": {"first_reply_hours": -1}}
    with pytest.raises(UsageError) as caught:
        read_import_options(table, tmp_path)
    lines = str(caught.value).splitlines()
    for expected in ("import.source = 'zendeks'", "import.hours = 'office'", "import.months",
                     "unknown key 'import.colour'", "unknown key 'import.columns.created_on'",
                     "import.values.csat_blank", "business_hours.days", "business_hours.holidays = 'XX'",
                     "sla.first_reply_hours = -1", "the day must end after it starts"):
        assert any(expected in line for line in lines), (expected, lines)


def test_options_read_from_the_tables(tmp_path: Path) -> None:
    options = read_import_options({
        "import": {"source": "zendesk", "hours": "business", "timezone": "Europe/Rome",
                   "months": "2023-04..2023-06", "category_column": "Topic [list]", "max_categories": 8},
        "business_hours": {"days": ["Mon", "Tue"], "start": "08:30", "end": "17:00",
                           "holidays": ["IT", "2024-12-24"]},
        "sla": {"first_reply_hours": 2, "resolution_hours": 48, "aging_days": 14},
        "surveys": {"csat_scale": 10}}, tmp_path)
    assert options.months == (dt.date(2023, 4, 1), dt.date(2023, 6, 1))
    assert options.mapped_columns() == {"category": "Topic [list]"}
    assert options.business_hours.days == (0, 1) and options.business_hours.start == dt.time(8, 30)
    assert options.business_hours.country == "IT" and options.business_hours.dates == (dt.date(2024, 12, 24),)
    assert dt.date(2024, 12, 25) in options.business_hours.holidays_between(2024, 2024)
    assert (options.first_reply_hours, options.resolution_hours, options.aging_days) == (2, 48, 14)
    assert (options.csat_points, options.csat_satisfied_from) == (10, 9)


@needs_data
def test_the_messy_synthetic_export_is_refused_cleanly_or_imports_through_a_mapping() -> None:
    messy = DATA / "synthetic-tickets-messy.csv"
    assert "headers seen: 'Ticket ID'" in refused([messy])
    # no creation time: a mapping that names one imports, skipping and counting the impossible rows
    result = run_import([messy], ImportOptions(source="generic", columns={
        "id": "Ticket ID", "created": "First Response Time", "solved": "Time to Resolution",
        "channel": "Ticket Channel", "category": "Ticket Type", "csat": "Customer Satisfaction Rating",
        "status": "Ticket Status"}))
    summary = result.summary
    assert summary.rows_read == 8469
    assert summary.tickets + sum(summary.skipped.values()) == 8469
    assert summary.skipped["solved before created"] > 0 and summary.skipped["no creation time"] > 0


@needs_data
def test_the_messy_export_never_ends_in_a_traceback_whatever_the_mapping() -> None:
    messy = DATA / "synthetic-tickets-messy.csv"
    for columns in ({"id": "Ticket ID", "created": "Date of Purchase", "first_reply": "First Response Time",
                     "solved": "Time to Resolution", "csat": "Customer Satisfaction Rating"},
                    {"id": "Ticket ID", "created": "Ticket Description"},
                    {"id": "Customer Name", "created": "Date of Purchase", "replies": "Customer Age",
                     "first_reply_minutes": "Ticket Subject"}):
        try:
            run_import([messy], ImportOptions(source="generic", columns=columns))
        except UsageError as error:
            assert str(messy) in str(error)


CHECK_LOADED = """
import sys
from csmetrics.cli import main
import csmetrics.importers
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(sorted(m for m in sys.modules if m.split(".")[0] in ("duckdb", "holidays")))
"""


def test_generate_and_the_importers_package_load_neither_duckdb_nor_holidays(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-c", CHECK_LOADED, "generate", "--out", "b.xlsx"],
                            capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
