"""The hidden settings sheet: the workbook's settings in cells, so that an
application that drops custom document properties (Google Sheets) does not make
regeneration forget the language, currency, scales or branding."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from csmetrics.config.settings import Config
from csmetrics.generate import generate_workbook
from csmetrics.model.scales import Scales
from csmetrics.xlsx import contract
from csmetrics.xlsx.reader import read_filled
from csmetrics.xlsx.writer import workbook_properties, write_workbook
from openpyxl import load_workbook
from xlsx_parts import read_book

BRANDED = Config(language="ru", company="Acme", title="Acme care", currency="EUR",
                 scales=Scales(7, 6, 7, 5), primary_color="#5B2A86", accent_color="#F29E4C",
                 font="Arial", author="Ops", benchmarks=False,
                 sheet_names={"tracker": "KPIs"})


def without_custom_properties(source: Path, target: Path) -> Path:
    """A copy without docProps/custom.xml, its content type and relationship."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    del parts["docProps/custom.xml"]
    parts["[Content_Types].xml"] = re.sub(rb'<Override PartName="/docProps/custom.xml"[^>]*/>', b"",
                                          parts["[Content_Types].xml"])
    parts["_rels/.rels"] = re.sub(rb'<Relationship [^>]*Target="docProps/custom.xml"/>', b"",
                                  parts["_rels/.rels"])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return target


def test_the_settings_sheet_holds_every_property_hidden_and_protected(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", BRANDED)
    book = read_book(path)
    sheet = book.sheet(contract.SETTINGS_SHEET)
    assert sheet.hidden and sheet is book.all_sheets[-1]
    assert sheet.root.find("{*}sheetProtection") is not None
    names = book.workbook_names()
    values = load_workbook(path, read_only=True)[contract.SETTINGS_SHEET]
    expected = workbook_properties(book_config := BRANDED).encode()
    assert expected, book_config
    for name, value in expected.items():
        cell = names[name].text.split("!")[1].replace("$", "")
        assert values[cell].value == value, name
    assert {n for n in names if contract.is_setting_name(n)} == set(expected)


def test_regeneration_keeps_every_setting_without_the_document_properties(tmp_path: Path) -> None:
    source = write_workbook(tmp_path / "book.xlsx", BRANDED)
    bare = without_custom_properties(source, tmp_path / "bare.xlsx")
    assert read_filled(bare).made_with == read_filled(source).made_with
    out, _ = generate_workbook(tmp_path / "again.xlsx", source=bare)
    again = read_filled(out).made_with
    for key in ("language", "company", "title", "currency", "scales", "primary_color",
                "accent_color", "font", "author", "benchmarks", "sheet_names"):
        assert getattr(again, key) == getattr(read_filled(source).made_with, key), key
    assert again.language == "ru" and again.currency == "EUR" and again.scales == Scales(7, 6, 7, 5)


def test_the_cells_win_over_stale_properties(tmp_path: Path) -> None:
    """A settings cell and a property that disagree: the cell is what the reader
    believes (the properties are the copy an application may drop or keep stale)."""
    from tests_support import rewrite_part

    source = write_workbook(tmp_path / "book.xlsx", BRANDED)
    stale = rewrite_part(source, tmp_path / "stale.xlsx", "docProps/custom.xml",
                         lambda xml: xml.replace(b"<vt:lpwstr>EUR</vt:lpwstr>",
                                                 b"<vt:lpwstr>GBP</vt:lpwstr>"))
    assert read_filled(stale).made_with.currency == "EUR"


def test_a_workbook_without_the_settings_sheet_falls_back_to_its_properties(tmp_path: Path) -> None:
    """Workbooks of layout 1 have only the properties."""
    from tests_support import rewrite_part

    source = write_workbook(tmp_path / "book.xlsx", BRANDED)
    unnamed = rewrite_part(source, tmp_path / "unnamed.xlsx", "xl/workbook.xml",
                           lambda xml: re.sub(rb'<definedName name="csmetrics_[a-z_]+">[^<]*</definedName>',
                                              b"", xml))
    made_with = read_filled(unnamed).made_with
    assert made_with.currency == "EUR" and made_with.language == "ru"
    assert made_with.scales == Scales(7, 6, 7, 5)
    assert [sheet.name for sheet in read_filled(unnamed).own_sheets] == []
