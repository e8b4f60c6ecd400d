"""`csmetrics import`: exports into a new workbook or a filled one, recalculated by
LibreOffice as the reference says, the monthly routine that replaces the import's
own figures and never a team's typed values, dry runs, summaries and errors."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from csmetrics.cli import main
from csmetrics.config.resolve import resolve
from csmetrics.errors import UsageError
from csmetrics.generate import generate_workbook
from csmetrics.importing import import_exports
from csmetrics.model.data import WorkbookData
from csmetrics.xlsx.reader import read_filled
from engines import read_values, recalc_libreoffice, require_engine
from openpyxl import load_workbook
from workbooks import compare, expected_values, make_workbook

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
EVENTLOG = """[import]
source = "eventlog"
first_reply_activities = "Take in charge ticket"
solved_activities = ["Resolve ticket", "Closed"]
"""
GENERIC = (FIXTURES / "generic-calls.toml").read_text("utf-8")
SOURCES = {  # fixture -> the configuration it needs
    "zendesk.csv": "", "zendesk-business-only.csv": "", "freshdesk.csv": "", "intercom.csv": "",
    "hubspot.csv": "", "jira.csv": "", "servicenow.csv": "", "eventlog.csv": EVENTLOG,
    "generic-calls.csv": GENERIC,
}


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def config_file(folder: Path, text: str) -> Path | None:
    if not text:
        return None
    path = folder / "csmetrics.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.engines
def test_every_source_imports_into_a_workbook_libreoffice_computes_as_the_reference(
        tmp_path: Path) -> None:
    """Each fixture into a new workbook; its figures in the input cells; recalculated
    by LibreOffice, every formula shows the reference's value, no error anywhere."""
    require_engine("libreoffice")
    written, expected = [], {}
    for name, text in SOURCES.items():
        folder = tmp_path / name.removesuffix(".csv")
        folder.mkdir()
        out = folder / f"{folder.name}.xlsx"
        run_ = import_exports([FIXTURES / name], out, config_path=config_file(folder, text))
        filled = read_filled(out)
        for (kind, key, index), value in run_.cells.items():
            if kind == "inp":
                assert filled.inputs[key][index] == pytest.approx(value), (name, key, index)
        # the same workbook laid out again from what was read back: where each value is
        from csmetrics.carry import base_config

        resolved = resolve(base_config(filled))
        data = WorkbookData(inputs=filled.inputs, volume=filled.volume, channels=filled.channels,
                            targets=filled.targets, calculators=filled.calculators,
                            gross_margin=filled.gross_margin, observed=filled.observed,
                            channel_measures=filled.channel_measures, sla=filled.sla,
                            agents=filled.agents)
        context = make_workbook(folder / "layout.xlsx", resolved, data)
        written.append(out)
        expected[out] = expected_values(context)
        assert sum(v is not None for v in expected[out].values()) > 20, name  # it computes things
    done = recalc_libreoffice(written, tmp_path / "lo")
    for out in written:
        reader = read_values(done[out])
        assert list(reader.errors()) == [], out
        assert list(compare(expected[out], reader.value)) == [], out.parent.name


def test_a_new_workbook_covers_the_exports_months_and_names(tmp_path: Path) -> None:
    out = tmp_path / "new.xlsx"
    run_ = import_exports([FIXTURES / "zendesk.csv"], out)
    filled = read_filled(out)
    assert filled.starts[0] == dt.date(2024, 1, 1) and len(filled.starts) == 12  # a whole year
    assert list(filled.volume) == ["incident", "question", "problem"]
    assert list(filled.channels) == ["Email", "Web form", "Chat"]
    assert filled.inputs["tickets_resolved"][2:4] == [2, 1]
    assert filled.observed["frt_median_hours"]["q1"] == pytest.approx(5.25)
    assert filled.made_with.imports and filled.made_with.imports[-1]["files"] == "zendesk.csv"
    assert len(filled.imported) == sum(v is not None for v in run_.cells.values())


def test_a_fiscal_year_and_several_years(tmp_path: Path) -> None:
    config = config_file(tmp_path, "start_month = 4\n")
    out = tmp_path / "fiscal.xlsx"
    import_exports([FIXTURES / "zendesk.csv"], out, config_path=config)
    starts = read_filled(out).starts
    assert starts[0] == dt.date(2023, 4, 1) and len(starts) == 24  # March in FY23, April in FY24


