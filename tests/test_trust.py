"""Regeneration never loses what a team typed, whatever they did to the workbook
(shared/spec/workbook.md, "Regeneration contract"): values are found by what they
mean, defects stop the run naming the cell, and nothing is dropped silently.

The edits here are made with openpyxl, as a script or an add-on would make them;
openpyxl's save drops the charts, which the reader does not need.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from csmetrics.cli import main
from csmetrics.config.resolve import resolve_config
from csmetrics.config.settings import Config
from csmetrics.errors import UsageError
from csmetrics.model.data import WorkbookData
from csmetrics.xlsx import contract
from csmetrics.xlsx.contract import SETTINGS_SHEET
from csmetrics.xlsx.reader import parse_number, read_filled
from csmetrics.xlsx.writer import write_workbook
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

MONTHS = 12


def filled_workbook(path: Path, seed: int = 1, language: str = "en") -> WorkbookData:
    """A workbook with every tracker input, category and channel filled."""
    config = resolve_config(Config(language=language))
    rng = random.Random(seed)

    def series() -> list[float | None]:
        return [float(rng.randint(1, 500)) for _ in range(MONTHS)]

    data = WorkbookData(inputs={"csat_responses": series(), "csat_satisfied": series(),
                                "agents": series()},
                        volume={name: series() for name in config.categories or ()},
                        channels={name: series() for name in config.channels or ()})
    write_workbook(path, config, data)
    return data


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def edit(path: Path, change) -> Path:
    """Open the workbook in openpyxl, let ``change`` edit it, save it over itself."""
    book = load_workbook(path)
    change(book)
    book.save(path)
    return path


def name_cells(book, name: str) -> tuple[str, list[list[str]]]:
    sheet, area = next(iter(book.defined_names[name].destinations))
    min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
    return sheet, [[f"{chr(64 + col)}{row}" for col in range(min_col, max_col + 1)]
                   for row in range(min_row, max_row + 1)]


def regenerate(path: Path, *extra: str):
    return run("generate", "--from", str(path), "--out", str(path), *extra)


def row_of(ref: str) -> int:
    return int("".join(c for c in ref if c.isdigit()))


# --------------------------------------------------------------------------- edits a user makes
# Each takes an openpyxl workbook and changes it in place.


def sort_volume_rows(wb, seed: int = 3) -> None:
    """Shuffle the Ticket Volume rows, labels and counts together (a sort)."""
    sheet, cells = name_cells(wb, contract.VOLUME.counts)
    ws = wb[sheet]
    rows = [row_of(row[0]) for row in cells]
    width = ws.max_column
    content = [[ws.cell(r, c).value for c in range(1, width + 1)] for r in rows]
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    for target, source in zip(rows, order, strict=True):
        for c in range(1, width + 1):
            value = content[source][c - 1]
            if isinstance(value, str) and value.startswith("="):
                value = None  # the row totals are formulas: leave them out of the sort
            ws.cell(target, c).value = value


def insert_volume_row(wb) -> None:
    """A blank row inside the grid; the grids' names grow, as LibreOffice's do."""
    sheet, cells = name_cells(wb, contract.VOLUME.counts)
    wb[sheet].insert_rows(row_of(cells[0][0]) + 4)
    for name in (contract.VOLUME.counts, contract.CHANNELS.counts):
        defined = wb.defined_names[name]
        sheet_part, area = defined.attr_text.split("!")
        start, end = area.split(":")
        column, row = end.rstrip("0123456789"), int(end.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        defined.attr_text = f"{sheet_part}!{start}:{column}{row + 1}"


def collide_headers(wb) -> None:
    sheet, cells = name_cells(wb, contract.VOLUME.labels)
    wb[sheet][cells[0][0]] = "shipping"
    wb[sheet][cells[0][1]] = "Shipping"


def duplicate_month(wb) -> None:
    sheet, cells = name_cells(wb, contract.PERIOD_START)
    wb[sheet][cells[0][1]] = wb[sheet][cells[0][0]].value


def type_over_kpi(wb) -> None:
    sheet, cells = name_cells(wb, contract.kpi_name("tickets_new"))
    for index, ref in enumerate(cells[0]):
        wb[sheet][ref] = 100 + index


def add_own_sheet(wb) -> None:
    ws = wb.create_sheet("Our notes")
    ws["A1"], ws["B2"], ws["C3"] = "launch week", 42, "=SUM(kpi_nps)"


def delete_input_name(wb) -> None:
    wb.defined_names.pop(contract.input_name("agents"), None)  # twice is once


def break_target_name(wb) -> None:
    wb.defined_names[contract.target_name("csat")].attr_text = "#REF!"


def paste_text(wb) -> None:
    sheet, cells = name_cells(wb, contract.input_name("csat_responses"))
    wb[sheet][cells[0][5]] = "12 tickets"


# --------------------------------------------------------------------------- no command destroys data


def test_a_plain_generate_refuses_to_write_over_a_filled_workbook(tmp_path):
    book = tmp_path / "team.xlsx"
    filled_workbook(book)
    before = book.read_bytes()
    result = run("generate", "--out", str(book))
    assert result.exit_code == 2
    assert "holds" in result.stderr and f"--from {book} --out {book}" in result.stderr
    assert book.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["team.xlsx"]


def test_carrying_one_workbook_onto_another_filled_one_is_refused(tmp_path):
    source, other = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    filled_workbook(source, seed=1)
    filled_workbook(other, seed=2)
    before = other.read_bytes()
    result = run("generate", "--from", str(source), "--out", str(other))
    assert result.exit_code == 2 and "holds" in result.stderr
    assert other.read_bytes() == before


def test_an_empty_workbook_and_a_foreign_file_are_handled_as_expected(tmp_path):
    book = tmp_path / "book.xlsx"
    assert run("generate", "--out", str(book)).exit_code == 0
    assert run("generate", "--out", str(book), "--lang", "ru").exit_code == 0  # nothing entered
    foreign = tmp_path / "mine.xlsx"
    with zipfile.ZipFile(foreign, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    before = foreign.read_bytes()
    result = run("generate", "--out", str(foreign))
    assert result.exit_code == 2 and "not a workbook csmetrics can read back" in result.stderr
    assert foreign.read_bytes() == before


def test_regenerating_in_place_still_works_and_keeps_a_backup(tmp_path):
    book = tmp_path / "team.xlsx"
    data = filled_workbook(book)
    result = regenerate(book, "--company", "Acme")
    assert result.exit_code == 0, result.stderr
    assert any(p.name.startswith("team.backup-") for p in tmp_path.iterdir())
    assert read_filled(book).inputs["csat_responses"] == data.inputs["csat_responses"]


# --------------------------------------------------------------------------- names


def test_a_deleted_name_is_listed_and_refused(tmp_path):
    book = filled_workbook_path(tmp_path)
    edit(book, lambda wb: [wb.defined_names.pop(n) for n in ("vol_counts", "inp_agents")])
    result = regenerate(book)
    assert result.exit_code == 2
    assert "the name inp_agents is missing" in result.stderr
    assert "the name vol_counts is missing" in result.stderr
    assert regenerate(book, "--drop-data").exit_code == 0


def test_with_only_period_start_left_every_name_is_listed(tmp_path):
    book = filled_workbook_path(tmp_path)
    edit(book, lambda wb: [wb.defined_names.pop(n) for n in list(wb.defined_names)
                           if n != contract.PERIOD_START])
    result = regenerate(book)
    assert result.exit_code == 2, result.stderr
    assert "not a workbook made by csmetrics" not in result.stderr
    assert "the name inp_csat_responses is missing" in result.stderr or \
        "no csmetrics" in result.stderr


@pytest.mark.parametrize("name", ["target_csat", "calc_nps_score_9", "assumption_gross_margin",
                                  "inp_csat_responses", "vol_categories"])
def test_a_name_broken_to_ref_stops_with_a_message_naming_it(tmp_path, name):
    book = filled_workbook_path(tmp_path)
    before = book.read_bytes()

    def breaks(wb):
        wb.defined_names[name].attr_text = "#REF!"

    edit(book, breaks)
    before = book.read_bytes()
    result = regenerate(book)
    assert result.exit_code == 2, result.output
    assert f"the name {name} no longer refers to cells" in result.stderr
    assert "Traceback" not in result.stderr and "index" not in result.stderr
    assert book.read_bytes() == before


# --------------------------------------------------------------------------- grids by label


def filled_workbook_path(tmp_path: Path, seed: int = 1, language: str = "en") -> Path:
    book = tmp_path / "team.xlsx"
    filled_workbook(book, seed, language)
    return book


def test_sorted_volume_rows_are_carried_by_their_month(tmp_path):
    book = filled_workbook_path(tmp_path)
    before = read_filled(book)

    edit(book, sort_volume_rows)
    after = read_filled(book)
    assert after.volume == before.volume and after.channels == before.channels


def test_an_inserted_volume_row_shifts_nothing(tmp_path):
    book = filled_workbook_path(tmp_path)
    before = read_filled(book)

    edit(book, insert_volume_row)
    after = read_filled(book)
    assert after.volume == before.volume and after.channels == before.channels


def test_counts_in_a_row_without_a_month_stop_the_run(tmp_path):
    book = filled_workbook_path(tmp_path)

    def relabel(wb):
        sheet, cells = name_cells(wb, contract.VOLUME.counts)
        row = int("".join(c for c in cells[2][0] if c.isdigit()))
        wb[sheet][f"A{row}"] = "sometime"

    edit(book, relabel)
    result = regenerate(book)
    assert result.exit_code == 2
    assert "'sometime') is not one of this workbook's months" in result.stderr


def test_category_headers_that_collide_stop_the_run_naming_both_cells(tmp_path):
    book = filled_workbook_path(tmp_path)

    edit(book, collide_headers)
    result = regenerate(book)
    assert result.exit_code == 2
    assert "are both headed 'Shipping'" in result.stderr or "are both headed 'shipping'" \
        in result.stderr


def test_two_columns_of_the_same_month_stop_the_run(tmp_path):
    book = filled_workbook_path(tmp_path)

    edit(book, duplicate_month)
    result = regenerate(book)
    assert result.exit_code == 2
    assert "are both the month 2026-01" in result.stderr


# --------------------------------------------------------------------------- values in odd places


def test_numbers_typed_over_a_kpi_formula_are_listed(tmp_path):
    book = filled_workbook_path(tmp_path)

    edit(book, type_over_kpi)
    result = regenerate(book)
    assert result.exit_code == 2
    assert result.stderr.count("was typed over the formula") >= 12


def test_a_formula_without_its_saved_result_is_listed_not_blanked(tmp_path):
    book = filled_workbook_path(tmp_path)

    def formula(wb):
        sheet, cells = name_cells(wb, contract.input_name("agents"))
        wb[sheet][cells[0][0]] = "=2+3"  # openpyxl saves no cached result

    edit(book, formula)
    result = regenerate(book)
    assert result.exit_code == 2
    assert "holds the formula '=2+3', whose result the file does not have" in result.stderr


def test_text_numbers_follow_the_workbooks_locale(tmp_path):
    book = filled_workbook_path(tmp_path, language="ru")

    def paste(wb):
        sheet, cells = name_cells(wb, contract.input_name("agents"))
        wb[sheet][cells[0][0]] = "1,250"
        wb[sheet][cells[0][1]] = "1 250"

    edit(book, paste)
    filled = read_filled(book)
    assert filled.inputs["agents"][:2] == [1.25, 1250.0]
    assert parse_number("1,250", ".") == (1250.0, None)
    assert parse_number("1,250", None)[0] is None  # no locale: ambiguous


@pytest.mark.parametrize(("text", "mark", "number"), [
    ("12", ".", 12.0), ("1 234", ",", 1234.0), ("1 234,5", ",", 1234.5), ("1,5", ",", 1.5),
    ("1,234.5", ".", 1234.5), ("12.5", ".", 12.5), ("1,25", None, 1.25), ("-3", ".", -3.0),
    ("1.234,5", ".", None), ("12.5", ",", None), ("1.250", None, None), ("12 tickets", ".", None),
    ("1e999", ".", None), ("1 23", ".", None),
])
def test_parse_number_reads_only_unambiguous_text(text, mark, number):
    assert parse_number(text, mark)[0] == number
    if number is None:
        assert parse_number(text, mark)[1]


def test_non_finite_values_are_refused_not_written(tmp_path):
    assert parse_number(float("inf"))[1] == "inf is not a finite number"
    with pytest.raises(UsageError, match="not a finite number"):
        write_workbook(tmp_path / "x.xlsx", Config(),
                       WorkbookData(inputs={"agents": [float("nan")]}))
    assert not (tmp_path / "x.xlsx").exists()
    # a huge but finite input: KPIs that overflow are cached blank, never as inf
    write_workbook(tmp_path / "big.xlsx", Config(),
                   WorkbookData(inputs={"csat_responses": [1e308] * 12,
                                        "csat_satisfied": [1e308] * 12}))
    with zipfile.ZipFile(tmp_path / "big.xlsx") as archive:
        sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any(b"<v>inf" in part or b"<v>nan" in part for part in sheets)
    assert read_filled(tmp_path / "big.xlsx").inputs["csat_responses"][0] == 1e308


def test_a_workbook_that_unpacks_too_large_is_refused_before_reading(tmp_path):
    book = filled_workbook_path(tmp_path)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/sharedStrings.xml":
                content += b" " * (300 * 2**20)
            out.writestr(name, content)
    with pytest.raises(UsageError, match="unpacks to"):
        read_filled(bomb)


# --------------------------------------------------------------------------- branding travels


def test_regenerating_without_a_configuration_keeps_the_branding(tmp_path):
    from test_config import PNG

    (tmp_path / "logo.png").write_bytes(PNG)
    (tmp_path / "brand.toml").write_text(
        'logo = "logo.png"\nfont = "Georgia"\nauthor = "Ops team"\nbenchmarks = false\n'
        '[colors]\nprimary = "#5B2C6F"\naccent = "#117A65"\n'
        '[sheets]\ntracker = "KPIs"\nvolume = "Tickets"\n', encoding="utf-8")
    book = tmp_path / "branded.xlsx"
    result = run("generate", "--config", str(tmp_path / "brand.toml"), "--out", str(book))
    assert result.exit_code == 0, result.stderr
    (tmp_path / "logo.png").unlink()  # the workbook carries its own copy
    result = regenerate(book, "--company", "Acme Robotics")
    assert result.exit_code == 0, result.stderr
    again = read_filled(book).made_with
    assert (again.company, again.font, again.author, again.benchmarks) == (
        "Acme Robotics", "Georgia", "Ops team", False)
    assert (again.primary_color, again.accent_color) == ("#5B2C6F", "#117A65")
    assert again.sheet_names == {"tracker": "KPIs", "volume": "Tickets"}
    with zipfile.ZipFile(book) as archive:
        media = [n for n in archive.namelist() if n.startswith("xl/media/")]
        assert media and archive.read(media[0]) == PNG
    book_sheets = load_workbook(book, read_only=True).sheetnames
    assert "KPIs" in book_sheets and "Tickets" in book_sheets


def test_a_sheet_of_the_teams_own_is_carried_with_its_formulas_formats_widths_and_notes(tmp_path):
    from openpyxl.comments import Comment

    book = filled_workbook_path(tmp_path)

    def add_sheet(wb):
        ws = wb.create_sheet("Our notes")
        ws["A1"], ws["B2"], ws["C3"] = "launch week", 0.25, "=SUM(kpi_nps)"
        ws["B2"].number_format = "0.0%"
        ws.column_dimensions["A"].width = 31
        ws["A1"].comment = Comment("the big release", "lead")

    edit(book, add_sheet)
    assert run("generate", "--out", str(book)).exit_code == 2  # a plain generate keeps off it
    result = regenerate(book, "--company", "Acme")
    assert result.exit_code == 0, result.stderr
    again = load_workbook(book)
    ws = again["Our notes"]
    assert [name for name in again.sheetnames if name != SETTINGS_SHEET][-1] == "Our notes"
    assert (ws["A1"].value, ws["B2"].value, ws["C3"].value) == ("launch week", 0.25, "=SUM(kpi_nps)")
    assert ws["B2"].number_format == "0.0%"
    assert ws.column_dimensions["A"].width == pytest.approx(31, abs=1)
    assert ws["A1"].comment is not None and "the big release" in ws["A1"].comment.text


def test_what_an_own_sheet_holds_that_cannot_be_carried_is_listed(tmp_path):
    book = filled_workbook_path(tmp_path)

    def add_sheet(wb):
        ws = wb.create_sheet("Board")
        ws["A1"], ws["A2"] = "merged title", 3
        ws.merge_cells("A1:C1")

    edit(book, add_sheet)
    result = regenerate(book)
    assert result.exit_code == 2
    assert "the sheet 'Board': merged cells A1:C1 cannot be carried over" in result.stderr
    assert regenerate(book, "--drop-data").exit_code == 0
    assert load_workbook(book)["Board"]["A2"].value == 3


def test_an_own_sheet_named_like_a_new_csmetrics_sheet_is_renamed(tmp_path):
    book = filled_workbook_path(tmp_path)

    def add_sheet(wb):
        wb.create_sheet("Показатели")["A1"] = "ours"  # the Russian Tracker's name

    edit(book, add_sheet)
    result = regenerate(book, "--lang", "ru")
    assert result.exit_code == 0, result.stderr
    assert "is now called 'Показатели (2)'" in result.stdout
    assert load_workbook(book, read_only=True)["Показатели (2)"]["A1"].value == "ours"


# --------------------------------------------------------------------------- random sequences of edits

# Edits after which every value still has its meaning, and edits after which some
# value cannot be placed: the run must then refuse (and list), never go ahead.
KEEPING = {"sort": sort_volume_rows, "insert row": insert_volume_row, "own sheet": add_own_sheet}
REFUSED = {"collide headers": collide_headers, "duplicate month": duplicate_month,
           "type over a KPI": type_over_kpi,
           "delete a name": delete_input_name, "break a name": break_target_name,
           "paste text": paste_text}


def carried(path: Path) -> dict:
    filled = read_filled(path)
    return {"starts": filled.starts, "inputs": filled.inputs, "volume": filled.volume,
            "channels": filled.channels, "targets": filled.targets,
            "calculators": filled.calculators, "gross margin": filled.gross_margin}


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000),
       edits=st.lists(st.sampled_from(sorted(KEEPING)), min_size=1, max_size=3)
       | st.lists(st.sampled_from(sorted({**KEEPING, **REFUSED})), min_size=1, max_size=4))
def test_random_edits_never_lose_a_value_silently(tmp_path_factory, seed, edits):
    book = filled_workbook_path(tmp_path_factory.mktemp("edits"), seed=seed)
    before = carried(book)

    def apply(wb):
        for name in edits:
            {**KEEPING, **REFUSED}[name](wb)

    edit(book, apply)
    edited = book.read_bytes()
    result = regenerate(book)
    if any(name in REFUSED for name in edits):
        assert result.exit_code == 2, f"{edits} went ahead: {result.output}"
        assert result.stderr.strip() and "Traceback" not in result.stderr
        assert book.read_bytes() == edited  # nothing written
    else:
        assert result.exit_code == 0, result.stderr
        assert carried(book) == before, f"{edits} changed the data"


def test_a_number_typed_outside_the_layout_is_listed(tmp_path):
    book = filled_workbook_path(tmp_path)

    def type_beside(wb):
        sheet, cells = name_cells(wb, contract.input_name("agents"))
        wb[sheet][f"Z{row_of(cells[0][0])}"] = 9

    edit(book, type_beside)
    result = regenerate(book)
    assert result.exit_code == 2
    assert "!Z" in result.stderr and "9 is outside the cells csmetrics reads" in result.stderr


def test_notes_on_input_cells_travel_with_their_values(tmp_path):
    from openpyxl.comments import Comment

    book = filled_workbook_path(tmp_path)

    def annotate(wb):
        sheet, cells = name_cells(wb, contract.input_name("agents"))
        wb[sheet][cells[0][2]].comment = Comment("two joined mid-month", "lead")
        sheet, cells = name_cells(wb, contract.VOLUME.counts)
        wb[sheet][cells[4][0]].comment = Comment("outage week", "lead")
        sheet, cells = name_cells(wb, contract.target_name("csat"))
        wb[sheet][cells[0][0]].comment = Comment("agreed with the VP", "lead")

    edit(book, annotate)
    result = regenerate(book, "--lang", "ru")  # the default categories are translated too
    assert result.exit_code == 0, result.stderr
    again = read_filled(book)
    assert again.notes[("inp", "agents", 2)] == "two joined mid-month"
    assert again.notes[("target", "csat", 0)] == "agreed with the VP"
    (category, month), = [(k, m) for kind, k, m in again.notes if kind == "vol"]
    assert month == 4 and category == next(iter(again.volume))


def test_a_note_whose_cell_is_gone_is_listed(tmp_path):
    from openpyxl.comments import Comment

    book = tmp_path / "empty.xlsx"
    write_workbook(book, Config(), WorkbookData())  # no values: the note is all there is

    def annotate(wb):
        sheet, cells = name_cells(wb, contract.input_name("agents"))
        wb[sheet][cells[0][0]].comment = Comment("January note", "lead")

    edit(book, annotate)
    result = regenerate(book, "--year", "2027")  # January 2026 is not a month of the new one
    assert result.exit_code == 2
    assert "the note on inp agents 2026-01: 'January note' (its cell is gone)" in result.stderr


def test_a_colour_given_to_an_input_cell_travels_with_it(tmp_path):
    from openpyxl.styles import PatternFill

    book = filled_workbook_path(tmp_path)

    def colour(wb):
        sheet, cells = name_cells(wb, contract.input_name("agents"))
        wb[sheet][cells[0][6]].fill = PatternFill("solid", fgColor="FFC6E0B4")

    edit(book, colour)
    assert regenerate(book, "--company", "Acme").exit_code == 0
    again = read_filled(book)
    assert again.fills == {("inp", "agents", 6): "#C6E0B4"}
    assert read_filled(book).inputs["agents"][6] is not None


def test_text_typed_beside_the_layout_or_over_a_label_is_listed(tmp_path):
    book = filled_workbook_path(tmp_path)

    def type_text(wb):
        sheet, cells = name_cells(wb, contract.input_name("agents"))
        wb[sheet][f"Z{row_of(cells[0][0])}"] = "Q1 was odd: two outages"
        wb[sheet][f"A{row_of(cells[0][0])}"] = "Agents incl. contractors"

    edit(book, type_text)
    result = regenerate(book)
    assert result.exit_code == 2
    assert "the text 'Q1 was odd: two outages' is not csmetrics' own" in result.stderr
    assert "the text 'Agents incl. contractors' is not csmetrics' own" in result.stderr
