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
