"""`csmetrics preview`: every sheet rendered as it prints, recalculated, through
headless LibreOffice, and never a LibreOffice process or profile left behind.

One LibreOffice run per workbook (module-scoped fixtures): the run that writes the
PNG pages also keeps its PDF, so the pages, the PDF and its text come from the
same print. Skipped locally when LibreOffice or poppler-utils is missing,
mandatory under CI=true.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from csmetrics.errors import CsmetricsError, UsageError
from csmetrics.model.reference import TOTAL
from csmetrics.render import libreoffice, preview
from csmetrics.xlsx.sheets.base import Context, SheetWriter
from engines import require_engine, require_poppler
from workbooks import make_workbook, random_data

engines = pytest.mark.engines  # runs LibreOffice

DPI = 80
A4_LONG, A4_SHORT = 11.69, 8.27  # inches; the workbook prints A4 landscape
STALE = -424242  # cached value of every formula of the filled workbook: never right
STALE_TEXTS = ("424242", "424,242")  # however a number format shows it
WORK_PREFIX = "csmetrics-preview-"


def require_tools() -> None:
    require_engine("libreoffice")
    require_poppler()


# --------------------------------------------------------------------------- helpers

def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention ``text`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in command:
            found.append(f"{entry.name}: {command.strip()}")
    return found


def wait_until_gone(text: str, seconds: float = 5) -> list[str]:
    """Processes mentioning ``text`` that are still alive after ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := processes_mentioning(text)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    compressed: int


def read_png(path: Path) -> Png:
    """Size of a PNG, after checking it decodes to exactly its declared pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name}: not a PNG"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    assert header is not None, f"{path.name}: no IHDR"
    width, height, depth, colour = header
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    assert depth == 8, f"{path.name}: bit depth {depth}"
    assert len(zlib.decompress(idat)) == height * (1 + width * channels), f"{path.name}: truncated"
    return Png(width, height, len(idat))


def ink(pdf: Path, tmp: Path, dpi: int = 20) -> list[float]:
    """Per page, the share of pixels that are not (nearly) white, from a small
    grey rendering: a blank page has none."""
    out = tmp / "ink"
    out.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(out / "p")],
                   check=True, capture_output=True, timeout=60)
    shares = []
    for page in sorted(out.glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[1])):
        data = page.read_bytes()
        match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
        assert match, f"{page.name}: not an 8-bit PGM"
        pixels = data[match.end():]
        light = pixels.translate(None, bytes(range(230)))  # keep only near-white pixels
        shares.append(1 - len(light) / len(pixels))
    return shares


def pdf_pages_text(pdf: Path) -> list[str]:
    """The text of each page, laid out (pdftotext separates pages by form feeds)."""
    result = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                            capture_output=True, text=True, timeout=60)
    return result.stdout.split("\f")[:-1]


FOOTER = re.compile(r"^\s*(?P<sheet>\S.*?)\s{2,}(?P<page>\d+) / (?P<pages>\d+)\s*$")


def sheet_of(page_text: str) -> str:
    """The sheet a page prints, from its footer (sheet name left, "P / N" right)."""
    lines = [line for line in page_text.splitlines() if line.strip()]
    match = FOOTER.match(lines[-1]) if lines else None
    assert match, f"no footer on page: {lines[-3:]}"
    return match["sheet"]


@dataclass
class Rendered:
    context: Context
    pngs: list[Path]
    pdf: Path
    pages: list[str]  # text per page
    tmp: Path
    seconds: float

    def sheets(self) -> list[str]:
        return [sheet_of(text) for text in self.pages]

    def pages_of(self, key: str) -> list[str]:
        name = self.context.sheet_names[key]
        return [text for text in self.pages if sheet_of(text) == name]


@pytest.fixture(scope="module")
def isolated_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private temporary folder for the module, so leftovers can be counted."""
    folder = tmp_path_factory.mktemp("preview-tmp")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(folder))
        yield folder


