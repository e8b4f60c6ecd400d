"""See a workbook without opening a spreadsheet: render every sheet as it prints.

xlsxwriter cannot draw a page, so headless LibreOffice does it: it opens the
workbook in a throwaway profile told to recalculate on load (otherwise it would
print the cached values, not what the formulas compute), prints every sheet to
one PDF with its charts, and ``pdftoppm`` (poppler-utils) turns the pages into
PNGs. The rules (checks, messages, commands, file names) are pure functions that
tests can call without LibreOffice; only ``render_preview`` and the private helpers
below it start processes and move files, through ``libreoffice``'s process handling.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import CsmetricsError, UsageError
from .libreoffice import find_soffice, print_to_pdf
from .process import last_line, run

FORMATS = ("png", "pdf")
MIN_DPI, MAX_DPI = 20, 600
# 8 pt, the smallest printed text, is 13 pixels high at 120 dpi: numbers read easily.
DEFAULT_DPI = 120
PAGE_DIGITS = 2  # page numbers in PNG names: "-01", "-02" ... (wider past 99 pages)

INSTALL_POPPLER = (
    "PNG pages need `pdftoppm` (poppler-utils), which was not found; install it "
    "(Debian/Ubuntu: `sudo apt-get install poppler-utils`; macOS: `brew install poppler`; "
    "Windows: `conda install -c conda-forge poppler`) or use --format pdf"
)

@dataclass(frozen=True)
class Tools:
    """The external programs a preview needs, resolved to paths."""

    soffice: str
    pdftoppm: str | None  # only for PNG


# --------------------------------------------------------------------------- pure rules

def check_request(workbook: Path, fmt: str, timeout: float, dpi: int) -> None:
    """Reject what the user can fix before anything slow starts."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown preview format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not timeout > 0:
        raise UsageError(f"the preview timeout must be positive, got {timeout}")
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise UsageError(f"the preview resolution must be {MIN_DPI}-{MAX_DPI} dpi, got {dpi}")
    check_workbook(workbook)


def check_workbook(workbook: Path) -> None:
    """An xlsx is a zip holding xl/workbook.xml; say so plainly when it is not."""
    if not workbook.exists():
        raise UsageError(f"workbook not found: {workbook}")
    if not workbook.is_file():
        raise UsageError(f"not a file: {workbook}")
    if workbook.suffix.lower() != ".xlsx":
        raise UsageError(f"not an .xlsx workbook: {workbook}")
    try:
        with zipfile.ZipFile(workbook) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise UsageError(f"not an .xlsx workbook (not a zip archive): {workbook}") from None
    if "xl/workbook.xml" not in names:
        raise UsageError(f"not an .xlsx workbook (no xl/workbook.xml inside): {workbook}")


def find_tools(fmt: str, which: Callable[[str], str | None] | None = None,
               exists: Callable[[str], bool] = os.path.isfile) -> Tools:
    """Resolve soffice (and pdftoppm for PNG), or explain how to install them."""
    which = which or shutil.which
    soffice = find_soffice(which, exists)
    pdftoppm = None
    if fmt == "png":
        pdftoppm = which("pdftoppm")
        if pdftoppm is None:
            raise UsageError(INSTALL_POPPLER)
    return Tools(soffice, pdftoppm)


def pdftoppm_command(pdftoppm: str, pdf: Path, prefix: Path, dpi: int) -> list[str]:
    """One PNG per page, at ``dpi``, anti-aliased (poppler's defaults)."""
    return [pdftoppm, "-png", "-r", str(dpi), str(pdf), str(prefix)]


def page_name(stem: str, page: int, pages: int) -> str:
    """``<stem>-01.png``: a fixed width, so names sort and stay stable."""
    width = max(PAGE_DIGITS, len(str(pages)))
    return f"{stem}-{page:0{width}d}.png"


