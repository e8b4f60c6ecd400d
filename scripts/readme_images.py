#!/usr/bin/env python3
"""Regenerate the README images: docs/images/tracker.png, ticket-volume.png, formulas.png,
branded-ru.png and report.png.

Builds a workbook filled with a realistic year of a mid-size SaaS support team
(`example_data`), prints it through `csmetrics.render.preview.render_preview` (headless
LibreOffice, values recalculated), and keeps the first page of the Tracker,
Ticket Volume and Formulas & Definitions sheets, cropped to what is printed on
them and sized to stay small (about 150 KB at most); then the Tracker's KPI page
of the workbook regenerated in Russian under another brand, and the first page of
the example's report. Needs LibreOffice and poppler-utils (pdftoppm, pdftotext), as
`csmetrics preview` does, and Chromium, as `csmetrics report --out report.pdf`.

    .venv/bin/python scripts/readme_images.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import re
import struct
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from csmetrics.config.resolve import resolve_config, text_for
from csmetrics.render.preview import render_preview
from csmetrics.xlsx.writer import write_workbook
from example import example_config, example_data, inconsistencies

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 150_000
PAGE_INCHES = (11.69, 8.27)  # A4 landscape, as the workbook prints
BODY_BOTTOM = 0.935  # share of the page height above the footer line
IMAGES = {  # sheet key -> file name and width in pixels
    "tracker": ("tracker.png", 2000),
    "volume": ("ticket-volume.png", 1400),
    "formulas": ("formulas.png", 1200),
}

# --------------------------------------------------------------------------- images

FOOTER = re.compile(r"^\s*(?P<sheet>\S.*?)\s{2,}(?P<page>\d+) / (?P<pages>\d+)\s*$")


def first_pages(pdf: Path) -> dict[str, int]:
    """The first page of each sheet, read from the printed footers ("Tracker   3 / 14")."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages: dict[str, int] = {}
    for number, page in enumerate(text.split("\f")[:-1], start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        match = FOOTER.match(lines[-1]) if lines else None
        if match:
            pages.setdefault(match["sheet"], number)
    return pages


def ink_box(pdf: Path, page: int, dpi: int = 40,
            body_bottom: float = BODY_BOTTOM) -> tuple[float, float, float, float]:
    """Left, top, right, bottom (inches) of what is printed above the footer."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "p"
        subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(prefix)], check=True, capture_output=True)
        data = prefix.with_suffix(".pgm").read_bytes()
    match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
    if not match:
        raise RuntimeError("pdftoppm did not write an 8-bit PGM")
    width, height = int(match[1]), int(match[2])
    pixels = data[match.end():]
    rows = [pixels[y * width:(y + 1) * width] for y in range(int(height * body_bottom))]
    inked = [y for y, row in enumerate(rows) if min(row) < 230]
    columns = [x for x in range(width) if any(row[x] < 230 for row in rows[::2])]
    if not inked or not columns:
        raise RuntimeError(f"page {page} is blank")
    pad = 6  # pixels of white around the content
    return (max(0, columns[0] - pad) / dpi, max(0, inked[0] - pad) / dpi,
            min(width, columns[-1] + pad) / dpi, min(height, inked[-1] + pad) / dpi)


def palette_png(ppm: bytes) -> bytes:
    """A palette PNG (256 colours) of a PPM: spreadsheet pages use few colours, so
    the most frequent ones are kept exactly and the anti-aliasing shades in between
    map to their nearest; the file is about a third of pdftoppm's RGB PNG (no
    Pillow needed)."""
    match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", ppm)
    if not match:
        raise RuntimeError("pdftoppm did not write an 8-bit PPM")
    width, height = int(match[1]), int(match[2])
    pixels = ppm[match.end():]
    colours = [int.from_bytes(pixels[i:i + 3], "big") for i in range(0, len(pixels), 3)]
    palette = [colour for colour, _ in Counter(colours).most_common(256)]
    rgb = [(c >> 16, (c >> 8) & 255, c & 255) for c in palette]
    index = {colour: i for i, colour in enumerate(palette)}
    for colour in set(colours) - index.keys():
        r, g, b = colour >> 16, (colour >> 8) & 255, colour & 255
        index[colour] = min(range(len(rgb)), key=lambda i: 2 * (rgb[i][0] - r) ** 2
                            + 4 * (rgb[i][1] - g) ** 2 + 3 * (rgb[i][2] - b) ** 2)
    indexed = bytes(index[colour] for colour in colours)
    raw = b"".join(b"\0" + indexed[y * width:(y + 1) * width] for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    return b"".join((b"\x89PNG\r\n\x1a\n",
                     chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),
                     chunk(b"PLTE", b"".join(bytes(colour) for colour in rgb)),
                     chunk(b"IDAT", zlib.compress(raw, 9)),
                     chunk(b"IEND", b"")))


def export(pdf: Path, page: int, target: Path, width: int, body_bottom: float = BODY_BOTTOM) -> Path:
    """One page, cropped to its content, ``width`` pixels wide (narrower until the
    file is small enough)."""
    left, top, right, bottom = ink_box(pdf, page, body_bottom=body_bottom)
    while True:
        dpi = width / (right - left)
        with tempfile.TemporaryDirectory() as folder:
            prefix = Path(folder) / "p"
            subprocess.run(["pdftoppm", "-r", f"{dpi:.3f}", "-f", str(page), "-l", str(page),
                            "-x", str(round(left * dpi)), "-y", str(round(top * dpi)),
                            "-W", str(width), "-H", str(round((bottom - top) * dpi)),
                            "-singlefile", str(pdf), str(prefix)], check=True, capture_output=True)
            image = palette_png(prefix.with_suffix(".ppm").read_bytes())
        if len(image) <= MAX_BYTES or width <= 700:
            target.write_bytes(image)
            return target
        width = int(width * 0.92)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images",
                        help="folder of the images (default: docs/images)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="also keep the example workbook and its PDF in this folder")
    args = parser.parse_args(argv)

    data = example_data()
    problems = inconsistencies(data)
    if problems:
        print("example data is inconsistent:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        work = args.keep or Path(folder)
        workbook = write_workbook(work / "example.xlsx", example_config(), data)
        (pdf,) = render_preview(workbook, work, "pdf")
        pages = first_pages(pdf)
        text = text_for(example_config())
        args.out.mkdir(parents=True, exist_ok=True)
        for key, (name, width) in IMAGES.items():
            sheet = text(f"sheet_{key}")
            if sheet not in pages:
                print(f"no page printed for the sheet {sheet!r}", file=sys.stderr)
                return 1
            path = export(pdf, pages[sheet], args.out / name, width)
            print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
                  f"page {pages[sheet]}, {path.stat().st_size / 1000:.0f} KB")
        return branded_variant(workbook, work, args.out) or report_page(workbook, work, args.out)
    return 0


def branded_variant(filled: Path, work: Path, out: Path) -> int:
    """The same data regenerated in Russian under another brand: its KPI page."""
    from csmetrics.generate import generate_workbook

    target = work / "branded-ru.xlsx"
    generate_workbook(target, source=filled, overrides=dict(BRANDED))
    (pdf,) = render_preview(target, work, "pdf")
    pages = first_pages(pdf)
    sheet = text_for(resolve_config(replace(example_config(), **BRANDED)))("sheet_tracker")
    if sheet not in pages:
        print(f"no page printed for the sheet {sheet!r}", file=sys.stderr)
        return 1
    path = export(pdf, pages[sheet] + 1, out / "branded-ru.png", 1600)  # the KPI page
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
          f"{path.stat().st_size / 1000:.0f} KB")
    return 0


def report_page(filled: Path, work: Path, out: Path) -> int:
    """The first page of the example's October report (csmetrics report), as
    Chromium prints it."""
    from csmetrics.report import write_report

    pdf = write_report(filled, work / "report.pdf")
    path = export(pdf, 1, out / "report.png", 1000, body_bottom=1.0)
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
          f"{path.stat().st_size / 1000:.0f} KB")
    return 0


BRANDED = {"language": "ru", "company": "Брайтдеск", "title": "Поддержка Брайтдеск",
           "primary_color": "#5B2A86", "accent_color": "#F29E4C", "currency": "RUB"}


if __name__ == "__main__":
    sys.exit(main())
