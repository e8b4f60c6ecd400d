"""Every language gives the same workbook but for its words: same names, same
formulas, same results; no English left in a translated workbook."""

from __future__ import annotations

import html
import random
import re
import zipfile
from pathlib import Path

import pytest
from csmetrics.config.choices import LANGUAGES
from csmetrics.config.settings import Config
from csmetrics.xlsx.contract import SETTINGS_SHEET
from csmetrics.xlsx.sheets.settings import FIRST_ROW
from engines import recalc_ironcalc
from openpyxl import load_workbook
from workbooks import compare, expected_values, make_workbook, random_data

# Acronyms and names that stay as they are in every language.
KEPT = {
    "NPS", "CSAT", "CES", "FRT", "FCR", "MRR", "ARPU", "CLV", "CAC", "CRC", "CRR", "SaaS", "FTE",
    "LTV", "ART", "KPI", "CRM", "AVG", "Zendesk", "Freshdesk", "Help", "Scout", "Intercom",
    "Explore", "Support", "Stripe", "Chargebee", "ChartMogul", "Baremetrics", "Bain", "Company",
    "Gartner", "SQM", "Group", "Benchmark", "SuperOffice", "Klipfolio", "Gorgias", "Retently",
    "CustomerGauge", "Surveypal", "Jeff", "Toister", "Excel", "Google", "Sheets", "LibreOffice",
    "Delighted", "Qualtrics", "SurveyMonkey", "Calibri", "Microsoft", "YaHei", "Happiness",
    "ACME", "SLA", "csmetrics", "ARR", "GRR", "NRR", "Benchmarkit", "Capital", "Comm", "KBCM",
    "Plain", "US",
}
# Zendesk has no Afrikaans interface: the Afrikaans text quotes these report names
# so that a user finds them on screen.
UI_NAMES = {"Good", "satisfaction", "tickets", "One-touch"}
# Afrikaans words spelled like English ones (and the month abbreviations they share).
AFRIKAANS_TOO = {
    "in", "is", "of", "as", "per", "was", "plus", "agent", "Agent", "apart", "volume", "data", "media",
    "my", "by", "so", "meet", "met", "ten", "Jan", "Feb", "Apr", "Jun", "Jul", "Aug", "Sep", "Nov",
}


def machine_strings(path: Path) -> set[str]:
    """The settings sheet's name, keys and values: data csmetrics reads back, the
    same in every language (its title and explanation are translated)."""
    book = load_workbook(path, read_only=True)
    try:
        rows = book[SETTINGS_SHEET].iter_rows(min_row=FIRST_ROW + 1, values_only=True)
        return {SETTINGS_SHEET} | {str(value) for row in rows for value in row if value is not None}
    finally:
        book.close()


def strings(path: Path) -> list[str]:
    """Every text of the workbook for people to read: cells, sheet names, comments,
    chart titles (not the settings sheet's machine data)."""
    machine = machine_strings(path)
    return [text for text in _all_strings(path) if html.unescape(text) not in machine]


def _all_strings(path: Path) -> list[str]:
    texts: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml") and (name.startswith(("xl/sharedStrings", "xl/comments",
                                                           "xl/charts/", "xl/worksheets/sheet"))
                                          or name == "xl/workbook.xml"):
                xml = archive.read(name).decode()
                texts += re.findall(r"<(?:t|a:t)(?: [^>]*)?>([^<]*)</(?:t|a:t)>", xml)
                texts += re.findall(r'<sheet name="([^"]*)"', xml)
                texts += re.findall(r'(?:prompt|error|promptTitle|errorTitle)="([^"]*)"', xml)
    return texts


