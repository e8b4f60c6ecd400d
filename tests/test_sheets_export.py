"""Checks of ``sheets_export``, the imitation of a Google Sheets download.

The imitation is only worth what it reproduces: every fact that the profiled
Google-made files agree on (``tests/fixtures/google-export-profile.json``, written by
``scripts/google_export_profile.py`` from roo-rb/roo's fixtures) must hold for its
output, measured by the same profiler; each documented change is checked on a
filled workbook from ``write_workbook``; whatever it should not touch must come out
identical; and the result must still open in openpyxl, csmetrics' reader and
LibreOffice.
"""

from __future__ import annotations

import importlib.util
import json
import random
import re
import warnings
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from csmetrics.xlsx.contract import SETTINGS_SHEET
from csmetrics.xlsx.reader import _comments, read_filled
from csmetrics.xlsx.writer import write_workbook
from engines import is_error, read_values, recalc_libreoffice, require_engine
from openpyxl import load_workbook
from sheets_export import (
    NOTE_AUTHOR,
    comments_xml,
    gid_of,
    hyperlinks_xml,
    sheets_export,
    validations_xml,
    workbook_xml,
)
from static_books import FILLED_CONFIG, FILLED_SEED, assert_none
from tests_support import rewrite_part
from workbooks import random_data
from xlsx_parts import NS, Book, read_book

ROOT = Path(__file__).resolve().parent.parent
PROFILE = ROOT / "tests" / "fixtures" / "google-export-profile.json"
NOTES = {("inp", "csat_responses", 0): 'Survey tool "A" & <B> changed', ("vol", "Shipping", 2): "Estimate"}


