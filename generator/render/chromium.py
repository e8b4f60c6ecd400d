"""Headless Chromium as a tool: an HTML page printed to PDF with a throwaway
profile, no network and no first-run work, in a process group killed whole
(``process.run``), and the PDF checked (Chromium exits 0 on failure too)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from ..errors import CsmetricsError, UsageError
from .process import is_pdf, last_line, run

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# macOS keeps applications off PATH
CHROMIUM_APPS = ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
                 "/Applications/Chromium.app/Contents/MacOS/Chromium")
CHROMIUM_VARIABLE = "CSMETRICS_CHROMIUM"  # a browser of one's choice: its path or command
INSTALL_CHROMIUM = (
    "Chromium (or Chrome) is needed to print the report as PDF, but none was found; "
    "install it (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: "
    "`brew install --cask chromium`), set CSMETRICS_CHROMIUM to the browser's path, "
    "or write the report as HTML (--out report.html)"
)
# No network (the page is self-contained), no sync, updates or first-run dialogs:
# without the background-networking flags a closed network refuses many requests.
FLAGS = ("--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--no-pdf-header-footer", "--print-to-pdf-no-header")


def find_chromium(which: Callable[[str], str | None] | None = None,
                  environ: Mapping[str, str] | None = None) -> str:
    """The browser: $CSMETRICS_CHROMIUM, else the first Chromium or Chrome on PATH,
    else the macOS applications."""
    which = which or shutil.which
    environ = os.environ if environ is None else environ
    if chosen := environ.get(CHROMIUM_VARIABLE, "").strip():
        if found := which(chosen) or (chosen if Path(chosen).is_file() else None):
            return found
        raise UsageError(f"{CHROMIUM_VARIABLE}={chosen}: no such browser")
    for name in CHROMIUM_NAMES:
        if found := which(name):
            return found
    for app in CHROMIUM_APPS:
        if Path(app).is_file():
            return app
    raise UsageError(INSTALL_CHROMIUM)


def chromium_command(chromium: str, profile: Path, page: Path, pdf: Path) -> list[str]:
    command = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return [*command, page.as_uri()]


def print_html(page: Path, timeout: float = 60) -> bytes:
    """The PDF Chromium prints of ``page`` (its CSS says the paper: A4)."""
    chromium = find_chromium()
    deadline = time.monotonic() + timeout
    with tempfile.TemporaryDirectory(prefix="csmetrics-chromium-") as folder:
        work = Path(folder)
        pdf = work / "page.pdf"
        try:
            status, output = run(chromium_command(chromium, work / "profile", page, pdf), deadline,
                                 work / "chromium.log", {**os.environ, "TMPDIR": folder})
        except subprocess.TimeoutExpired:
            raise CsmetricsError(f"Chromium did not finish printing {page} within {timeout:g} s; "
                                 "it was stopped") from None
        if status != 0 or not is_pdf(pdf):
            raise CsmetricsError(f"Chromium could not print {page} (exit status {status}): "
                                 f"{last_line(output)}")
        return pdf.read_bytes()
