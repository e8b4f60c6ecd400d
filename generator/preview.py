"""See a workbook without opening a spreadsheet: render every sheet as it prints.

xlsxwriter cannot draw a page, so headless LibreOffice does it: it opens the
workbook in a throwaway profile told to recalculate on load (otherwise it would
print the cached values, not what the formulas compute), prints every sheet to
one PDF with its charts, and ``pdftoppm`` (poppler-utils) turns the pages into
PNGs. The rules (checks, messages, commands, file names) are pure functions that
tests can call without LibreOffice; only ``render_preview`` and the private helpers
below it start processes and move files.

LibreOffice is a tree of processes (``soffice`` -> ``oosplash`` -> ``soffice.bin``)
that outlives a killed parent, so it runs in a process group of its own which is
killed whole whatever happens: success, failure, timeout or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import CsmetricsError, UsageError

FORMATS = ("png", "pdf")
MIN_DPI, MAX_DPI = 20, 600
PAGE_DIGITS = 2  # page numbers in PNG names: "-01", "-02" ... (wider past 99 pages)

# LibreOffice's xlsx import filter: forcing it makes a file that is not really
# xlsx fail instead of being imported as text and printed as gibberish.
XLSX_FILTER = "Calc MS Excel 2007 XML"

# LibreOffice ignores the xlsx "recalculate on load" flag and keeps cached values
# unless told to always recalculate (0 = always, 1 = never, 2 = prompt).
PROFILE_SETTINGS = """\
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

INSTALL_LIBREOFFICE = (
    "LibreOffice is needed to render a preview, but `soffice` was not found; install it "
    "(Debian/Ubuntu: `sudo apt-get install libreoffice-calc-nogui`; "
    "macOS: `brew install --cask libreoffice`; "
    "Windows: `winget install TheDocumentFoundation.LibreOffice`) "
    "and make sure `soffice` is on your PATH"
)
INSTALL_POPPLER = (
    "PNG pages need `pdftoppm` (poppler-utils), which was not found; install it "
    "(Debian/Ubuntu: `sudo apt-get install poppler-utils`; macOS: `brew install poppler`; "
    "Windows: `conda install -c conda-forge poppler`) or use --format pdf"
)

# Where installers put soffice without adding it to PATH (macOS app bundle, Windows).
SOFFICE_FALLBACKS = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
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
    soffice = which("soffice") or next((p for p in SOFFICE_FALLBACKS if exists(p)), None)
    if soffice is None:
        raise UsageError(INSTALL_LIBREOFFICE)
    pdftoppm = None
    if fmt == "png":
        pdftoppm = which("pdftoppm")
        if pdftoppm is None:
            raise UsageError(INSTALL_POPPLER)
    return Tools(soffice, pdftoppm)


def profile_uri(profile: Path) -> str:
    """The -env:UserInstallation value: a file:// URI, which LibreOffice insists on."""
    return profile.resolve().as_uri()


def soffice_command(soffice: str, profile: Path, workbook: Path, outdir: Path) -> list[str]:
    """Print every sheet of ``workbook`` to ``outdir/<stem>.pdf`` in a private profile."""
    return [
        soffice,
        f"-env:UserInstallation={profile_uri(profile)}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nologo",
        f"--infilter={XLSX_FILTER}",
        "--convert-to",
        "pdf:calc_pdf_Export",
        "--outdir",
        str(outdir),
        str(workbook),
    ]


def ipc_sockets(profile: Path) -> list[Path]:
    """Where LibreOffice puts the single-instance socket of ``profile``: a killed
    soffice leaves it behind. Its name is the MD5 of the profile URL in UTF-16,
    written as hex bytes without zero padding (LibreOffice's own quirk)."""
    if not hasattr(os, "getuid"):  # Windows uses named pipes, which vanish with the process
        return []
    digest = hashlib.md5(profile_uri(profile).encode("utf-16-le"), usedforsecurity=False).digest()
    name = f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{byte:x}' for byte in digest)}"
    return [Path(folder) / name for folder in ("/tmp", "/var/tmp")]


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


def last_line(text: str) -> str:
    """The most telling line of a tool's output, for a one-line error."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


# --------------------------------------------------------------------------- processes

def _kill_group(pid: int) -> None:
    """Kill a whole process group (or tree, on Windows); gone already is fine."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True,
                       check=False)


