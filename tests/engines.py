"""Recalculate xlsx workbooks in real spreadsheet engines and read the results back.

xlsxwriter writes formulas with cached values that no engine has computed, so
a test that reads those values proves nothing. This module makes LibreOffice,
Gnumeric and IronCalc recalculate every formula, then reads each result through
one `CellReader` interface that normalises values so engines can be compared:

* numbers (including dates and times) -> ``float``
* booleans -> ``bool``
* text -> ``str``; a formula returning ``""`` and a blank cell both read as
  ``""``, because the engines do not agree on the difference: LibreOffice
  writes a ``""`` result as an empty ``t="str"`` cell (openpyxl: ``None``) and
  drops empty constant strings; Gnumeric and IronCalc keep them as ``""``.
  ``None`` is never returned.
* error values -> `CellError`, a ``str`` subclass holding the code (``"#DIV/0!"``),
  so it compares equal to the plain string yet `is_error` can tell it apart
  from text that merely looks like an error. Codes differ between engines
  (LibreOffice exports ``SQRT(-1)`` as ``#VALUE!``, the others as ``#NUM!``),
  so compare with `is_error` unless the exact code matters.

LibreOffice writes at most 15 significant digits, so compare floats with a
tolerance (``pytest.approx``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import signal
import subprocess
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn, Protocol

import ironcalc
import pytest
from csmetrics.render.libreoffice import PROFILE_SETTINGS, XLSX_FILTER
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries
from openpyxl.utils.datetime import to_excel

CellValue = float | str | bool

_ENGINE_COMMANDS = {"libreoffice": "soffice", "gnumeric": "ssconvert"}

# The xlsx import filter and the always-recalculate profile settings are the
# ones `csmetrics preview` uses, so the tests recalculate exactly as it does.
_LO_XLSX_FILTER = XLSX_FILTER
_LO_REGISTRY = PROFILE_SETTINGS


class EngineError(RuntimeError):
    """An engine did not produce its output; engines often exit 0 regardless."""


class CellError(str):
    """An error value such as ``#DIV/0!``, distinguishable from ordinary text."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"CellError({str.__repr__(self)})"


def is_error(value: object) -> bool:
    """Tell error values from text, even text such as ``"#N/A"`` typed by a user."""
    return isinstance(value, CellError)


class CellReader(Protocol):
    """Read recalculated values the same way whatever engine produced them."""

    def value(self, sheet: str, cell: str) -> CellValue:
        """Return the normalised value of ``cell`` (e.g. ``"B7"``) on ``sheet``."""
        ...

    def errors(self) -> Iterator[tuple[str, str, CellError]]:
        """Yield ``(sheet, cell, error)`` for every error cell in the workbook."""
        ...


def _parse_cell(cell: str) -> tuple[int, int]:
    """Accept ``"b7"`` and ``"$B$7"`` too, returning 1-based (row, column)."""
    return coordinate_to_tuple(cell.replace("$", "").upper())


class OpenpyxlReader:
    """Read values cached in an xlsx file that an engine has just recalculated.

    Read-only mode, read once into a dict: it is fast, and it skips comments,
    which Gnumeric writes without the authors openpyxl's full reader demands.
    """

    def __init__(self, path: Path) -> None:
        # Gnumeric's xlsx lacks a default cell style; openpyxl warns but copes.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Workbook contains no default style")
            # data_only: we want the cached results, not the formulas. The
            # workbook is never saved, which would drop those results.
            wb = load_workbook(path, data_only=True, read_only=True)
        self._cells: dict[str, dict[tuple[int, int], tuple[object, str]]] = {}
        try:
            for ws in wb.worksheets:
                cells = self._cells.setdefault(ws.title, {})
                for row in ws.iter_rows():
                    for c in row:
                        if getattr(c, "value", None) is not None:
                            cells[(c.row, c.column)] = (c.value, c.data_type)
            self._epoch = wb.epoch
        finally:
            wb.close()

    def value(self, sheet: str, cell: str) -> CellValue:
        """Return the normalised value; see the module docstring for the rules."""
        if sheet not in self._cells:
            raise KeyError(f"Worksheet {sheet!r} does not exist; have {list(self._cells)}")
        v, data_type = self._cells[sheet].get(_parse_cell(cell), (None, "n"))
        if v is None:
            return ""
        if data_type == "e":
            return CellError(v)
        if isinstance(v, bool | str):
            return v
        if isinstance(v, dt.datetime | dt.date | dt.time | dt.timedelta):
            # openpyxl turns date-formatted numbers into datetimes; IronCalc
            # returns the serial number, so convert back to compare.
            return float(to_excel(v, self._epoch))
        return float(v)

    def errors(self) -> Iterator[tuple[str, str, CellError]]:
        """Scan every cell of every sheet."""
        for sheet, cells in self._cells.items():
            for (row, col), (v, data_type) in cells.items():
                if data_type == "e":
                    yield sheet, f"{get_column_letter(col)}{row}", CellError(v)


