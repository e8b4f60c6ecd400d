"""The generate command's work: configuration, carried-over data, writing.

Kept apart from cli.py so that the command line stays a thin layer and this
logic is callable (and tested) without click.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import replace
from pathlib import Path

from .config import Config, validate
from .errors import UsageError


def apply_overrides(config: Config, overrides: dict[str, object]) -> Config:
    """Command-line options win over the configuration file, for one run."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(config, **given)


def generate_workbook(out: Path, config_path: Path | None = None, source: Path | None = None,
                      drop_data: bool = False,
                      overrides: dict[str, object] | None = None) -> tuple[Path, list[str]]:
    """Write a workbook; returns its path and lines worth telling the user."""
    from .workbook import write_workbook

    report: list[str] = []
    base, data = Config(), None
    if source is not None:
        from .regenerate import carry_over, describe_losses, read_filled

        filled = read_filled(source)
        base = filled.base_config()
    if config_path is not None:
        from .config_file import read_config

        base = read_config(config_path, base)
    config = validate(apply_overrides(base, overrides or {}))
    if source is not None:
        carried = carry_over(filled, config)
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
    return write_workbook(out, config, data), report


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
