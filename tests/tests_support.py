"""Small readers of the generated file's XML, shared by tests."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path


def conditional_ranges(path: Path, part: str) -> list[str]:
    """Every range a conditional format of the sheet part covers."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(part).decode()
    return [r for sqref in re.findall(r'<conditionalFormatting sqref="([^"]+)"', xml)
            for r in sqref.split()]


def rewrite_part(source: Path, target: Path, part: str, change) -> Path:
    """Copy an xlsx with one XML part changed, as another application might save it."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return target


def with_layout_version(source: Path, target: Path, version: int) -> Path:
    """A copy of a csmetrics workbook claiming another layout version, in both
    places it says so: the document property and the settings sheet's cell."""
    from csmetrics.xlsx.contract import LAYOUT_PROPERTY, LAYOUT_VERSION, SETTINGS_SHEET
    from xlsx_parts import read_book

    book = read_book(source)
    settings = book.sheet(SETTINGS_SHEET)
    cell = book.workbook_names()[LAYOUT_PROPERTY].text.split("!")[1].replace("$", "")
    middle = target.with_name(f"{target.stem}-props{target.suffix}")
    rewrite_part(source, middle, "docProps/custom.xml",
                 lambda xml: xml.replace(f"<vt:i4>{LAYOUT_VERSION}</vt:i4>".encode(),
                                         f"<vt:i4>{version}</vt:i4>".encode()))
    pattern = re.compile(rf'(<c r="{cell}"[^>]*><v>){LAYOUT_VERSION}(</v>)'.encode())
    rewrite_part(middle, target, settings.part,
                 lambda xml: pattern.sub(rb"\g<1>" + str(version).encode() + rb"\g<2>", xml, count=1))
    middle.unlink()
    return target