def render(tmp: Path, name: str, build) -> Rendered:
    """Build a workbook, preview it as PNG once, keeping the PDF of that same run."""
    require_tools()
    workbook = tmp / f"{name}.xlsx"
    context = build(workbook)
    kept = tmp / f"{name}-printed.pdf"
    original = preview._pdf_to_pngs

    def keep_pdf(pdftoppm: str, pdf: Path, *args, **kwargs) -> list[Path]:
        shutil.copyfile(pdf, kept)
        return original(pdftoppm, pdf, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(preview, "_pdf_to_pngs", keep_pdf)
        start = time.monotonic()
        pngs = preview.render_preview(workbook, tmp / f"{name}-pages", "png", dpi=DPI)
        seconds = time.monotonic() - start
    return Rendered(context, pngs, kept, pdf_pages_text(kept), tmp, seconds)


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory, isolated_tmp: Path) -> Rendered:
    tmp = tmp_path_factory.mktemp("default")
    return render(tmp, "default", lambda path: make_workbook(path))


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory, isolated_tmp: Path) -> Rendered:
    """Random entries, and every formula cached with a wrong value: any right
    number in the preview was computed by LibreOffice."""
    tmp = tmp_path_factory.mktemp("filled")

    def build(path: Path) -> Context:
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(SheetWriter, "cached", staticmethod(lambda value: STALE))
            return make_workbook(path, None, random_data(random.Random(7)))

    return render(tmp, "filled", build)


@pytest.fixture(params=["default", "filled"])
def rendered(request: pytest.FixtureRequest) -> Rendered:
    return request.getfixturevalue(request.param)


# --------------------------------------------------------------------------- pages

@engines
def test_one_png_per_printed_page(rendered: Rendered) -> None:
    pages = preview.page_count(rendered.pdf)
    assert len(rendered.pngs) == pages == len(rendered.pages)
    stem = rendered.pngs[0].name.rsplit("-", 1)[0]
    assert [p.name for p in rendered.pngs] == [f"{stem}-{n:02d}.png" for n in range(1, pages + 1)]
    assert sorted(rendered.pngs[0].parent.iterdir()) == rendered.pngs  # nothing else written


@engines
def test_every_sheet_prints_the_pages_it_should(rendered: Rendered) -> None:
    """One page wide always; the Tracker and Ticket Volume (table and both charts)
    on one page each; the longer sheets on a sensible number of pages, in order."""
    names = rendered.context.sheet_names
    sheets = rendered.sheets()
    order = [names[key] for key in ("start", "tracker", "volume", "agents", "formulas")]
    assert list(dict.fromkeys(sheets)) == order
    counts = {key: sheets.count(names[key]) for key in names}
    # the Tracker's months on two pages and its rollups on a third (text at 8 pt or
    # more), each across a few pages of rows (LibreOffice leaves out a page with
    # nothing on it); Ticket Volume's tables across three
    assert 6 <= counts["tracker"] <= 12, counts
    assert counts["volume"] == 3, counts
    assert 2 <= counts["agents"] <= 14, counts  # its tables, months and years side by side
    assert 1 <= counts["start"] <= 5, counts
    assert 4 <= counts["formulas"] <= 16, counts
    total = len(sheets)
    for number, text in enumerate(rendered.pages, start=1):
        footer = FOOTER.match([line for line in text.splitlines() if line.strip()][-1])
        assert footer and (int(footer["page"]), int(footer["pages"])) == (number, total)


@engines
def test_pages_are_landscape_a4_at_the_requested_resolution(rendered: Rendered) -> None:
    for path in rendered.pngs:
        png = read_png(path)
        assert png.width > png.height, path.name
        assert abs(png.width - A4_LONG * DPI) <= 2, (path.name, png.width)
        assert abs(png.height - A4_SHORT * DPI) <= 2, (path.name, png.height)


@engines
def test_no_page_is_blank(rendered: Rendered) -> None:
    shares = ink(rendered.pdf, rendered.tmp)
    assert len(shares) == len(rendered.pngs)
    blank = [(n, round(share, 4)) for n, share in enumerate(shares, start=1) if share < 0.005]
    assert not blank, f"pages with (almost) no ink: {blank}"
    for path in rendered.pngs:  # a blank page compresses to a few kilobytes
        assert read_png(path).compressed > 8_000, path.name


@engines
def test_charts_print_on_the_page_with_their_table(rendered: Rendered) -> None:
    page, *performance = rendered.pages_of("volume")
    text = rendered.context.text
    for key in ("volume_by_category", "volume_by_channel", "chart_category_title",
                "chart_channel_title"):
        assert text(key) in page, key
    assert rendered.context.rollup_labels["y1"] in page
    printed = "\n".join(performance)
    for key in ("volume_chan_frt_hours", "volume_chan_csat_responses", "volume_chan_csat_satisfied",
                "volume_chan_csat"):
        assert text(key) in printed, key


