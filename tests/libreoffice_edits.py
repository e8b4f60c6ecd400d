"""Edit a workbook the way a user does, in real LibreOffice: a StarBasic macro run
headless in a throwaway profile opens the file, changes it through the same API
the menus use (insert rows, sort, delete names, add sheets, type into cells) and
saves it back as xlsx. The process handling is csmetrics.render.libreoffice's."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from csmetrics.render.libreoffice import find_soffice, profile_uri
from csmetrics.render.process import run

MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" \
script:language="StarBasic">{code}</script:module>
"""
MACRO = """Sub Edit(path As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden" : args(0).Value = True
  url = ConvertToURL(path)
  doc = StarDesktop.loadComponentFromURL(url, "_blank", 0, args())
{body}
  Dim save(0) As New com.sun.star.beans.PropertyValue
  save(0).Name = "FilterName" : save(0).Value = "Calc MS Excel 2007 XML"
  doc.storeToURL(url, save())
  doc.close(True)
End Sub
"""


def basic_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def sheet(name: str) -> str:
    """Basic that makes ``s`` the (unprotected) sheet ``name``, as a user would."""
    return f"  s = doc.Sheets.getByName({basic_string(name)}) : s.unprotect(\"\")"


def edit_in_libreoffice(workbook: Path, body: list[str], timeout: float = 120) -> None:
    """Run the Basic statements ``body`` (with ``doc`` the open workbook) and save.

    LibreOffice exits 0 whatever happens, so the saved file is what tells: a
    macro that failed leaves the workbook as it was, and that is an error here."""
    before = workbook.read_bytes()
    work = Path(tempfile.mkdtemp(prefix="csmetrics-lo-edit-"))
    try:
        profile = work / "profile"
        soffice = find_soffice()
        deadline = time.monotonic() + timeout
        base = [soffice, f"-env:UserInstallation={profile_uri(profile)}", "--headless",
                "--norestore", "--nologo", "--nolockcheck"]
        # the first start lays out the profile (and its empty Standard library)
        run([*base, "--terminate_after_init"], deadline, work / "init.log")
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        module.write_text(MODULE.format(code=escape(MACRO.format(body="\n".join(body)))),
                          "utf-8")
        status, output = run([*base, f"macro:///Standard.Module1.Edit({basic_string(str(workbook))})"],
                             deadline, work / "macro.log")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if workbook.read_bytes() == before:
        raise AssertionError(f"LibreOffice did not save the edit (exit {status}): {output[-500:]}")