class IronCalcReader:
    """Read values from an evaluated IronCalc model.

    Cells are addressed by sheet index rather than `get_cell_value_by_ref`,
    whose parser wants the sheet name unquoted (``"Ticket Volume!A1"``), rejects
    ``$`` and lower-case columns, and cannot address a sheet whose name has ``!``.
    """

    def __init__(self, model: ironcalc.Model) -> None:
        self._model = model
        self._names = [p["name"] for p in model.get_worksheets_properties()]
        self._index = {name: i for i, name in enumerate(self._names)}

    def value(self, sheet: str, cell: str) -> CellValue:
        """Return the normalised value; see the module docstring for the rules."""
        if sheet not in self._index:
            raise KeyError(f"Worksheet {sheet!r} does not exist; have {self._names}")
        row, col = _parse_cell(cell)
        return self._get(self._index[sheet], row, col)

    def errors(self) -> Iterator[tuple[str, str, CellError]]:
        """Scan every non-empty cell IronCalc knows about."""
        for sheet, row, col in self._model.get_all_cells():
            v = self._get(sheet, row, col)
            if isinstance(v, CellError):
                yield self._names[sheet], f"{get_column_letter(col)}{row}", v

    def _get(self, sheet: int, row: int, col: int) -> CellValue:
        v = self._model.get_cell_value(sheet, row, col)
        if v is None:
            return ""
        if self._model.get_cell_type(sheet, row, col) == ironcalc.CellType.ErrorValue:
            return CellError(v)
        if isinstance(v, bool | str):
            return v
        return float(v)


def read_values(path: Path) -> CellReader:
    """Read an xlsx recalculated by LibreOffice or Gnumeric."""
    return OpenpyxlReader(path)


def recalc_ironcalc(path: Path) -> CellReader:
    """Evaluate ``path`` in IronCalc, in process; fast, needs no external program."""
    model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
    model.evaluate()
    return IronCalcReader(model)


def iter_formula_errors(source: Path | CellReader) -> Iterator[tuple[str, str, CellError]]:
    """Yield ``(sheet, cell, error)`` for every error cell, from a file or reader."""
    reader = read_values(source) if isinstance(source, Path) else source
    return reader.errors()


def engine_available(name: str) -> bool:
    """Tell whether the engine ``"libreoffice"`` or ``"gnumeric"`` is installed."""
    try:
        command = _ENGINE_COMMANDS[name]
    except KeyError:
        raise ValueError(
            f"unknown engine {name!r}; expected one of {sorted(_ENGINE_COMMANDS)}"
        ) from None
    return shutil.which(command) is not None


def missing(message: str) -> NoReturn:
    """A tool the test needs is missing: skip, but fail under CI=true, where every
    test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}, but CI=true requires it", pytrace=False)
    pytest.skip(message)


def require_engine(name: str) -> None:
    """Skip the test if ``name`` is missing, but fail under CI, where it must run."""
    if not engine_available(name):
        missing(f"{name} ({_ENGINE_COMMANDS[name]}) is not installed")


def require_poppler() -> None:
    """Skip without poppler-utils (pdftoppm, pdftotext, pdfinfo), but fail under CI."""
    absent = [tool for tool in ("pdftoppm", "pdftotext", "pdfinfo") if not shutil.which(tool)]
    if absent:
        missing(f"poppler-utils ({', '.join(absent)}) is not installed")


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``cmd`` in its own process group so a hang can be killed with its children."""
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except BaseException as exc:
        # The leader is not reaped yet, so its pid still names our group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        if isinstance(exc, subprocess.TimeoutExpired):
            raise EngineError(
                f"{cmd[0]} timed out after {timeout}s\n" + _describe(stdout, stderr)
            ) from None
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def _describe(stdout: str, stderr: str) -> str:
    return f"--- stdout ---\n{stdout.strip()}\n--- stderr ---\n{stderr.strip()}"