def words(texts: list[str]) -> set[str]:
    found = {w for text in texts for w in re.findall(r"[A-Za-z][A-Za-z'-]+", html.unescape(text))}
    return {w.strip("-'") for w in found}


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    folder = tmp_path_factory.mktemp("languages")
    rng_seed = 11
    result = {}
    for language in LANGUAGES:
        config = Config(language=language, company="ACME", title="ACME")
        data = random_data(random.Random(rng_seed), config, blank=0.2, zero=0.05)
        data.period_notes, data.agents = [], {}  # the team's words and names, in any language
        path = folder / f"{language}.xlsx"
        result[language] = (path, make_workbook(path, config, data))
    return result


def names_and_formulas(path: Path, sheet_names: list[str]) -> tuple[dict, dict]:
    """Defined names and formulas, with sheet names replaced by their position."""
    def neutral(text: str) -> str:
        for index, name in enumerate(sheet_names):
            text = text.replace(f"'{name}'!", f"#{index}!").replace(f"{name}!", f"#{index}!")
        # the quarter and year headers' formulas hold words of the language
        return re.sub(r'"(?:[^"]|"")+"', '"…"', text)

    book = load_workbook(path)
    names = {name: neutral(d.attr_text) for name, d in book.defined_names.items()}
    formulas = {(index, cell.coordinate): neutral(cell.value)
                for index, ws in enumerate(book.worksheets)
                for row in ws.iter_rows() for cell in row
                if isinstance(cell.value, str) and cell.value.startswith("=")}
    return names, formulas


def test_same_names_formulas_and_results_in_every_language(books):
    english_path, english = books["en"]
    english_names = list(english.sheet_names.values())
    reference = names_and_formulas(english_path, english_names)
    english_values = recalc_ironcalc(english_path)
    for language, (path, context) in books.items():
        assert names_and_formulas(path, list(context.sheet_names.values())) == reference, language
        reader = recalc_ironcalc(path)
        expected = expected_values(context)
        assert list(compare(expected, reader.value)) == [], language
        # and the very same numbers as the English workbook, cell for cell
        for (sheet, address), want in expected.items():
            if isinstance(want, str):  # headers, in words of the language
                continue
            index = list(context.sheet_names.values()).index(sheet)
            assert reader.value(sheet, address) == english_values.value(
                english_names[index], address), (language, sheet, address)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_no_english_left(books, language):
    path, _ = books[language]
    english = words(strings(books["en"][0]))
    found = words(strings(path))
    if language == "af":
        left = {w for w in found & english if w not in KEPT | AFRIKAANS_TOO | UI_NAMES}
    else:
        left = {w for w in found if len(w) >= 3 and w not in KEPT}
    assert sorted(left) == [], f"English left in the {language} workbook"


def test_chinese_workbook_uses_a_font_with_its_glyphs(books):
    path, context = books["zh-CN"]
    assert context.config.font == "Microsoft YaHei"
    with zipfile.ZipFile(path) as archive:
        assert 'val="Microsoft YaHei"' in archive.read("xl/styles.xml").decode()


@pytest.mark.engines
def test_chinese_workbook_renders_its_labels_to_pdf(tmp_path):
    """LibreOffice prints the zh-CN workbook with its glyphs: the PDF's text holds
    the Chinese sheet titles, labels and the recalculated NPS example (65)."""
    import subprocess

    from csmetrics.render.preview import render_preview
    from engines import require_engine, require_poppler

    require_engine("libreoffice")
    require_poppler()
    path = tmp_path / "zh.xlsx"
    context = make_workbook(path, Config(language="zh-CN"))  # calculators hold the examples
    (pdf,) = render_preview(path, tmp_path, "pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    # the glyphs come from an embedded CJK font, not from boxes of a Latin one
    assert re.search(r"YaHei|WenQuanYi|CJK|Hei|Song|Ming|Kai", fonts), fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    labels = [*context.sheet_names.values(), context.text("kpi_nps"), context.text("kpi_csat"),
              context.text("section_kpis"), context.text("calc_nps_title")]
    for label in labels:
        assert re.sub(r"\s+", "", label) in squeezed, label
    assert "65" in text
