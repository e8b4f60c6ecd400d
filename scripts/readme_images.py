#!/usr/bin/env python3
"""Regenerate the README images: docs/images/tracker.png, ticket-volume.png, formulas.png.

Builds a workbook filled with a realistic year of a mid-size SaaS support team
(`example_data`), prints it through `csmetrics.render.preview.render_preview` (headless
LibreOffice, values recalculated), and keeps the first page of the Tracker,
Ticket Volume and Formulas & Definitions sheets, cropped to what is printed on
them and sized to stay small (about 150 KB at most). Needs LibreOffice and
poppler-utils (pdftoppm, pdftotext), as `csmetrics preview` does.

    .venv/bin/python scripts/readme_images.py [--out docs/images]
"""

from __future__ import annotations

import argparse
import random
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
from csmetrics.config.settings import Config
from csmetrics.model.data import WorkbookData
from csmetrics.render.preview import render_preview
from csmetrics.xlsx.writer import write_workbook

ROOT = Path(__file__).resolve().parent.parent
COMPANY = "Brightdesk Software"  # fictional
MAX_BYTES = 150_000
PAGE_INCHES = (11.69, 8.27)  # A4 landscape, as the workbook prints
BODY_BOTTOM = 0.935  # share of the page height above the footer line
IMAGES = {  # sheet key -> file name and width in pixels
    "tracker": ("tracker.png", 2000),
    "volume": ("ticket-volume.png", 1400),
    "formulas": ("formulas.png", 1200),
}

# Tickets received per month, January to October only (the year so far: Q4 partly
# filled, November and December gaps): a busy January (renewals, new budgets), a
# summer lull, the autumn back-to-work rise.
RECEIVED = (2480, 2210, 2390, 2260, 2190, 2050, 1870, 1820, 2320, 2560)
CATEGORY_SHARES = {"Sales question": 0.17, "Technical issue": 0.40, "Cancellation": 0.07,
                   "Return": 0.05, "Shipping": 0.04, "Product availability": 0.27}
CHANNEL_SHARES = {"Email": 0.44, "Phone": 0.09, "Chat": 0.28, "Social media": 0.04,
                  "Web form": 0.15}


