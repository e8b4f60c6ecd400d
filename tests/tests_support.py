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