def _wait_unreaped(proc: subprocess.Popen[bytes], deadline: float) -> None:
    """Wait for the leader to exit without reaping it, so its pid (= the group id)
    cannot be reused before ``_kill_group`` sweeps up children it left behind."""
    if not hasattr(os, "waitid"):  # macOS before Python 3.13, Windows
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        return
    delay = 0.01
    while True:
        try:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return
        except ChildProcessError:  # reaped already (SIGCHLD ignored by a host program)
            return
        if time.monotonic() >= deadline:
            raise subprocess.TimeoutExpired(proc.args, 0)
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _run(cmd: Sequence[str], deadline: float, log: Path,
         env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``cmd`` in its own process group until ``deadline``; kill the group in
    every case (success, error, timeout, Ctrl-C). Returns the exit status and output."""
    if time.monotonic() >= deadline:
        raise subprocess.TimeoutExpired(list(cmd), 0)
    extra: dict[str, object] = {"start_new_session": True}
    if sys.platform == "win32":  # pragma: no cover
        extra = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    with log.open("wb") as output:
        try:
            proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=output,
                                    stderr=subprocess.STDOUT, env=env,
                                    **extra)  # type: ignore[call-overload]
        except OSError as error:
            raise CsmetricsError(f"could not start {cmd[0]}: {error.strerror or error}") from None
        try:
            _wait_unreaped(proc, deadline)
        finally:
            _kill_group(proc.pid)
            proc.wait()
    return proc.returncode, log.read_text("utf-8", errors="replace")


# --------------------------------------------------------------------------- the API

def render_preview(workbook: Path, out_dir: Path, fmt: str = "png", timeout: float = 180,
                   dpi: int = 80) -> list[Path]:
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
        pdf = _print_to_pdf(tools.soffice, workbook, work, deadline, timeout)
        if fmt == "pdf":
            return _publish([(pdf, out_dir / f"{stem}.pdf")], out_dir, stem)
        assert tools.pdftoppm is not None
        pages = _pdf_to_pngs(tools.pdftoppm, pdf, work, dpi, deadline, timeout)
        moves = [(page, out_dir / page_name(stem, number, len(pages)))
                 for number, page in enumerate(pages, start=1)]
        return _publish(moves, out_dir, stem)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _print_to_pdf(soffice: str, workbook: Path, work: Path, deadline: float,
                  timeout: float) -> Path:
    """LibreOffice prints a copy of the workbook (so no lock file appears beside
    the original) with a throwaway profile that recalculates on load, and keeps
    its temporary files in ``work`` (TMPDIR), so that nothing of it outlives us."""
    profile, pdf_dir, scratch = work / "profile", work / "pdf", work / "tmp"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, "utf-8")
    pdf_dir.mkdir()
    scratch.mkdir()
    source = work / "workbook.xlsx"
    shutil.copyfile(workbook, source)
    cmd = soffice_command(soffice, profile, source, pdf_dir)
    env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
    try:
        status, output = _run(cmd, deadline, work / "soffice.log", env)
    except subprocess.TimeoutExpired:
        raise CsmetricsError(f"LibreOffice did not finish printing {workbook} within "
                             f"{timeout:g} s; it was stopped") from None
    finally:
        for socket in ipc_sockets(profile):
            with contextlib.suppress(OSError):
                if socket.is_socket():
                    socket.unlink()
        shutil.rmtree(profile, ignore_errors=True)
    pdf = pdf_dir / "workbook.pdf"
    # soffice exits 0 even when it could not load or convert: trust only the file.
    if status != 0 or not _is_pdf(pdf):
        raise CsmetricsError(f"LibreOffice could not print {workbook} "
                             f"(exit status {status}): {last_line(output)}")
    return pdf


def _pdf_to_pngs(pdftoppm: str, pdf: Path, work: Path, dpi: int, deadline: float,
                 timeout: float) -> list[Path]:
    png_dir = work / "png"
    png_dir.mkdir()
    try:
        status, output = _run(pdftoppm_command(pdftoppm, pdf, png_dir / "page", dpi), deadline,
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


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


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
