"""The printed Tracker reads: no text under 8 pt on A4 (measured from the PDF that
LibreOffice prints, as `csmetrics preview` does), nine-digit amounts of money fit
their columns in every currency (no "###"), and each benchmark prints what it
measures, its source and its year."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from csmetrics.config.settings import CURRENCIES, Config
from csmetrics.model.data import WorkbookData
from csmetrics.xlsx.writer import write_workbook
from engines import print_libreoffice, require_engine

pytestmark = pytest.mark.engines

LARGE = {  # a large company's month: nine-digit amounts of money
    "mrr_start": 987_654_321, "mrr": 987_654_321, "mrr_churned": 9_876_543,
    "expansion_mrr": 123_456_789, "cs_spend": 987_654_321, "sm_spend": 987_654_321,
    "customers_start": 100_000, "customers_new": 1_000, "customers_end": 99_000,
    "tickets_resolved": 250_000, "renewals_due": 5_000, "renewals_won": 4_000,
}


def characters(pdf: Path) -> Iterator[tuple[int, str, float]]:
    """(page number, character, printed size in points) of every character."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    def walk(node: object) -> Iterator[LTChar]:
        if isinstance(node, LTChar):
            yield node
        elif hasattr(node, "__iter__"):
            for child in node:  # type: ignore[attr-defined]
                yield from walk(child)

    for number, page in enumerate(extract_pages(str(pdf)), start=1):
        for char in walk(page):
            yield number, char.get_text(), char.size


def page_texts(pdf: Path) -> list[str]:
    from pdfminer.high_level import extract_text

    return extract_text(str(pdf)).split("\f")


TRACKER_TITLE = "Customer Service Metrics – Tracker"  # repeated at the top of its pages


def tracker_pages(texts: list[str]) -> list[int]:
    """Page numbers (from 1) of the Tracker, by the title its pages repeat."""
    return [n for n, text in enumerate(texts, start=1) if TRACKER_TITLE in text]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require_engine("libreoffice")
    folder = tmp_path_factory.mktemp("print")
    books = {}
    for code in CURRENCIES:
        data = WorkbookData(inputs={key: [value] for key, value in LARGE.items()})
        books[code] = write_workbook(folder / f"{code}.xlsx", Config(currency=code), data)
    pdfs = print_libreoffice(list(books.values()), folder / "pdf")
    return {code: pdfs[path] for code, path in books.items()}


def test_no_tracker_text_prints_under_8_pt(printed: dict[str, Path]) -> None:
    pdf = printed["USD"]
    pages = set(tracker_pages(page_texts(pdf)))
    assert len(pages) >= 6  # months over two pages, the rollups on a third, in rows
    sizes = [size for page, char, size in characters(pdf) if page in pages and char.strip()]
    assert sizes and min(sizes) >= 8.0, f"smallest Tracker text prints at {min(sizes):.2f} pt"


@pytest.mark.parametrize("code", list(CURRENCIES))
def test_nine_digit_money_fits_in_every_currency(printed: dict[str, Path], code: str) -> None:
    texts = page_texts(printed[code])
    tracker = "\n".join(texts[n - 1] for n in tracker_pages(texts))
    assert "###" not in tracker
    digits = "".join(ch for ch in tracker if ch.isdigit())
    assert "987654321" in digits  # the amount itself printed, in the currency's format


def test_every_benchmark_prints_its_measure_source_and_year(printed: dict[str, Path]) -> None:
    texts = page_texts(printed["USD"])
    tracker = " ".join(" ".join(texts[n - 1].split()) for n in tracker_pages(texts))
    for source in ("Zendesk Benchmark, Q3 2014", "SuperOffice, 2018", "Gartner", "SaaS Capital, 2023",
                   "Benchmarkit, 2025", "calendar hours", "One-touch"):
        assert source in tracker, source