@engines
def test_no_calculator_is_cut_in_half(rendered: Rendered) -> None:
    """Each calculator's title and its last result print on the same page."""
    pages = rendered.pages_of("formulas")
    text, index = rendered.context.text, 0
    for block in rendered.context.formulas.blocks:
        calc = block.calculator
        title = text(f"calc_{calc.id}_title")
        last = text(f"calc_{calc.id}_out_{calc.results[-1].id or 'main'}")
        while index < len(pages) and title not in pages[index]:
            index += 1
        assert index < len(pages), f"calculator {title!r} not printed"
        assert last in pages[index], f"calculator {title!r} is split across pages"


@engines
def test_nothing_prints_as_hashes_or_errors(rendered: Rendered) -> None:
    """"###" is a number too wide for its column; error values must never show."""
    for number, page in enumerate(rendered.pages, start=1):
        for bad in ("###", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#N/A", "Err:"):
            assert bad not in page, f"page {number} shows {bad}"


@engines
def test_no_python_none_is_printed(rendered: Rendered) -> None:
    """A variable left unset shows up as the word "None" in titles and subtitles."""
    for number, page in enumerate(rendered.pages, start=1):
        lines = [line.strip() for line in page.splitlines() if re.search(r"\bNone\b", line)]
        assert not lines, f"page {number} prints None: {lines[:3]}"


# --------------------------------------------------------------------------- print set-up

def test_manual_page_breaks_fall_between_blocks(tmp_path: Path) -> None:
    """Breaks on Formulas & Definitions come only before a calculator or the KPI
    table, and the Ticket Volume print area reaches past the charts' right edge."""
    context = make_workbook(tmp_path / "book.xlsx")
    with zipfile.ZipFile(tmp_path / "book.xlsx") as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="rId(\d+)"', workbook_xml)
        position = {name.replace("&amp;", "&"): int(rid) for name, rid in sheets}
        formulas = archive.read(f"xl/worksheets/sheet{position[context.formulas.sheet]}.xml")
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    breaks = {int(row) for row in re.findall(rb'<brk id="(\d+)"', formulas)}
    starts = {block.title_row for block in context.formulas.blocks} | {context.formulas.kpi_table_row}
    assert breaks, "no manual page break on the Formulas & Definitions sheet"
    assert breaks <= starts, sorted(breaks - starts)
    chart_end = max(int(col) for col in re.findall(r"<xdr:to><xdr:col>(\d+)</xdr:col>", drawing))
    volume = [name.replace("&amp;", "&") for name, _ in sheets].index(context.volume.sheet)
    area = re.search(rf'name="_xlnm.Print_Area" localSheetId="{volume}">[^!]+!\$A\$1:\$([A-Z]+)\$\d+<',
                     workbook_xml)
    assert area, "no print area on Ticket Volume"
    last_col = sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(area[1]))) - 1
    assert last_col >= chart_end


# --------------------------------------------------------------------------- values

@engines
def test_default_preview_shows_the_sheets_and_the_calculator_examples(default: Rendered) -> None:
    text = "\n".join(default.pages)
    names = default.context.sheet_names
    for key in ("tracker_title", "volume_title", "formulas_title"):
        assert default.context.text(key) in text, key
    assert set(default.sheets()) == set(names.values())
    (nps_page,) = [p for p in default.pages_of("formulas")
                   if default.context.text("calc_nps_out_main") in p]
    assert re.search(r"NPS \(points\)\s+65\b", nps_page), "NPS calculator example is not 65"
    assert "69.2%" in "\n".join(default.pages_of("formulas")), "CSAT calculator example"


@engines
def test_filled_preview_is_recalculated(filled: Rendered) -> None:
    text = "\n".join(filled.pages)
    for stale in STALE_TEXTS:
        assert stale not in text, f"a cached value ({stale}) was printed, not recalculated"
    totals = filled.context.volume_result
    grand = totals.rollups[("vol", TOTAL, "y1")]
    assert grand is not None
    volume = filled.pages_of("volume")[0]
    assert f"{grand:,.0f}" in volume
    for name in filled.context.volume.categories:
        if (year := totals.rollups[("vol", name, "y1")]) is not None:
            assert f"{year:,.0f}" in volume, name
    tracker = "\n".join(filled.pages_of("tracker"))
    received = filled.context.tracker_result.kpis[("tickets_new", "y1")]
    assert f"{received:,.0f}" in tracker


