"""Opening an export: what kind of file it is, that it is text DuckDB can read, and
its header row.

Every file becomes a DuckDB relation of text columns (``all_varchar``), so that
nothing is converted before csmetrics says how: CSV through ``read_csv`` (rows that
do not fit the header are set aside as malformed and counted), JSON lines through
``read_json_objects`` (nested keys flattened with dots), and Excel through openpyxl
into a CSV in the import's scratch folder (DuckDB's excel extension would have to be
downloaded).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError, shown

SNIFF_BYTES = 1 << 16
JSON_SAMPLE_LINES = 1000


@dataclass(frozen=True)
class InputFile:
    """An export opened for reading."""

    path: Path
    index: int
    format: str  # csv, xlsx or jsonl
    relation: str  # SQL of a relation with the file's columns as text
    headers: tuple[str, ...]  # the column names as DuckDB gives them (duplicates get _1, _2)
    rejects: str | None = None  # the table of malformed CSV rows, if any


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_input(connection: Any, path: Path, index: int, scratch: Path) -> InputFile:
    """Check ``path`` and make its relation; raise UsageError naming the file when it
    is missing, empty, binary or not UTF-8."""
    kind = _kind_of(path)
    if kind == "xlsx":
        csv_path = scratch / f"sheet-{index}.csv"
        _excel_to_csv(path, csv_path)
        relation = (f"read_csv({sql_string(str(csv_path))}, all_varchar=true, header=true, "
                    f"delim=',', quote='\"', escape='\"', auto_detect=false, "
                    f"columns={_csv_columns(csv_path)})")
        return _described(connection, path, index, "xlsx", relation)
    if kind == "jsonl":
        return _json_lines(connection, path, index)
    rejects = f"rejects_{index}"
    relation = (f"read_csv({sql_string(str(path))}, all_varchar=true, header=true, "
                f"store_rejects=true, rejects_table={sql_string(rejects)}, "
                f"rejects_scan={sql_string(rejects + '_scan')}, encoding='utf-8', sample_size=20480)")
    return _described(connection, path, index, "csv", relation, rejects)


def _described(connection: Any, path: Path, index: int, kind: str, relation: str,
               rejects: str | None = None) -> InputFile:
    import duckdb

    try:
        described = connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as error:
        raise UsageError(f"{path}: cannot read it as {kind.upper()}: {_first_line(error)}") from None
    headers = tuple(row[0] for row in described)
    if len(headers) == 1 and headers[0] in ("column0", "column00"):
        raise UsageError(f"{path}: no header row found; the first row must name the columns")
    return InputFile(path, index, kind, relation, headers, rejects)


def _first_line(error: Exception) -> str:
    lines = [line for line in str(error).splitlines() if line.strip()]
    return lines[0][:300] if lines else type(error).__name__


def _kind_of(path: Path) -> str:
    """csv, xlsx or jsonl, after checking the file is one of them and is readable."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise UsageError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder; give the export's file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read it: {error.strerror or error}") from None
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise UsageError(f"{path}: the file is empty")
    if head.startswith(b"PK\x03\x04"):
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return "xlsx"
        raise UsageError(f"{path}: is a zip archive; unpack it, or save the sheet as .xlsx or CSV")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UsageError(f"{path}: is an old Excel .xls workbook; save it as .xlsx or CSV (UTF-8)")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UsageError(f"{path}: is UTF-16 text; save it as UTF-8 (in Excel: CSV UTF-8)")
    if b"\x00" in head:
        raise UsageError(f"{path}: is a binary file, not a CSV, Excel (.xlsx) or JSON-lines export")
    _check_utf8(path, head, whole=len(head) < SNIFF_BYTES)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{") or path.suffix.lower() in (".jsonl", ".ndjson"):
        return "jsonl"
    if stripped.startswith(b"["):
        raise UsageError(f"{path}: is a JSON array; csmetrics reads JSON lines (one object a line)")
    return "csv"


def _check_utf8(path: Path, head: bytes, whole: bool) -> None:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if not whole and error.start >= len(head) - 4:  # a character cut by the sample's end
            return
        line = head[: error.start].count(b"\n") + 1
        raise UsageError(f"{path}: is not UTF-8 text (byte 0x{head[error.start]:02x} on line {line}); "
                         f"save it as UTF-8 (in Excel: CSV UTF-8)") from None


def _excel_to_csv(path: Path, target: Path) -> None:
    """The first worksheet as CSV: dates in ISO 8601, durations as H:MM:SS."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise UsageError(f"{path}: cannot read the workbook: {_first_line(error)}") from None
    try:
        sheet = book.worksheets[0]
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            for row in sheet.iter_rows(values_only=True):
                if any(cell is not None and cell != "" for cell in row):
                    writer.writerow([_cell_text(cell) for cell in row])
    finally:
        book.close()
    if target.stat().st_size == 0:
        raise UsageError(f"{path}: the first sheet is empty")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _csv_columns(path: Path) -> str:
    """The header of a CSV csmetrics wrote, as read_csv's ``columns`` (all text)."""
    with path.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    names: list[str] = []
    for position, name in enumerate(header):
        name = name.strip() or f"column{position}"
        while name in names:
            name += "_1"
        names.append(name)
    return "{" + ", ".join(f"{sql_string(n)}: 'VARCHAR'" for n in names) + "}"


def _json_lines(connection: Any, path: Path, index: int) -> InputFile:
    keys: list[str] = []
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if number > JSON_SAMPLE_LINES:
                break
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise UsageError(f"{path}: line {number} is not JSON ({error.msg}): "
                                 f"{shown(line.strip())}") from None
            if not isinstance(record, dict):
                raise UsageError(f"{path}: line {number} is not a JSON object: {shown(line.strip())}")
            for key in _flat_keys(record):
                if key not in keys:
                    keys.append(key)
    if not keys:
        raise UsageError(f"{path}: holds no JSON objects with keys")
    columns = ", ".join(
        f"json_extract_string(json, {sql_string(_json_path(key))}) AS {quote_name(key)}" for key in keys)
    relation = (f"(SELECT {columns} FROM read_json_objects({sql_string(str(path))}, "
                f"format='newline_delimited'))")
    return InputFile(path, index, "jsonl", relation, tuple(keys))


def _flat_keys(record: dict[str, Any], prefix: str = "") -> list[str]:
    keys = []
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            keys += _flat_keys(value, name + ".")
        else:
            keys.append(name)
    return keys


def _json_path(key: str) -> str:
    return "$." + ".".join('"' + part.replace('"', '\\"') + '"' for part in key.split("."))
