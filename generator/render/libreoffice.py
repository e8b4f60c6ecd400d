"""Headless LibreOffice as a tool: a throwaway profile, a process group that is
killed whole, and a conversion whose result is checked (soffice exits 0 even
when it could not load or convert a file).

LibreOffice is a tree of processes (``soffice`` -> ``oosplash`` -> ``soffice.bin``)
that outlives a killed parent, so it runs in a process group of its own which is
killed whole whatever happens: success, failure, timeout or Ctrl-C. ``preview``
uses it to print workbooks; the tests use it to recalculate them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from ..errors import CsmetricsError, UsageError
from .process import is_pdf, last_line, run

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
# Where installers put soffice without adding it to PATH (macOS app bundle, Windows).
SOFFICE_FALLBACKS = (
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)



def find_soffice(which: Callable[[str], str | None] | None = None,
                 exists: Callable[[str], bool] = os.path.isfile) -> str:
    """The soffice program, or a message saying how to install it."""
    which = which or shutil.which
    soffice = which("soffice") or next((p for p in SOFFICE_FALLBACKS if exists(p)), None)
    if soffice is None:
        raise UsageError(INSTALL_LIBREOFFICE)
    return soffice


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


def print_to_pdf(soffice: str, workbook: Path, work: Path, deadline: float,
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
        status, output = run(cmd, deadline, work / "soffice.log", env)
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
    if status != 0 or not is_pdf(pdf):
        raise CsmetricsError(f"LibreOffice could not print {workbook} "
                             f"(exit status {status}): {last_line(output)}")
    return pdf
