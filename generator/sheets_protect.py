"""The sheets-protect command's work: how to protect a workbook's formulas in
Google Sheets, which does not carry xlsx sheet protection over.

The input rectangles come from the file (``xlsx.protection``); the steps and
the Apps Script snippet are a jinja2 template, like every text.
"""

from __future__ import annotations

import json
from pathlib import Path

from .text import templates_dir
from .xlsx.protection import SheetInputs, unlocked_inputs

_SCRIPT = """function protectCsmetricsFormulas() {{
  // Every sheet protected with a warning, except its input cells.
  var inputs = {inputs};
  var book = SpreadsheetApp.getActive();
  Object.keys(inputs).forEach(function (name) {{
    var sheet = book.getSheetByName(name);
    if (!sheet) return;
    sheet.getProtections(SpreadsheetApp.ProtectionType.SHEET).forEach(function (p) {{ p.remove(); }});
    var protection = sheet.protect().setDescription("csmetrics: formulas (inputs stay editable)");
    protection.setWarningOnly(true);
    protection.setUnprotectedRanges(inputs[name].map(function (a1) {{ return sheet.getRange(a1); }}));
  }});
}}"""


def apps_script(sheets: list[SheetInputs]) -> str:
    """The Apps Script that protects every sheet but its input rectangles."""
    inputs = {sheet.name: [r.a1 for r in sheet.rectangles] for sheet in sheets}
    body = json.dumps(inputs, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    return _SCRIPT.format(inputs=body)


def protection_steps(workbook: Path) -> str:
    """Steps and script for protecting ``workbook``'s formulas in Google Sheets."""
    import jinja2

    sheets = unlocked_inputs(workbook)
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir()),
                                     keep_trailing_newline=True, autoescape=False)
    return environment.get_template("sheets-protect.txt.j2").render(
        file_name=workbook.name, script=apps_script(sheets),
        sheets=[{"name": s.name, "hidden": s.hidden, "ranges": [r.a1 for r in s.rectangles]}
                for s in sheets])
