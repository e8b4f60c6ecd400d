"""Every part of the generated workbooks is valid against the ECMA-376 Transitional
schemas (``ooxml_schema``): Excel repairs or refuses what breaks them, where
LibreOffice and Google Sheets often shrug. The variants here are those whose parts
differ: languages, periods, the metric selection (no Ticket Volume sheet, no
charts), a logo (drawings and media), and regenerated workbooks (a team's own
sheet, with its notes). The checks of the validator itself come last: it must
catch a broken part, follow Markup Compatibility and report what it cannot check.
"""

from __future__ import annotations

import base64
import random
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from csmetrics.config.settings import Config
from csmetrics.generate import generate_workbook
from csmetrics.xlsx import contract
from csmetrics.xlsx.writer import write_workbook
from lxml import etree
from ooxml_schema import (
    MC,
    SML,
    SessionCheck,
    apply_markup_compatibility,
    compiled,
    read_parts,
    schema_folder,
    validate_package,
    validate_xlsx,
)
from openpyxl import load_workbook
from openpyxl.comments import Comment
from static_books import Generated, assert_none
from workbooks import make_workbook, random_data

FOLDER = schema_folder()
pytestmark = pytest.mark.skipif(
    FOLDER is None, reason="no OOXML schemas in ../shared/ooxml-schemas (or OOXML_SCHEMAS)")

# A 2x1 PNG, as the configuration tests make one.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAcDAEA1c9E3QAAAABJRU5ErkJggg==")

WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def valid(path: Path) -> list[str]:
    """The workbook's schema problems (none expected) and that it was read at all."""
    parts = read_parts(path)
    assert "xl/workbook.xml" in parts and "[Content_Types].xml" in parts
    return validate_package(parts, FOLDER)


def written(path: Path, config: Config, seed: int | None = None) -> Path:
    data = None if seed is None else random_data(random.Random(seed), config, months=7)
    make_workbook(path, config, data)
    return path


# --------------------------------------------------------------------------- the workbooks

@pytest.mark.parametrize("name", ["default", "filled", "hostile"])
def test_the_session_workbooks_are_valid(name: str, request: pytest.FixtureRequest) -> None:
    book: Generated = request.getfixturevalue(f"{name}_book")
    assert_none(validate_package(book.xlsx.package.parts, FOLDER), f"schema problems in {name}")


@pytest.mark.parametrize("language", ["en", "zh-CN", "ru", "af"])
def test_every_language_is_valid(tmp_path: Path, language: str) -> None:
    path = written(tmp_path / "book.xlsx", Config(language=language), seed=len(language))
    assert_none(valid(path), f"schema problems in {language}")


@pytest.mark.parametrize("config", [
    Config(years=3),
    Config(year=2026, start_month=4),
    Config(year=2025, start_month=10, years=2, benchmarks=False),
], ids=["three years", "fiscal year", "two fiscal years without benchmarks"])
def test_periods_are_valid(tmp_path: Path, config: Config) -> None:
    assert_none(valid(written(tmp_path / "book.xlsx", config, seed=5)), "schema problems")


@pytest.mark.parametrize(("metrics", "volume"), [
    (("nps", "csat", "frt"), True),  # FRT is per ticket received: Ticket Volume stays
    (("nps", "csat", "ces"), False),  # no ticket counts: no Ticket Volume sheet, no charts
])
def test_a_metric_subset_is_valid(tmp_path: Path, metrics: tuple[str, ...], volume: bool) -> None:
    config = Config(metrics=metrics)
    context = make_workbook(tmp_path / "book.xlsx", config,
                            random_data(random.Random(6), config, months=7))
    parts = read_parts(tmp_path / "book.xlsx")
    assert context.config.selection.volume is volume
    assert bool([name for name in parts if name.startswith("xl/charts/")]) is volume
    assert_none(validate_package(parts, FOLDER), "schema problems")