def month_export(folder: Path, rows: list[tuple[str, str, str]]) -> Path:
    """A small Zendesk export: (id, created, solved)."""
    path = folder / f"export-{len(list(folder.glob('export-*.csv')))}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Id", "Created at", "Solved at", "Status", "Via", "Ticket type", "Replies",
                         "Reopens", "Assignee"])
        for id, created, solved in rows:
            writer.writerow([id, created, solved, "solved" if solved else "open", "Email",
                             "question", 1, 0, "Ann"])
    return path


def test_the_monthly_routine_replaces_its_own_figures_and_never_a_typed_one(tmp_path: Path) -> None:
    team = tmp_path / "team.xlsx"
    generate_workbook(team, config_path=config_file(
        tmp_path, 'year = 2024\n[tickets]\ncategories = ["Question", "Incident"]\n'))
    march = month_export(tmp_path, [("1", "2024-03-04 10:00", "2024-03-04 12:00"),
                                    ("2", "2024-03-05 10:00", "")])
    result = run("import", str(march), "--from", str(team), "--out", str(team))
    assert result.exit_code == 0, result.output + result.stderr
    assert read_filled(team).inputs["tickets_resolved"][2] == 1
    # the team corrects a figure of its own in May and types one for April
    book = load_workbook(team)
    tracker = book[book.sheetnames[1]]
    names = {n: next(iter(d.destinations)) for n, d in book.defined_names.items()}
    _, area = names["inp_tickets_resolved"]
    row = int("".join(ch for ch in area.split(":")[0] if ch.isdigit()))
    tracker[f"F{row}"] = 7  # April, typed by hand
    tracker[f"G{row}"] = 5  # May, typed by hand
    book.save(team)
    # a re-export of March with a late solve, and April: March's own figure is
    # replaced freely; April's typed 7 differs from the import's 1: refused
    again = month_export(tmp_path, [("1", "2024-03-04 10:00", "2024-03-04 12:00"),
                                    ("2", "2024-03-05 10:00", "2024-03-20 10:00"),
                                    ("3", "2024-04-02 10:00", "2024-04-02 11:00")])
    before, backups = team.read_bytes(), list(tmp_path.glob("team.backup-*"))
    refused = run("import", str(again), "--from", str(team), "--out", str(team))
    assert refused.exit_code == 2
    assert "2024-04 tickets_resolved: typed 7, imported 1" in refused.stderr
    assert "2024-03 tickets_resolved" not in refused.stderr  # the import's own: no question
    assert team.read_bytes() == before and list(tmp_path.glob("team.backup-*")) == backups
    replaced = run("import", str(again), "--from", str(team), "--out", str(team), "--replace")
    assert replaced.exit_code == 0, replaced.stderr
    assert "Wrote over" in replaced.output and "typed 7, imported 1" in replaced.output
    filled = read_filled(team)
    assert filled.inputs["tickets_resolved"][2:5] == [2, 1, 5]  # May: not covered, kept
    assert list(tmp_path.glob("team.backup-*.xlsx"))


def test_a_dry_run_prints_the_plan_and_writes_nothing(tmp_path: Path) -> None:
    summary = tmp_path / "summary.json"
    result = run("import", str(FIXTURES / "zendesk.csv"), "--dry-run", "--summary", str(summary))
    assert result.exit_code == 0, result.stderr
    assert "Would write" in result.output and "2024-03: " in result.output
    assert "tickets counted: 5" in result.output
    report = json.loads(summary.read_text(encoding="utf-8"))
    assert report["dry_run"] is True and report["tickets"] == 5 and report["cells_written"] > 20
    assert not list(tmp_path.glob("*.xlsx"))


def test_categories_are_matched_by_name_or_through_the_map(tmp_path: Path) -> None:
    team = tmp_path / "team.xlsx"
    config = config_file(tmp_path, 'year = 2024\n[tickets]\ncategories = ["Incident", "Questions"]\n')
    generate_workbook(team, config_path=config)
    refused = run("import", str(FIXTURES / "zendesk.csv"), "--from", str(team), "--out", str(team))
    assert refused.exit_code == 2
    assert "category 'question': not in the workbook" in refused.stderr
    assert "[import.categories]" in refused.stderr
    (tmp_path / "map.toml").write_text('[import.categories]\nquestion = "Questions"\n'
                                       'problem = "Incident"\n', encoding="utf-8")
    mapped = run("import", str(FIXTURES / "zendesk.csv"), "--from", str(team), "--out", str(team),
                 "--config", str(tmp_path / "map.toml"))
    assert mapped.exit_code == 0, mapped.stderr
    volume = read_filled(team).volume
    # incident and problem both map to Incident: their counts add up
    assert volume["Incident"][2:4] == [2, 1] and volume["Questions"][2:4] == [1, 1]


