"""Which cells of a workbook are unlocked for typing, as a few rectangles.

Google Sheets does not carry xlsx sheet protection over to its own protected
ranges, so ``csmetrics sheets-protect`` tells a team how to protect the
formulas there by hand: every sheet protected, except these rectangles. They
are read from the file itself (the cells whose style is unlocked), so they hold
for any workbook csmetrics made, re-saved or not.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

Cell = tuple[int, int]  # (row, column), 0-based


@dataclass(frozen=True)
class Rectangle:
    first_row: int
    first_col: int
    last_row: int
    last_col: int

    @property
    def a1(self) -> str:
        """``C7:N13``, or ``T40`` for a single cell."""
        first = _a1(self.first_row, self.first_col)
        last = _a1(self.last_row, self.last_col)
        return first if first == last else f"{first}:{last}"

    def cells(self) -> set[Cell]:
        return {(row, col) for row in range(self.first_row, self.last_row + 1)
                for col in range(self.first_col, self.last_col + 1)}


@dataclass(frozen=True)
class SheetInputs:
    name: str
    hidden: bool
    rectangles: tuple[Rectangle, ...]


def _a1(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _cell(ref: str) -> Cell:
    letters = ref.rstrip("0123456789")
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter.upper()) - 64
    return int(ref[len(letters):]) - 1, col - 1


def rectangles(cells: set[Cell]) -> tuple[Rectangle, ...]:
    """The cells as few rectangles: runs along each row, then runs of rows with
    the same columns stacked into one (a grid of inputs is one rectangle)."""
    runs: dict[int, list[tuple[int, int]]] = {}
    for row in sorted({row for row, _ in cells}):
        columns = sorted(col for r, col in cells if r == row)
        start = previous = columns[0]
        for col in columns[1:]:
            if col != previous + 1:
                runs.setdefault(row, []).append((start, previous))
                start = col
            previous = col
        runs.setdefault(row, []).append((start, previous))
    open_: dict[tuple[int, int], tuple[int, int]] = {}  # columns -> (first row, last row)
    done: list[Rectangle] = []
    for row in sorted(runs):
        current = set(runs[row])
        for span, (first, last) in list(open_.items()):
            if span in current and last == row - 1:
                open_[span] = (first, row)
                current.discard(span)
            else:
                done.append(Rectangle(first, span[0], last, span[1]))
                del open_[span]
        for span in current:
            open_[span] = (row, row)
    done += [Rectangle(first, span[0], last, span[1]) for span, (first, last) in open_.items()]
    return tuple(sorted(done, key=lambda r: (r.first_row, r.first_col)))


def unlocked_inputs(path: Path) -> list[SheetInputs]:
    """Every sheet of the workbook with its unlocked cells as rectangles."""
    if not zipfile.is_zipfile(path):
        raise UsageError(f"{path}: not an .xlsx workbook (or the file is damaged)")
    with zipfile.ZipFile(path) as archive:
        parts = set(archive.namelist())

        def xml(part: str) -> ET.Element:
            return ET.fromstring(archive.read(part))

        unlocked_styles = _unlocked_styles(xml("xl/styles.xml")) if "xl/styles.xml" in parts else set()
        targets = {rel.get("Id"): rel.get("Target", "")
                   for rel in xml("xl/_rels/workbook.xml.rels").iter(f"{_REL}Relationship")}
        found = []
        for sheet in xml("xl/workbook.xml").iter(f"{_MAIN}sheet"):
            target = targets.get(sheet.get(f"{_DOC_REL}id"), "")
            part = target[1:] if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
            cells = {_cell(c.get("r", "A1")) for c in xml(part).iter(f"{_MAIN}c")
                     if int(c.get("s", "0")) in unlocked_styles} if part in parts else set()
            found.append(SheetInputs(sheet.get("name", ""), sheet.get("state", "visible") != "visible",
                                     rectangles(cells) if cells else ()))
    return found


def _unlocked_styles(styles: ET.Element) -> set[int]:
    """Indexes of the cell styles whose protection says unlocked."""
    unlocked = set()
    xfs = styles.find(f"{_MAIN}cellXfs")
    for index, xf in enumerate(xfs if xfs is not None else []):
        protection = xf.find(f"{_MAIN}protection")
        if protection is not None and protection.get("locked") in ("0", "false"):
            unlocked.add(index)
    return unlocked