def page_number(name: str, prefix: str) -> int | None:
    """The page of a pdftoppm output (``prefix-1.png``, ``prefix-01.png`` ...)."""
    match = re.fullmatch(re.escape(prefix) + r"-(\d+)\.png", name)
    return int(match[1]) if match else None


# --------------------------------------------------------------------------- the API

def render_preview(workbook: Path, out_dir: Path, fmt: str = "png", timeout: float = 180,
                   dpi: int = DEFAULT_DPI) -> list[Path]:
    """Render every sheet of ``workbook`` as it prints, recalculated, into ``out_dir``.

    Writes ``<stem>.pdf`` (fmt "pdf") or ``<stem>-01.png``, ``<stem>-02.png`` ... one
    per page (fmt "png", at ``dpi``), and returns them in page order. Stale pages of
    an earlier preview of the same stem are removed. A failure writes nothing to
    ``out_dir``. ``timeout`` bounds the whole rendering, in seconds.
    """
    workbook, out_dir = Path(workbook), Path(out_dir)
    check_request(workbook, fmt, timeout, dpi)
    tools = find_tools(fmt)
    deadline = time.monotonic() + timeout
    stem = workbook.stem
    work = Path(tempfile.mkdtemp(prefix="csmetrics-preview-"))
    try:
        pdf = print_to_pdf(tools.soffice, workbook, work, deadline, timeout)
        if fmt == "pdf":
            return _publish([(pdf, out_dir / f"{stem}.pdf")], out_dir, stem)
        assert tools.pdftoppm is not None
        pages = _pdf_to_pngs(tools.pdftoppm, pdf, work, dpi, deadline, timeout)
        moves = [(page, out_dir / page_name(stem, number, len(pages)))
                 for number, page in enumerate(pages, start=1)]
        return _publish(moves, out_dir, stem)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _pdf_to_pngs(pdftoppm: str, pdf: Path, work: Path, dpi: int, deadline: float,
                 timeout: float) -> list[Path]:
    png_dir = work / "png"
    png_dir.mkdir()
    try:
        status, output = run(pdftoppm_command(pdftoppm, pdf, png_dir / "page", dpi), deadline,
                              work / "pdftoppm.log")
    except subprocess.TimeoutExpired:
        raise CsmetricsError(f"pdftoppm did not finish within {timeout:g} s; it was stopped") \
            from None
    numbered = sorted((number, path) for path in png_dir.iterdir()
                      if (number := page_number(path.name, "page")) is not None)
    if status != 0 or not numbered:
        raise CsmetricsError(f"pdftoppm could not turn the preview into PNG pages "
                             f"(exit status {status}): {last_line(output)}")
    return [path for _, path in numbered]


def _publish(moves: list[tuple[Path, Path]], out_dir: Path, stem: str) -> list[Path]:
    """Copy every file next to its target first, then rename them all into place:
    a failure while copying (a full disk) leaves out_dir as it was. Stale pages
    of an earlier, longer preview of the same stem are removed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for source, target in moves:
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            staged.append((temporary, target))
            shutil.copyfile(source, temporary)
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
    targets = [target for _, target in moves]
    if targets and targets[0].suffix == ".png":
        keep = {target.name for target in targets}
        for path in out_dir.glob(f"{glob_escape(stem)}-*.png"):
            if path.name not in keep and page_number(path.name, stem) is not None:
                path.unlink(missing_ok=True)
    return targets


def glob_escape(text: str) -> str:
    """Escape glob wildcards in a file stem ("[draft] team" is a valid name)."""
    return re.sub(r"([\[\]*?])", r"[\1]", text)


def page_count(pdf: Path) -> int:
    """Pages of a PDF, from ``pdfinfo`` when present, else by counting page objects
    (LibreOffice writes them uncompressed)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        result = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True,
                                timeout=60, check=False)
        match = re.search(r"^Pages:\s+(\d+)", result.stdout, re.MULTILINE)
        if result.returncode == 0 and match:
            return int(match[1])
    return len(re.findall(rb"/Type\s*/Page\b", Path(pdf).read_bytes()))