def test_months_outside_the_workbook_are_refused(tmp_path: Path) -> None:
    team = tmp_path / "team.xlsx"
    generate_workbook(team, overrides={"year": 2025})
    with pytest.raises(UsageError, match=r"2024-03: \d+ \(month not in the workbook\)"):
        import_exports([FIXTURES / "zendesk.csv"], team, source=team)


def test_an_import_in_other_hours_than_the_workbooks_times_is_refused(tmp_path: Path) -> None:
    team = tmp_path / "team.xlsx"
    generate_workbook(team, overrides={"year": 2024})
    book = load_workbook(team)
    names = {n: next(iter(d.destinations)) for n, d in book.defined_names.items()}
    sheet, area = names["inp_frt_hours"]
    book[sheet][area.split(":")[-1].replace("$", "")] = 3.5  # December, by hand, calendar hours
    book.save(team)
    with pytest.raises(UsageError, match="holds times in calendar hours"):
        import_exports([FIXTURES / "zendesk.csv"], team, source=team, options={"hours": "business"})


def test_the_import_log_survives_regeneration(tmp_path: Path) -> None:
    team = tmp_path / "team.xlsx"
    import_exports([FIXTURES / "zendesk.csv"], team)
    logged = read_filled(team).imported
    ru = tmp_path / "ru.xlsx"
    generate_workbook(ru, source=team, overrides={"language": "ru"})
    assert read_filled(ru).imported == logged
    import_exports([FIXTURES / "zendesk.csv"], ru, source=ru)  # its own figures: no refusal


def test_errors_are_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    strange = tmp_path / "strange.csv"
    strange.write_text("Foo,Bar\n1,2\n", encoding="utf-8")
    result = run("import", str(strange), "--out", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "Foo" in result.stderr and "[import.columns]" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()
    assert run("import", str(FIXTURES / "zendesk.csv")).exit_code == 2  # no --out
    bad = run("import", str(FIXTURES / "zendesk.csv"), "--out", str(tmp_path / "x.csv"))
    assert bad.exit_code == 2 and ".xlsx" in bad.stderr
    zone = run("import", str(FIXTURES / "zendesk.csv"), "--timezone", "Mars/Olympus", "--dry-run")
    assert zone.exit_code == 2 and "Mars/Olympus" in zone.stderr


@pytest.mark.skipif(not (DATA / "synthetic-tickets-messy.csv").is_file(), reason="no shared data")
def test_the_messy_export_is_refused_clearly_without_a_mapping(tmp_path: Path) -> None:
    result = run("import", str(DATA / "synthetic-tickets-messy.csv"), "--out", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "Ticket ID" in result.stderr


@pytest.mark.skipif(not (DATA / "helpdesk-eventlog.csv").is_file(), reason="no shared data")
def test_the_real_event_log_fills_a_workbook_whose_volumes_match_a_count(tmp_path: Path) -> None:
    config = config_file(tmp_path, EVENTLOG + "[import.columns]\nid = \"Case ID\"\n"
                         "activity = \"Activity\"\ntimestamp = \"Complete Timestamp\"\n"
                         "agent = \"Resource\"\n")
    out = tmp_path / "helpdesk.xlsx"
    import_exports([DATA / "helpdesk-eventlog.csv"], out, config_path=config)
    first: dict[str, dt.datetime] = {}
    with (DATA / "helpdesk-eventlog.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            moment = dt.datetime.strptime(row["Complete Timestamp"][:19], "%Y/%m/%d %H:%M:%S")
            first[row["Case ID"]] = min(first.get(row["Case ID"], moment), moment)
    counted: dict[dt.date, int] = {}
    for moment in first.values():
        month = dt.date(moment.year, moment.month, 1)
        counted[month] = counted.get(month, 0) + 1
    filled = read_filled(out)
    totals = {start: sum(v[m] or 0 for v in filled.volume.values())
              for m, start in enumerate(filled.starts)}
    assert {month: n for month, n in totals.items() if n} == counted