def split(total: int, shares: Sequence[float], rng: random.Random, wobble: float = 0.08) -> list[int]:
    """Whole numbers near ``total * share`` (each share wobbling a little) that add
    up exactly to ``total``: largest remainders get the leftover units."""
    weights = [share * (1 + rng.uniform(-wobble, wobble)) for share in shares]
    exact = [total * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def example_data(seed: int = 2026) -> WorkbookData:
    """Ten months of a 15-agent SaaS support team of about 1,900 customers.

    Internally consistent, as the workbook's checks expect: satisfied <= answers,
    first-contact and reopened <= resolved, renewals won <= due, each month's
    customers at end = start + new - lost and next start = this end, the backlog
    carried from month to month, MRR = customers x a slowly rising ARPU, and the
    category and channel counts adding up to the same monthly total. Targets stay
    at the defaults; the gross margin is a SaaS-typical 80 %.
    """
    rng = random.Random(seed)
    config = resolve_config(Config())
    months = len(RECEIVED)
    inputs: dict[str, list[float | None]] = {}

    def put(name: str, values: Sequence[float]) -> None:
        inputs[name] = [*values, *[None] * (12 - len(values))]

    volume = [split(total, list(CATEGORY_SHARES.values()), rng) for total in RECEIVED]
    channel_shares = list(CHANNEL_SHARES.values())
    channels = []
    for month, total in enumerate(RECEIVED):
        shares = list(channel_shares)
        shares[2] += 0.01 * month  # chat grows through the year, email gives way
        shares[0] -= 0.01 * month
        channels.append(split(total, shares, rng, wobble=0.05))

    agents = [14, 14, 14.5, 15, 15, 15, 15, 15, 16, 16]
    open_start, resolved, fcr, reopened, replies = [], [], [], [], []
    backlog = 310
    for received in RECEIVED:
        open_start.append(backlog)
        solved = min(backlog + received, round(received * rng.uniform(0.97, 1.03)))
        resolved.append(solved)
        fcr.append(round(solved * rng.uniform(0.67, 0.75)))
        reopened.append(round(solved * rng.uniform(0.035, 0.058)))
        replies.append(round(solved * rng.uniform(2.2, 2.7)))
        backlog = backlog + received - solved
    frt = [round(rng.uniform(3.1, 5.4), 1) for _ in range(months)]
    art = [round(rng.uniform(18.5, 29.5), 1) for _ in range(months)]

    csat_answers = [round(s * rng.uniform(0.16, 0.2)) for s in resolved]
    csat_satisfied = [round(a * rng.uniform(0.82, 0.9)) for a in csat_answers]
    ces_answers = [round(s * rng.uniform(0.07, 0.09)) for s in resolved]
    ces_easy = [round(a * rng.uniform(0.74, 0.84)) for a in ces_answers]
    promoters, passives, detractors = [], [], []
    for _ in range(months):
        answers = rng.randint(300, 380)
        promoter_share, detractor_share = rng.uniform(0.46, 0.53), rng.uniform(0.14, 0.2)
        promoters.append(round(answers * promoter_share))
        detractors.append(round(answers * detractor_share))
        passives.append(answers - promoters[-1] - detractors[-1])

    customers_start, customers_end, customers_new = [], [], []
    renewals_due, renewals_won, mrr, expansion = [], [], [], []
    customers, arpu = 1840, 418.0
    for _ in range(months):
        new = rng.randint(68, 96)
        lost = round(customers * rng.uniform(0.014, 0.024))
        customers_start.append(customers)
        customers_new.append(new)
        customers = customers + new - lost
        customers_end.append(customers)
        due = round(customers * rng.uniform(0.075, 0.095))
        renewals_due.append(due)
        renewals_won.append(round(due * rng.uniform(0.86, 0.95)))
        arpu *= 1 + rng.uniform(0.002, 0.007)
        mrr.append(round(customers * arpu))
        expansion.append(round(rng.uniform(8_500, 14_500)))
    cs_spend = [round(a * 6_900 + rng.uniform(14_000, 19_000)) for a in agents]
    sm_spend = [round(rng.uniform(205_000, 262_000)) for _ in range(months)]

    for name, values in {
        "nps_promoters": promoters, "nps_passives": passives, "nps_detractors": detractors,
        "csat_satisfied": csat_satisfied, "csat_responses": csat_answers,
        "ces_easy": ces_easy, "ces_responses": ces_answers,
        "tickets_open_start": open_start, "tickets_resolved": resolved, "tickets_fcr": fcr,
        "tickets_reopened": reopened, "agent_replies": replies, "frt_hours": frt,
        "art_hours": art, "agents": agents,
        "customers_start": customers_start, "customers_end": customers_end,
        "customers_new": customers_new, "renewals_due": renewals_due,
        "renewals_won": renewals_won, "mrr": mrr, "expansion_mrr": expansion,
        "cs_spend": cs_spend, "sm_spend": sm_spend,
    }.items():
        put(name, values)

    def by_name(names: Sequence[str], rows: list[list[int]]) -> dict[str, list[float | None]]:
        return {name: [*(row[i] for row in rows), *[None] * (12 - months)]
                for i, name in enumerate(names)}

    assert tuple(CATEGORY_SHARES) == config.categories, config.categories
    assert tuple(CHANNEL_SHARES) == config.channels, config.channels
    return WorkbookData(inputs=inputs, volume=by_name(config.categories, volume),
                        channels=by_name(config.channels, channels), gross_margin=0.8)


def example_config() -> Config:
    """The default configuration (targets, categories, channels, year) for a
    fictional company, its title and company spelt out."""
    return replace(resolve_config(Config()), company=COMPANY)


def inconsistencies(data: WorkbookData) -> list[str]:
    """What the example would get wrong; the workbook would highlight the same."""
    problems = []
    inputs = data.inputs
    pairs = (("csat_satisfied", "csat_responses"), ("ces_easy", "ces_responses"),
             ("tickets_fcr", "tickets_resolved"), ("tickets_reopened", "tickets_resolved"),
             ("renewals_won", "renewals_due"), ("customers_new", "customers_end"))
    for month in range(12):
        def value(name: str, month: int = month) -> float | None:
            return inputs[name][month]

        if value("customers_start") is None:
            continue
        for small, large in pairs:
            if value(small) > value(large):
                problems.append(f"month {month + 1}: {small} > {large}")
        lost = value("customers_start") + value("customers_new") - value("customers_end")
        if lost < 0:
            problems.append(f"month {month + 1}: customers lost < 0")
        if month and value("customers_start") != inputs["customers_end"][month - 1]:
            problems.append(f"month {month + 1}: customers at start != last month's end")
        categories = sum(counts[month] for counts in data.volume.values())
        channels = sum(counts[month] for counts in data.channels.values())
        if categories != channels:
            problems.append(f"month {month + 1}: categories {categories} != channels {channels}")
        backlog_end = value("tickets_open_start") + categories - value("tickets_resolved")
        if backlog_end < 0:
            problems.append(f"month {month + 1}: negative backlog")
        if month + 1 < 12 and inputs["tickets_open_start"][month + 1] not in (None, backlog_end):
            problems.append(f"month {month + 2}: open tickets at start != last month's backlog")
    return problems


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


def ink_box(pdf: Path, page: int, dpi: int = 40) -> tuple[float, float, float, float]:
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
    rows = [pixels[y * width:(y + 1) * width] for y in range(int(height * BODY_BOTTOM))]
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


def export(pdf: Path, page: int, target: Path, width: int) -> Path:
    """One page, cropped to its content, ``width`` pixels wide (narrower until the
    file is small enough)."""
    left, top, right, bottom = ink_box(pdf, page)
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
        return branded_variant(workbook, work, args.out)
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


BRANDED = {"language": "ru", "company": "Брайтдеск", "title": "Поддержка Брайтдеск",
           "primary_color": "#5B2A86", "accent_color": "#F29E4C", "currency": "RUB"}


if __name__ == "__main__":
    sys.exit(main())