def test_a_branded_workbook_with_a_logo_is_valid(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(PNG)
    config = Config(company="Acme Robotics", title="Acme Support", logo=str(tmp_path / "logo.png"),
                    font="Georgia", primary_color="#5B2A86", accent_color="#F29E4C", currency="EUR",
                    author="Ops team", categories=("Billing", "Bug"), channels=("Email", "Chat"))
    path = written(tmp_path / "book.xlsx", config, seed=7)
    parts = read_parts(path)
    assert [name for name in parts if name.startswith("xl/media/")]  # the logo is in
    assert_none(validate_package(parts, FOLDER), "schema problems")


def _with_own_sheet(path: Path) -> None:
    """Add a sheet of the team's own, with a note, as a script editing the workbook would."""
    book = load_workbook(path)
    sheet = book.create_sheet("Our notes")
    sheet["A1"], sheet["B2"], sheet["C3"] = "launch week", 0.25, "=SUM(kpi_nps)"
    sheet["B2"].number_format = "0.0%"
    sheet.column_dimensions["A"].width = 31
    sheet["A1"].comment = Comment("the big release", "lead")
    book.save(path)


def test_a_regenerated_workbook_with_a_sheet_of_the_teams_own_is_valid(tmp_path: Path) -> None:
    source, out = tmp_path / "team.xlsx", tmp_path / "again.xlsx"
    config = Config(year=2025)
    write_workbook(source, config, random_data(random.Random(8), config, months=5))
    _with_own_sheet(source)
    generate_workbook(out, source=source, overrides={"language": "ru", "company": "Acme"})
    assert "Our notes" in load_workbook(out, read_only=True).sheetnames
    assert_none(valid(out), "schema problems")


def test_a_workbook_regenerated_over_itself_is_valid(tmp_path: Path) -> None:
    """Written and rewritten by csmetrics alone, no other application between."""
    book = tmp_path / "team.xlsx"
    config = Config(years=2)
    write_workbook(book, config, random_data(random.Random(9), config, months=14))
    generate_workbook(book, source=book, overrides={"title": "Support 2026"})
    assert_none(validate_xlsx(book, FOLDER), "schema problems")


def test_text_with_edge_spaces_is_valid(tmp_path: Path) -> None:
    """Text with leading or trailing spaces is written with xml:space="preserve"
    (as Excel writes it): allowed on SpreadsheetML text, see ``XML_SPACE_ALLOWED``."""
    path = written(tmp_path / "book.xlsx", Config(categories=(" Billing ", "Bug")), seed=10)
    strings = read_parts(path)["xl/sharedStrings.xml"]
    assert b'<t xml:space="preserve"> Billing </t>' in strings
    assert_none(valid(path), "schema problems")
    assert FOLDER is not None  # the bare ISO schema would refuse it: the allowance is needed
    assert not compiled(FOLDER).schema.validate(etree.fromstring(strings))


def test_xml_space_is_allowed_on_text_elements_only(default_book: Generated) -> None:
    spaced = _changed(default_book, "xl/sharedStrings.xml",
                      lambda xml: xml.replace("<si><t>", '<si><t xml:space="preserve">', 1))
    assert validate_package(spaced, FOLDER) == []
    misplaced = _changed(default_book, "xl/sharedStrings.xml",
                         lambda xml: xml.replace("<si><t>", '<si xml:space="preserve"><t>', 1))
    problems = validate_package(misplaced, FOLDER)
    assert len(problems) == 1 and "Element 'x:si', attribute" in problems[0], problems
    wrong_value = _changed(default_book, "xl/sharedStrings.xml",
                           lambda xml: xml.replace("<si><t>", '<si><t xml:space="keep">', 1))
    assert len(validate_package(wrong_value, FOLDER)) == 1


def test_validating_a_workbook_is_fast(default_book: Generated) -> None:
    """The session check validates every workbook the suite writes: it must stay cheap."""
    compiled(FOLDER)  # compiled once per process, not counted
    started = time.perf_counter()
    for _ in range(5):
        validate_package(default_book.xlsx.package.parts, FOLDER)
    assert (time.perf_counter() - started) / 5 < 0.5


# --------------------------------------------------------------------------- the validator catches

def _changed(book: Generated, part: str, change: Callable[[str], str]) -> dict[str, bytes]:
    parts = dict(book.xlsx.package.parts)
    before = parts[part].decode()
    after = change(before)
    assert after != before, "the change did not apply"
    parts[part] = after.encode()
    return parts


def test_an_element_out_of_order_in_a_worksheet_is_caught(default_book: Generated) -> None:
    part = default_book.sheet("tracker").part

    def cols_after_sheet_data(xml: str) -> str:
        cols = re.search(r"<cols>.*?</cols>", xml)
        assert cols is not None
        return xml.replace(cols[0], "").replace("</sheetData>", "</sheetData>" + cols[0])

    problems = validate_package(_changed(default_book, part, cols_after_sheet_data), FOLDER)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{part}: line ")
    assert "Element 'x:cols': This element is not expected" in problems[0]
    assert problems[0].endswith("(at /worksheet/cols)")


def test_a_bad_attribute_is_caught_with_the_cell_it_is_on(default_book: Generated) -> None:
    part = default_book.sheet("tracker").part
    parts = _changed(default_book, part, lambda xml: xml.replace('<c r="B5"', '<c r="B5" t="x"', 1))
    problems = validate_package(parts, FOLDER)
    assert len(problems) == 1 and "'t'" in problems[0] and "/row[r=5]/c[r=B5])" in problems[0], problems


@pytest.mark.parametrize(("part", "change", "expected"), [
    ("xl/styles.xml", lambda x: x.replace("<fonts", "<dxfs count=\"0\"/><fonts", 1), "x:fonts"),
    ("xl/workbook.xml", lambda x: x.replace("<sheets>", "<sheets><bogus/>", 1), "bogus"),
    ("xl/sharedStrings.xml", lambda x: x.replace("<si>", "<si><r/>", 1), "x:r"),
    ("xl/charts/chart1.xml", lambda x: x.replace("<c:plotArea>", "<c:plotArea><c:layout/><c:layout/>", 1),
     "c:layout"),
    ("docProps/core.xml", lambda x: x.replace("<dc:title>", "<dc:title><b/>", 1), "b"),
    ("docProps/app.xml", lambda x: x.replace("<Application>", "<Application><b/>", 1), "b"),
    ("xl/_rels/workbook.xml.rels", lambda x: x.replace(' Id="rId1"', "", 1), "Id"),
    ("[Content_Types].xml", lambda x: x.replace('Extension="xml"', 'Extension="x/ml"', 1), "Extension"),
])
def test_a_broken_part_of_each_kind_is_caught(default_book: Generated, part: str,
                                              change: Callable[[str], str], expected: str) -> None:
    problems = validate_package(_changed(default_book, part, change), FOLDER)
    assert problems and all(p.startswith(f"{part}: ") for p in problems), problems
    assert expected in problems[0], problems


def test_a_part_that_is_not_well_formed_or_of_the_wrong_kind_is_caught(tmp_path: Path) -> None:
    from csmetrics.model.data import WorkbookData

    noted = WorkbookData(notes={("inp", "nps_promoters", 0): "a note, so the workbook has VML"})
    with zipfile.ZipFile(write_workbook(tmp_path / "noted.xlsx", data=noted)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    assert "xl/drawings/vmlDrawing1.vml" in parts
    parts["xl/worksheets/sheet1.xml"] = parts["xl/styles.xml"]
    parts["xl/drawings/vmlDrawing1.vml"] = b"<xml><v:shape></xml>"
    problems = validate_package(parts, FOLDER)
    assert any(p.startswith("xl/worksheets/sheet1.xml: root element x:styleSheet: ") for p in problems)
    assert any(p.startswith("xl/drawings/vmlDrawing1.vml: line 1: not well-formed") for p in problems)


def test_a_part_no_schema_covers_is_reported(default_book: Generated) -> None:
    parts = dict(default_book.xlsx.package.parts)
    parts["xl/unknown.bin"] = b"\0"
    parts["xl/vbaProject.xml"] = b"<x/>"
    types = parts["[Content_Types].xml"].decode().replace(
        "</Types>", '<Override PartName="/xl/vbaProject.xml" ContentType="application/vnd.ms-office.x"/>'
                    '<Override PartName="/xl/gone.xml" ContentType="application/xml"/></Types>')
    parts["[Content_Types].xml"] = types.encode()
    assert sorted(validate_package(parts, FOLDER)) == [
        "[Content_Types].xml: Override for /xl/gone.xml, which is not in the package",
        "xl/unknown.bin: no content type in [Content_Types].xml",
        "xl/vbaProject.xml: content type application/vnd.ms-office.x has no schema here (add it to "
        "ooxml_schema.KINDS, or to WELL_FORMED_ONLY or NOT_XML when no XSD covers it)",
    ]


# --------------------------------------------------------------------------- markup compatibility

X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
X15 = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"


def _excel_like(default_book: Generated, body: Callable[[str], str]) -> dict[str, bytes]:
    """The Tracker part with what Excel adds when it saves: extension namespaces,
    ignorable attributes, alternate content."""
    part = default_book.sheet("tracker").part

    def change(xml: str) -> str:
        xml = xml.replace(
            "<worksheet ", f'<worksheet xmlns:mc="{MC}" xmlns:x14ac="{X14AC}" xmlns:x15="{X15}" '
                          'mc:Ignorable="x14ac" ', 1)
        return body(xml)

    return _changed(default_book, part, change)


def test_ignorable_extensions_are_dropped_before_validating(default_book: Generated) -> None:
    parts = _excel_like(default_book, lambda xml: re.sub(
        r"<sheetFormatPr ([^/]*)/>", r'<sheetFormatPr \1 x14ac:dyDescent="0.25"/>', xml).replace(
        "<sheetData>", "<x14ac:unknown/><sheetData>", 1))
    assert validate_package(parts, FOLDER) == []


def test_alternate_content_is_resolved_to_the_fallback(default_book: Generated) -> None:
    part = default_book.sheet("tracker").part
    choice = ('<mc:AlternateContent><mc:Choice Requires="x15"><x15:anything/></mc:Choice>'
              "<mc:Fallback>{}</mc:Fallback></mc:AlternateContent>")
    fine = _excel_like(default_book, lambda xml: re.sub(
        r"(<sheetFormatPr [^/]*/>)", lambda m: choice.format(m[1]), xml, count=1))
    assert validate_package(fine, FOLDER) == []
    # the Fallback is what gets validated: a misplaced element inside it is caught
    wrong = _excel_like(default_book, lambda xml: re.sub(
        r"(<sheetFormatPr [^/]*/>)", lambda m: choice.format('<dimension ref="A1"/>'), xml, count=1))
    problems = validate_package(wrong, FOLDER)
    assert len(problems) == 1 and problems[0].startswith(f"{part}: line ") and "x:dimension" in problems[0]


def test_markup_compatibility_problems_are_reported() -> None:
    root = etree.fromstring(
        f'<worksheet xmlns="{SML}" xmlns:mc="{MC}" xmlns:x15="{X15}" mc:Ignorable="nope" '
        f'mc:MustUnderstand="x15"><sheetData/></worksheet>'.encode())
    problems = apply_markup_compatibility(root, compiled(FOLDER).namespaces)
    assert problems == ["line 1: mc:Ignorable names undeclared prefix 'nope'",
                        f"line 1: mc:MustUnderstand names a namespace not understood: {X15}"]
    assert dict(root.attrib) == {}  # the mc attributes are gone


def test_an_understood_choice_is_taken_over_the_fallback() -> None:
    root = etree.fromstring(
        f'<worksheet xmlns="{SML}" xmlns:mc="{MC}" xmlns:x="{SML}"><mc:AlternateContent>'
        '<mc:Choice Requires="x"><sheetData/></mc:Choice><mc:Fallback><bogus/></mc:Fallback>'
        "</mc:AlternateContent></worksheet>".encode())
    assert apply_markup_compatibility(root, compiled(FOLDER).namespaces) == []
    assert [etree.QName(child).localname for child in root] == ["sheetData"]


# --------------------------------------------------------------------------- the session check

def test_the_session_check_validates_each_part_once_and_only_csmetrics_workbooks(
        default_book: Generated, tmp_path: Path) -> None:
    assert FOLDER is not None
    check = SessionCheck(FOLDER, f'name="{contract.LAYOUT_PROPERTY}"'.encode())
    parts = default_book.xlsx.package.parts
    path = tmp_path / "copy.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    check.begin("first")
    check.written(path)
    check.written(path.read_bytes())
    assert check.workbooks == 2 and len(check.seen) == len(parts) and check.end() == []
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("[Content_Types].xml", "<not an ooxml package")
    check.begin("second")
    check.written(plain)
    assert check.workbooks == 2 and check.end() == []  # not csmetrics': left alone
    check.begin("third")
    check.written(tmp_path / "missing.xlsx")
    problems = check.end()
    assert len(problems) == 1 and problems[0].startswith("the workbook written cannot be read back")
    assert check.found == [("third", problems[0])]


def test_the_session_check_catches_a_workbook_written_through_the_writer(
        schema_check: SessionCheck | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """End to end: xlsxwriter made to write ``<dimension>`` a second time, after
    the sheet views (out of order); the wrapped ``close`` sees it in this test."""
    from xlsxwriter.worksheet import Worksheet

    assert schema_check is not None, "the schemas are there, so conftest must check workbooks"
    write_sheet_views = Worksheet._write_sheet_views

    def views_then_dimension(self: Worksheet) -> None:
        write_sheet_views(self)
        self._xml_empty_tag("dimension", [("ref", "A1")])

    monkeypatch.setattr(Worksheet, "_write_sheet_views", views_then_dimension)
    write_workbook(tmp_path / "book.xlsx", Config(metrics=("nps",)))
    problems = schema_check.take()  # handed over here, so this test does not fail on them
    assert len(problems) == 4, problems  # one per sheet, the hidden settings sheet included
    assert all(re.match(r"xl/worksheets/sheet\d\.xml: line \d+: Element 'x:dimension': "
                        r"This element is not expected\.", p) for p in problems), problems
    assert validate_xlsx(tmp_path / "book.xlsx", FOLDER) == problems