def profiler() -> ModuleType:
    """scripts/google_export_profile.py, which is no package: loaded from its file."""
    spec = importlib.util.spec_from_file_location("google_export_profile",
                                                  ROOT / "scripts" / "google_export_profile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def profile() -> dict[str, Any]:
    return json.loads(PROFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A filled workbook (fiscal year, random data) with notes of the team's own."""
    data = random_data(random.Random(FILLED_SEED), FILLED_CONFIG, blank=0.25, zero=0.1, months=9)
    data.notes = dict(NOTES)
    return write_workbook(tmp_path_factory.mktemp("sheets-source") / "source.xlsx", FILLED_CONFIG, data)


@pytest.fixture(scope="module")
def exported(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sheets_export(source, tmp_path_factory.mktemp("sheets-export") / "exported.xlsx")


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def links_of(book: Book) -> dict[tuple[str, str], dict[str, str]]:
    """(sheet, cell) -> the attributes of its <hyperlink>."""
    return {(sheet.name, link.get("ref", "")): dict(link.attrib) for sheet in book.sheets
            for link in sheet.root.iterfind("m:hyperlinks/m:hyperlink", NS)}


# --------------------------------------------------------------------------- the profile


def test_profile_comes_from_google_made_files(profile: dict[str, Any]) -> None:
    files = profile["source"]["files"]
    assert profile["source"]["repository"] == "roo-rb/roo"
    assert any("google" in name for name in files), files
    assert all(re.fullmatch(r"[0-9a-f]{40}", f["read_at_commit"]) for f in files.values())
    assert profile["facts"], "the profile records no fact"


def test_export_has_every_fact_of_the_google_files(profile: dict[str, Any], exported: Path) -> None:
    """The profiler that read Google's files reads the export: every fact they agree
    on has the same value for it."""
    tool = profiler()
    mine = tool.common_facts([tool.profile_file("exported.xlsx", exported.read_bytes())])
    assert_none((f"{key}: Google files show {fact['value']!r}, the export "
                 f"{mine.get(key, {}).get('value', '(no such fact)')!r}"
                 for key, fact in profile["facts"].items()
                 if mine.get(key, {}).get("value") != fact["value"]),
                "facts the export does not reproduce")


def test_export_matches_the_documented_link_form(profile: dict[str, Any], source: Path,
                                                 exported: Path) -> None:
    documented = profile["documented"]["internal_hyperlinks"]
    before, after = read_book(source), read_book(exported)
    links = links_of(before)
    assert links, "the source workbook has internal links to convert"
    assert len(links_of(after)) == documented["hyperlink_elements_with_location"]
    problems = []
    for (sheet, ref), attributes in links.items():
        cell = after.sheet(sheet).cell(ref)
        pattern = documented["formula_pattern"]
        if cell is None or cell.formula is None or not re.fullmatch(pattern, cell.formula):
            problems.append(f"{sheet}!{ref}: {cell and cell.formula!r} is not a Sheets HYPERLINK")
        elif cell.text != attributes["display"] or f'"{attributes["display"]}")' not in cell.formula:
            problems.append(f"{sheet}!{ref}: label or cached value {cell.text!r} is not the display")
    assert_none(problems, "links not converted as Sheets does")


def test_export_drops_the_documented_names_and_validation_texts(profile: dict[str, Any],
                                                                exported: Path) -> None:
    names, rules = profile["documented"]["defined_names"], profile["documented"]["data_validation"]
    book = read_book(exported)
    assert not [n.name for n in book.names if n.name.startswith(names["dropped_prefix"])]
    found = [(sheet.name, rule.sqref, key) for sheet in book.sheets for rule in sheet.validations
             for key in rules["dropped_attributes"] if key in rule.attributes]
    found += [(sheet.name, rule.sqref, "type") for sheet in book.sheets for rule in sheet.validations
              if rule.attributes.get("type") in rules["absent_types"]]
    assert found == []


# --------------------------------------------------------------------------- each change


def test_document_properties_are_gone_with_their_references(exported: Path) -> None:
    parts = parts_of(exported)
    assert not [p for p in parts if p.startswith("docProps/")]
    assert b"docProps" not in parts["_rels/.rels"] and b"docProps" not in parts["[Content_Types].xml"]
    types = parts["[Content_Types].xml"].decode()
    defaults = set(re.findall(r'<Default Extension="([^"]+)"', types))
    overrides = set(re.findall(r'<Override PartName="/([^"]+)"', types))
    untyped = [p for p in parts if p != "[Content_Types].xml" and p not in overrides
               and p.rsplit(".", 1)[-1] not in defaults]
    assert untyped == [], "every part keeps a content type"
    assert not overrides - set(parts), "no content type for a part that is gone"


def test_workbook_settings_are_bare_and_print_names_gone(source: Path, exported: Path) -> None:
    before, after = read_book(source), read_book(exported)
    xml = after.package.parts["xl/workbook.xml"]
    assert b"<calcPr/>" in xml and b"<workbookPr/>" in xml
    assert [n for n in before.names if n.name.startswith("_xlnm.")], "the source has print names"
    assert after.names == [n for n in before.names if not n.name.startswith("_xlnm.")]


def test_comments_become_notes_with_the_author_appended(source: Path, exported: Path) -> None:
    """The raw notes of the download carry Sheets' author line (the reader strips it:
    test_the_reader_reads_the_export_like_the_source)."""
    before = _comments(source)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns about what it cannot read
        workbook = load_workbook(exported)
    after: dict[str, dict[tuple[int, int], str]] = {}
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.comment is not None:
                    after.setdefault(ws.title, {})[(c.row, c.column)] = c.comment.text
    assert before and after.keys() == before.keys()
    assert_none((f"{sheet}!{cell}: {after[sheet].get(cell)!r}" for sheet, notes in before.items()
                 for cell, text in notes.items() if after[sheet].get(cell) != f"{text}\n\t-{NOTE_AUTHOR}"),
                "notes without Sheets' author line")
    assert {cell for notes in after.values() for cell in notes} == {
        cell for notes in before.values() for cell in notes}
    parts = parts_of(exported)
    for part in (p for p in parts if re.fullmatch(r"xl/comments\d+\.xml", p)):
        assert b"<authors><author></author></authors>" in parts[part] and b"<r>" not in parts[part]


def test_comment_rewrite_keeps_authors_and_escapes() -> None:
    xml = (b'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors>'
           b"<author>Ann</author><author></author></authors><commentList>"
           b'<comment ref="B2" authorId="0"><text><r><t>Two </t></r><r><rPr><b/></rPr><t>runs &amp; &lt;x&gt;'
           b'</t></r></text></comment><comment ref="C3" authorId="1"><text><t>plain</t></text></comment>'
           b"</commentList></comments>")
    out = comments_xml(xml, note_author="Bob")
    assert (b'<comment authorId="0" ref="B2"><text><t xml:space="preserve">'
            b"Two runs &amp; &lt;x&gt;\n\t-Ann</t>") in out
    assert b'<comment authorId="0" ref="C3"><text><t xml:space="preserve">plain\n\t-Bob</t>' in out


def test_links_become_formulas_labelled_by_display_only() -> None:
    sheet = (b'<worksheet><sheetData><row r="1"><c r="A1" s="3" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v>'
             b'</c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row></sheetData><hyperlinks>'
             b'<hyperlink ref="A1" location="\'It&apos;s here\'!B7" display="Say &quot;hi&quot; &amp; go"/>'
             b'<hyperlink ref="B1" location="Data!$A$1:$B$2"/>'
             b'<hyperlink ref="C1" location="Data!A1" display="Other text"/>'
             b'<hyperlink ref="D1" r:id="rId1"/></hyperlinks></worksheet>')
    gids = {"It's here": 0, "Data": 77}
    out = hyperlinks_xml(sheet, gids, ["cell text", "B text", "C text", "D text"]).decode()
    assert ('<c r="A1" s="3" t="str"><f>HYPERLINK("#gid=0&amp;range=B7","Say ""hi"" &amp; go")</f>'
            '<v>Say "hi" &amp; go</v></c>') in out
    assert '<f>HYPERLINK("#gid=77&amp;range=A1:B2","#gid=77&amp;range=A1:B2")</f>' in out
    assert '<v>Other text</v>' in out, "the display wins over the cell's own text"
    assert '<hyperlinks><hyperlink ref="D1" r:id="rId1"/></hyperlinks>' in out, "external links stay"
    assert gid_of(0, "Start") == 0 and gid_of(1, "Tracker") == gid_of(1, "Tracker") > 0


def test_validations_keep_only_the_prompt_and_no_whole_numbers() -> None:
    xml = (b'<dataValidations count="2"><dataValidation type="whole" operator="greaterThanOrEqual" '
           b'allowBlank="1" showInputMessage="1" showErrorMessage="1" errorTitle="Bad" error="Enter 0+" '
           b'promptTitle="Title" prompt="Tickets, 0 or more" sqref="C7:N7"><formula1>0</formula1>'
           b'</dataValidation><dataValidation type="list" sqref="A1"><formula1>"a,b"</formula1>'
           b"</dataValidation></dataValidations>")
    assert validations_xml(xml) == (
        b'<dataValidations count="2"><dataValidation type="decimal" operator="greaterThanOrEqual" '
        b'allowBlank="1" showInputMessage="1" showErrorMessage="1" prompt="Tickets, 0 or more" '
        b'sqref="C7:N7"><formula1>0</formula1></dataValidation><dataValidation type="list" sqref="A1">'
        b'<formula1>"a,b"</formula1></dataValidation></dataValidations>')


def test_workbook_rewrite_keeps_states_dates_and_names() -> None:
    xml = (b'<workbook xmlns:r="r"><fileVersion appName="xl"/><workbookPr date1904="1" '
           b'defaultThemeVersion="1"/><bookViews><workbookView activeTab="1"/></bookViews><sheets>'
           b'<sheet name="A" sheetId="1" r:id="rId1"/>'
           b'<sheet name="B" sheetId="2" state="hidden" r:id="rId2"/></sheets><definedNames>'
           b'<definedName name="_xlnm.Print_Area" localSheetId="0">A!$A$1:$B$2</definedName></definedNames>'
           b'<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>')
    assert workbook_xml(xml) == (
        b'<workbook xmlns:r="r"><workbookPr date1904="1"/><sheets><sheet state="visible" name="A" '
        b'sheetId="1" r:id="rId1"/><sheet name="B" sheetId="2" state="hidden" r:id="rId2"/></sheets>'
        b"<definedNames/><calcPr/></workbook>")
    bare = workbook_xml(b'<workbook><sheets><sheet name="A"/></sheets><calcPr/></workbook>')
    assert bare == (b'<workbook><sheets><sheet state="visible" name="A"/></sheets><definedNames/>'
                    b"<calcPr/></workbook>")


# --------------------------------------------------------------------------- what stays


def test_everything_else_is_kept(source: Path, exported: Path) -> None:
    """Parts the trip does not concern are byte-identical, and so is every cell but the
    links: values, formulas and their cached values, styles (number formats)."""
    before, after = parts_of(source), parts_of(exported)
    rewritten = {"xl/workbook.xml", "[Content_Types].xml", "_rels/.rels"}
    rewritten |= {p for p in before if re.fullmatch(r"xl/(worksheets/(_rels/)?sheet\d+\.xml(\.rels)?|"
                                                    r"comments\d+\.xml)", p)}
    kept = [p for p in before if p not in rewritten and not p.startswith("docProps/")]
    assert "xl/styles.xml" in kept and "xl/sharedStrings.xml" in kept
    assert [p for p in kept if before[p] != after.get(p)] == []
    old, new = read_book(source), read_book(exported)
    links = links_of(old)
    changed = [f"{sheet.name}!{ref}" for sheet in old.sheets for ref, cell in sheet.cells.items()
               if (sheet.name, ref) not in links and new.sheet(sheet.name).cell(ref) != cell]
    assert changed == []
    assert [(s.name, len(s.cells)) for s in old.sheets] == [(s.name, len(s.cells)) for s in new.sheets]
    assert old.xfs == new.xfs


def test_hidden_sheets_stay_hidden(source: Path, tmp_path: Path) -> None:
    hidden = rewrite_part(source, tmp_path / "hidden.xlsx", "xl/workbook.xml",
                          lambda xml: xml.replace(b'<sheet name="Ticket Volume"',
                                                  b'<sheet name="Ticket Volume" state="hidden"', 1))
    out = sheets_export(hidden, tmp_path / "hidden-out.xlsx")
    workbook = load_workbook(out, read_only=True)
    try:
        states = {ws.title: ws.sheet_state for ws in workbook.worksheets}
    finally:
        workbook.close()
    assert states["Ticket Volume"] == "hidden"
    assert states[SETTINGS_SHEET] == "hidden"  # csmetrics' own settings sheet, hidden by design
    assert {s for t, s in states.items() if t not in ("Ticket Volume", SETTINGS_SHEET)} == {"visible"}


def test_the_reader_reads_the_export_like_the_source(source: Path, exported: Path) -> None:
    """csmetrics' reader finds the same entries and settings in the download (without
    the document properties: through the names and the settings sheet); each note
    comes back as the team wrote it, without the author line Sheets appends."""
    before, after = read_filled(source), read_filled(exported)
    assert after.properties == before.properties and before.properties
    assert (after.inputs, after.volume, after.channels, after.targets, after.calculators,
            after.gross_margin, after.starts) == (before.inputs, before.volume, before.channels,
                                                  before.targets, before.calculators,
                                                  before.gross_margin, before.starts)
    assert before.notes == NOTES
    assert after.notes == NOTES


@pytest.mark.engines
def test_libreoffice_opens_the_export_with_the_same_results(source: Path, exported: Path,
                                                            tmp_path: Path) -> None:
    """Recalculated by LibreOffice, the export shows what the source shows, cell for
    cell, and each link cell shows its label; no error value anywhere."""
    require_engine("libreoffice")
    done = recalc_libreoffice([source, exported], tmp_path / "lo")
    old, new = read_values(done[source]), read_values(done[exported])
    assert list(new.errors()) == []
    links = links_of(read_book(source))
    differences = []
    for sheet in read_book(source).sheets:
        for ref in sheet.cells:
            link = links.get((sheet.name, ref))
            want = link["display"] if link else old.value(sheet.name, ref)
            got = new.value(sheet.name, ref)
            if got != want and not (isinstance(got, float) and isinstance(want, float)
                                    and abs(got - want) <= 1e-9 * max(1.0, abs(want))):
                differences.append(f"{sheet.name}!{ref}: {want!r} before, {got!r} after")
            if is_error(got):
                differences.append(f"{sheet.name}!{ref}: {got!r}")
    assert_none(differences, "cells LibreOffice shows differently after the trip")
