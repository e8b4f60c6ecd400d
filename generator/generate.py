"""The generate command's work: configuration, carried-over data, writing.

Kept apart from cli.py so that the command line stays a thin layer and this
logic is callable (and tested) without click: read (``xlsx.reader``), decide
(``carry``), write (``xlsx.writer``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import replace
from pathlib import Path

from .config.resolve import resolve
from .config.settings import Config
from .errors import UsageError
from .xlsx.writer import write_workbook


def apply_overrides(config: Config, overrides: dict[str, object]) -> Config:
    """Command-line options win over the configuration file, for one run."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(config, **given)


def generate_workbook(out: Path, config_path: Path | None = None, source: Path | None = None,
                      drop_data: bool = False,
                      overrides: dict[str, object] | None = None) -> tuple[Path, list[str]]:
    """Write a workbook; returns its path and lines worth telling the user.

    The configuration is built in layers (the filled workbook's own, then the
    file, then the options), resolved once, and then carried data and the writer
    use that one resolution."""
    report: list[str] = []
    base, data = Config(), None
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
        data = carried.data
        if out.exists() and os.path.samefile(out, source):
            backup = _backup(source)
            report.append(f"Kept a backup of {source} as {backup}")
    return write_workbook(out, resolved, data), report


def _backup(path: Path) -> Path:
    """A copy beside the file, never over an earlier backup."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for number in range(1000):
        suffix = f"-{number}" if number else ""
        backup = path.with_name(f"{path.stem}.backup-{stamp}{suffix}{path.suffix}")
        try:
            with backup.open("xb") as target, path.open("rb") as original:
                shutil.copyfileobj(original, target)
        except FileExistsError:
            continue
        shutil.copystat(path, backup)
        return backup
    raise UsageError(f"cannot find a free name for a backup of {path}")