def print_libreoffice(paths: Sequence[Path], outdir: Path, timeout: float = 300) -> dict[Path, Path]:
    """Print ``paths`` to PDF in one LibreOffice run (recalculated, as ``csmetrics
    preview`` prints them); map each input to its ``outdir/<stem>.pdf``."""
    return recalc_libreoffice(paths, outdir, timeout, convert_to="pdf")


def recalc_libreoffice(
    paths: Sequence[Path], outdir: Path, timeout: float = 300, convert_to: str = "xlsx"
) -> dict[Path, Path]:
    """Recalculate ``paths`` in one LibreOffice run; map each input to its output.

    One batched call because LibreOffice start-up dominates the cost. Outputs
    are ``outdir/<stem>.xlsx`` (or ``.pdf``); existing files there are replaced.
    """
    inputs = [Path(p).resolve() for p in paths]
    if not inputs:
        return {}
    missing = [str(p) for p in inputs if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"inputs do not exist: {missing}")
    outdir = Path(outdir).resolve()
    if outdir in {p.parent for p in inputs}:
        raise ValueError(f"outdir {outdir} holds inputs, which would be overwritten")
    targets = [outdir / f"{p.stem}.{convert_to}" for p in inputs]
    if len(set(targets)) != len(targets):
        raise ValueError(f"inputs need distinct base names, got {[p.name for p in inputs]}")

    outdir.mkdir(parents=True, exist_ok=True)
    for out in targets:
        out.unlink(missing_ok=True)  # a stale output must not pass the check below
    profile = Path(tempfile.mkdtemp(prefix="csmetrics-lo-profile-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(_LO_REGISTRY, "utf-8")
        cmd = [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            f"--infilter={_LO_XLSX_FILTER}",
            "--convert-to",
            f"xlsx:{_LO_XLSX_FILTER}" if convert_to == "xlsx" else convert_to,
            "--outdir",
            str(outdir),
            *map(str, inputs),
        ]
        result = _run(cmd, timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    failed = [str(src) for src, out in zip(inputs, targets, strict=True) if not out.is_file()]
    if failed or result.returncode != 0:
        raise EngineError(
            f"LibreOffice (exit {result.returncode}) did not convert: {failed}\n"
            + _describe(result.stdout, result.stderr)
        )
    return {Path(src): out for src, out in zip(paths, targets, strict=True)}


def recalc_gnumeric(path: Path, out: Path, timeout: float = 120) -> Path:
    """Recalculate ``path`` with Gnumeric into ``out`` (xlsx) and return ``out``.

    ``--recalc`` matters: without it Gnumeric keeps the stale cached values.
    GLib warnings on stderr are ignored unless the conversion failed.
    """
    src, out = Path(path).resolve(), Path(out).resolve()
    if src == out:
        raise ValueError(f"output {out} would overwrite the input")
    if not src.is_file():
        raise FileNotFoundError(f"input does not exist: {src}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)  # a stale output must not pass the check below
    cmd = ["ssconvert", "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(src), str(out)]
    result = _run(cmd, timeout)
    if result.returncode != 0 or not out.is_file():
        raise EngineError(
            f"Gnumeric (exit {result.returncode}) did not convert {src} to {out}\n"
            + _describe(result.stdout, result.stderr)
        )
    return out


def named_results(path: Path) -> dict[str, list]:
    """Every kpi_/qtr_/year_ range recalculated by IronCalc, by defined name."""
    book = load_workbook(path, read_only=True)
    names = {name: next(iter(d.destinations)) for name, d in book.defined_names.items()
             if name.split("_", 1)[0] in ("kpi", "qtr", "year")}
    book.close()
    reader = recalc_ironcalc(path)
    results = {}
    for name, (sheet, area) in names.items():
        min_col, min_row, max_col, max_row = range_boundaries(area.replace("$", ""))
        results[name] = [reader.value(sheet, f"{get_column_letter(c)}{r}")
                         for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]
    return results
