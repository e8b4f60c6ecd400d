"""The generate command's work: configuration, carried-over data, writing.

Kept apart from cli.py so that the command line stays a thin layer and this
logic is callable (and tested) without click: read (``xlsx.reader``), decide
(``carry``), write (``xlsx.writer``).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config.resolve import Resolved, resolve
from .config.settings import Config
from .errors import UsageError
from .files import check_replaceable, copy_beside
from .xlsx.writer import write_workbook

if TYPE_CHECKING:
    from .model.data import WorkbookData
    from .xlsx.reader import FilledWorkbook
    from .xlsx.sheets.own import OwnSheet


def apply_overrides(config: Config, overrides: dict[str, object]) -> Config:
    """Command-line options win over the configuration file, for one run."""
    given: dict[str, Any] = {key: value for key, value in overrides.items() if value is not None}
    return replace(config, **given)


def generate_workbook(out: Path, config_path: Path | None = None, source: Path | None = None,
                      drop_data: bool = False,
                      overrides: dict[str, object] | None = None) -> tuple[Path, list[str]]:
    """Write a workbook; returns its path and lines worth telling the user.

    The configuration is built in layers (the filled workbook's own, then the
    file, then the options), resolved once, and then carried data and the writer
    use that one resolution."""
    report: list[str] = []
    base, data, own_sheets = Config(), None, []
    in_place = same_file(out, source)
    if source is not None:  # only regeneration needs the reader (and openpyxl)
        from .carry import base_config, carry_over, describe_losses
        from .xlsx.reader import read_filled

        filled = read_filled(source)
        base = base_config(filled)
    if config_path is not None:
        from .config.file import read_config

        base = read_config(config_path, base)
    resolved = resolve(apply_overrides(base, overrides or {}), origin=config_path)
    if source is not None:
        carried = carry_over(filled, resolved)
        losses = [*filled.problems, *carried.losses]
        if losses and not drop_data:
            raise UsageError(
                f"{len(losses)} value(s) of {source} have no place in the new workbook; nothing "
                f"was written. Use --drop-data to go ahead without them:\n"
                + describe_losses(losses))
        if losses:
            report.append(f"Dropped {len(losses)} value(s) (--drop-data):\n"
                          + describe_losses(losses))
        data, own_sheets = carried.data, carried.own_sheets
        report += carried.messages
    path = write_carried(out, resolved, data, own_sheets, filled if source is not None else None,
                         in_place, report)
    return path, report


def write_carried(out: Path, resolved: Resolved, data: WorkbookData | None,
                  own_sheets: Sequence[tuple[OwnSheet, str]], filled: FilledWorkbook | None,
                  in_place: bool, report: list[str]) -> Path:
    """Write a workbook made from a filled one (or from nothing): over the filled
    workbook itself only in place, with a backup kept first; anywhere else never
    over a workbook holding entered data. The filled workbook's logo travels with
    it unless one is configured anew."""
    if in_place and filled is not None:
        backup = make_backup(filled.path)
        report.append(f"Kept a backup of {filled.path} as {backup}")
    guard = None if in_place else refuse_to_overwrite_entered_data
    with tempfile.TemporaryDirectory(prefix="csmetrics-logo-") as folder:
        if filled is not None and filled.logo and resolved.config.logo is None:
            suffix, image = filled.logo
            logo = Path(folder) / f"logo{suffix}"
            logo.write_bytes(image)
            resolved = replace(resolved, config=replace(resolved.config, logo=str(logo)))
        return write_workbook(out, resolved, data, own_sheets=own_sheets, before_replacing=guard)


def same_file(out: Path, source: Path | None) -> bool:
    """Whether ``out`` is the filled workbook itself (regenerated in place)."""
    return source is not None and out.exists() and os.path.samefile(out, source)


def refuse_to_overwrite_entered_data(written: Path, out: Path) -> None:
    """No command destroys a filled workbook: an existing ``out`` is replaced only
    when it holds nothing a team entered (or is no workbook at all). Only
    regenerating a workbook in place (``--from X --out X``) writes over its data."""
    if not out.exists() or not zipfile.is_zipfile(out) or _same_workbook(out, written):
        return
    from .carry import describe_losses, entered_values
    from .xlsx.reader import read_filled

    try:
        filled = read_filled(out)
    except UsageError as error:
        raise UsageError(f"{out} exists and is not a workbook csmetrics can read back, so "
                         f"nothing was written over it ({error}); choose another --out, or move "
                         "the file away first") from None
    if entered := entered_values(filled):
        raise UsageError(
            f"{out} holds {len(entered)} value(s) a team entered; nothing was written. To keep "
            f"them, regenerate it in place, which carries them over and keeps a backup:\n"
            f"  csmetrics generate --from {out} --out {out}\n"
            + describe_losses(entered, limit=10))


def _same_workbook(existing: Path, written: Path) -> bool:
    """Whether two xlsx files hold the same parts, but for the creation time: a
    workbook written again unchanged (the usual repeat generate) is checked fast."""
    try:
        with zipfile.ZipFile(existing) as old, zipfile.ZipFile(written) as new:
            names = old.namelist()
            if names != new.namelist():
                return False
            return all(old.read(name) == new.read(name) for name in names
                       if name != "docProps/core.xml")
    except (OSError, zipfile.BadZipFile):
        return False


def make_backup(path: Path) -> Path:
    """A copy beside the file, never over an earlier backup, made atomically: a
    backup's name holds a whole copy or nothing, even when the run is killed.

    It is made just before the file is replaced, so a file that cannot be
    replaced (read-only, see ``files.check_replaceable``) is refused first."""
    check_replaceable(path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    names = [f"{path.stem}.backup-{stamp}{f'-{number}' if number else ''}{path.suffix}"
             for number in range(1000)]
    backup = copy_beside(path, names)
    if backup is None:
        raise UsageError(f"cannot find a free name for a backup of {path}")
    return backup
