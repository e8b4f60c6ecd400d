"""A filled workbook downloaded from Google Sheets (imitated by ``sheets_export``:
no document properties, notes with the author appended, links as HYPERLINK
formulas, no print names, validation without titles and errors) regenerates
with every value and every setting kept, in every language."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from csmetrics.config.choices import LANGUAGES
from csmetrics.config.settings import Config
from csmetrics.generate import generate_workbook
from csmetrics.model.scales import Scales
from csmetrics.xlsx.reader import FilledWorkbook, read_filled
from csmetrics.xlsx.writer import write_workbook
from engines import recalc_ironcalc
from sheets_export import sheets_export
from workbooks import compare, expected_values, make_workbook, random_data

SETTINGS = ("language", "company", "title", "currency", "scales", "primary_color", "accent_color",
            "font", "author", "benchmarks", "sheet_names", "layout_version")


def entered(filled: FilledWorkbook) -> tuple[object, ...]:
    return (filled.starts, filled.inputs, filled.volume, filled.channels, filled.targets,
            filled.calculators, filled.gross_margin, filled.notes, filled.fills)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_sheets_download_regenerates_with_every_value_and_setting(tmp_path: Path,
                                                                     language: str) -> None:
    config = Config(language=language, company="Acme", title="Acme care", currency="GBP",
                    scales=Scales(7, 6, 5, 4), primary_color="#5B2A86", accent_color="#F29E4C",
                    font="Arial", author="Ops", start_month=4, years=2,
                    sheet_names={"volume": "Volume"})
    data = random_data(random.Random(len(language)), config, months=15)
    data.notes = {("inp", "csat_responses", 1): "survey tool changed", ("target", "nps", 0): "Q2 goal"}
    original = write_workbook(tmp_path / "original.xlsx", config, data)
    downloaded = sheets_export(original, tmp_path / "downloaded.xlsx")
    regenerated, report = generate_workbook(tmp_path / "regenerated.xlsx", source=downloaded)
    assert report == []  # nothing dropped, renamed or worth telling
    before, after = read_filled(original), read_filled(regenerated)
    assert entered(after) == entered(before)
    for key in SETTINGS:
        assert getattr(after.made_with, key) == getattr(before.made_with, key), key
    assert after.made_with.language == language and after.made_with.currency == "GBP"


def test_the_regenerated_workbook_computes_what_the_original_did(tmp_path: Path) -> None:
    config = Config(language="ru", years=1)
    data = random_data(random.Random(4), config, months=10)
    original = tmp_path / "original.xlsx"
    context = make_workbook(original, config, data)
    downloaded = sheets_export(original, tmp_path / "downloaded.xlsx")
    regenerated, _ = generate_workbook(tmp_path / "regenerated.xlsx", source=downloaded)
    assert list(compare(expected_values(context), recalc_ironcalc(regenerated).value)) == []