@engines
def test_a_preview_takes_seconds(default: Rendered, filled: Rendered) -> None:
    assert default.seconds < 30 and filled.seconds < 30, (default.seconds, filled.seconds)


# --------------------------------------------------------------------------- processes

@pytest.fixture
def workbook(default: Rendered) -> Path:
    return default.tmp / "default.xlsx"


@engines
def test_pdf_preview_leaves_no_process_profile_or_temporary_file(
        workbook: Path, tmp_path: Path, isolated_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    profiles: list[Path] = []
    command = libreoffice.soffice_command

    def spy(soffice: str, profile: Path, *args: Path) -> list[str]:
        profiles.append(profile)
        return command(soffice, profile, *args)

    monkeypatch.setattr(libreoffice, "soffice_command", spy)
    written = preview.render_preview(workbook, tmp_path / "out", "pdf")
    assert written == [tmp_path / "out" / "default.pdf"]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["default.pdf"]
    assert preview.page_count(written[0]) >= 10
    assert list(isolated_tmp.iterdir()) == [], "temporary folder or profile left behind"
    if sys.platform.startswith("linux"):
        assert wait_until_gone(str(isolated_tmp), 2) == []
    (profile,) = profiles
    assert not profile.exists()
    assert [s for s in libreoffice.ipc_sockets(profile) if s.exists()] == [], "socket left in /tmp"


@engines
def test_timeout_kills_libreoffice_and_cleans_up(
        workbook: Path, tmp_path: Path, isolated_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_tools()
    profiles: list[Path] = []
    command = libreoffice.soffice_command
    monkeypatch.setattr(libreoffice, "soffice_command",
                        lambda soffice, profile, *args: profiles.append(profile)
                        or command(soffice, profile, *args))
    with pytest.raises(CsmetricsError, match=r"did not finish .* within 0\.7 s") as caught:
        preview.render_preview(workbook, tmp_path / "out", "png", timeout=0.7)
    assert not isinstance(caught.value, UsageError)
    assert caught.value.exit_code == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert list(isolated_tmp.iterdir()) == []
    if sys.platform.startswith("linux"):
        assert wait_until_gone(str(isolated_tmp), 2) == [], "LibreOffice still running"
    (profile,) = profiles
    assert [s for s in libreoffice.ipc_sockets(profile) if s.exists()] == [], "socket left in /tmp"


@engines
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_kills_libreoffice_and_cleans_up(workbook: Path, tmp_path: Path) -> None:
    require_tools()
    private = tmp_path / "tmp"
    private.mkdir()
    # Python's own Ctrl-C handler, even where the test runs as a background job
    # (which starts its children with SIGINT ignored)
    code = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
            "from pathlib import Path; from csmetrics.render.preview import render_preview; "
            "render_preview(Path(sys.argv[1]), Path(sys.argv[2]))")
    child = subprocess.Popen([sys.executable, "-c", code, str(workbook), str(tmp_path / "out")],
                             env={**os.environ, "TMPDIR": str(private)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        # Interrupt once LibreOffice proper (soffice.bin, a grandchild) is running.
        while not any("soffice.bin" in p for p in processes_mentioning(f"{private}/{WORK_PREFIX}")):
            assert child.poll() is None and time.monotonic() < deadline, "soffice never started"
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
    assert "KeyboardInterrupt" in stderr
    assert wait_until_gone(str(private), 2) == [], "LibreOffice survived Ctrl-C"
    assert list(private.iterdir()) == []
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@engines
def test_a_workbook_libreoffice_cannot_read_fails_cleanly(tmp_path: Path, isolated_tmp: Path) -> None:
    require_tools()
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "not xml")
        archive.writestr("xl/workbook.xml", "not xml either")
    with pytest.raises(CsmetricsError, match="LibreOffice could not print") as caught:
        preview.render_preview(broken, tmp_path / "out", "png")
    assert caught.value.exit_code == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert list(isolated_tmp.iterdir()) == []


def test_stale_pages_of_a_longer_preview_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = [out / "book-07.png", out / "book-12.png"]
    kept = [out / "book-notes.png", out / "other-01.png"]
    for path in stale + kept:
        path.write_bytes(b"old")
    pages = []
    for number in (1, 2):
        page = tmp_path / f"page-{number}.png"
        page.write_bytes(b"new")
        pages.append((page, out / preview.page_name("book", number, 2)))
    assert preview._publish(pages, out, "book") == [out / "book-01.png", out / "book-02.png"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["book-01.png", "book-02.png", "book-notes.png", "other-01.png"])


# --------------------------------------------------------------------------- usage errors

def test_missing_libreoffice_says_how_to_install_it(tmp_path: Path, workbook_stub: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(UsageError) as caught:
        preview.render_preview(workbook_stub, tmp_path / "out")
    message = str(caught.value)
    assert caught.value.exit_code == 2
    assert "\n" not in message
    assert "soffice" in message and "apt-get install libreoffice-calc-nogui" in message
    assert "brew install --cask libreoffice" in message and "winget" in message
    assert not (tmp_path / "out").exists()


def test_missing_pdftoppm_says_how_to_install_it(tmp_path: Path, workbook_stub: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    only_soffice = tmp_path / "only-soffice"
    only_soffice.mkdir()
    (only_soffice / "soffice").symlink_to(shutil.which("soffice") or "/bin/false")
    monkeypatch.setenv("PATH", str(only_soffice))
    with pytest.raises(UsageError) as caught:
        preview.render_preview(workbook_stub, tmp_path / "out", "png")
    message = str(caught.value)
    assert caught.value.exit_code == 2 and "\n" not in message
    assert "pdftoppm" in message and "apt-get install poppler-utils" in message
    assert "--format pdf" in message


@pytest.fixture
def workbook_stub(tmp_path: Path) -> Path:
    """Enough of an xlsx to pass the checks made before any tool runs."""
    path = tmp_path / "stub.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return path


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.xlsx", None, "workbook not found"),
    ("notes.txt", b"hello", "not an .xlsx workbook"),
    ("fake.xlsx", b"hello", "not a zip archive"),
    ("folder.xlsx", "dir", "not a file"),
])
def test_bad_workbook_paths_are_usage_errors(tmp_path: Path, name: str, content: bytes | str | None,
                                             message: str) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    with pytest.raises(UsageError, match=message) as caught:
        preview.render_preview(path, tmp_path / "out")
    assert caught.value.exit_code == 2 and "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists()


def test_a_zip_that_is_not_a_workbook_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"...")
    with pytest.raises(UsageError, match=r"no xl/workbook\.xml"):
        preview.render_preview(path, tmp_path / "out")


@pytest.mark.parametrize(("options", "message"), [
    ({"fmt": "jpg"}, "unknown preview format 'jpg'"),
    ({"timeout": 0}, "timeout must be positive"),
    ({"dpi": 5}, "resolution must be"),
])
def test_bad_options_are_usage_errors(workbook_stub: Path, tmp_path: Path, options: dict,
                                      message: str) -> None:
    with pytest.raises(UsageError, match=message):
        preview.render_preview(workbook_stub, tmp_path / "out", **options)


# --------------------------------------------------------------------------- pure rules

def test_page_names_have_a_fixed_width() -> None:
    assert preview.page_name("team", 3, 9) == "team-03.png"
    assert preview.page_name("team", 12, 14) == "team-12.png"
    assert preview.page_name("team", 7, 120) == "team-007.png"
    assert preview.page_number("page-07.png", "page") == 7
    assert preview.page_number("page-notes.png", "page") is None


def test_the_profile_recalculates_on_load_and_lives_in_its_own_folder(tmp_path: Path) -> None:
    assert 'oor:name="OOXMLRecalcMode"' in libreoffice.PROFILE_SETTINGS
    assert "<value>0</value>" in libreoffice.PROFILE_SETTINGS
    cmd = libreoffice.soffice_command("soffice", tmp_path / "profile", tmp_path / "a b.xlsx",
                                  tmp_path / "pdf")
    assert cmd[1] == f"-env:UserInstallation={(tmp_path / 'profile').resolve().as_uri()}"
    assert {"--headless", "--norestore", "--convert-to"} <= set(cmd)
    assert cmd[-1] == str(tmp_path / "a b.xlsx")


def test_the_ipc_socket_name_follows_libreoffice() -> None:
    """LibreOffice names its socket after the MD5 of the profile URL in UTF-16,
    printed without zero padding; checked against a name it really made."""
    if not hasattr(os, "getuid"):
        pytest.skip("POSIX only")
    (socket,) = {p.name for p in libreoffice.ipc_sockets(Path("/tmp/pv/exp/prof"))}
    assert socket == f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_b4e44bb925540a43e8af424935c53f"
