"""csmetrics: a customer-service metrics workbook, correct by construction.

The pipeline, one subpackage a stage::

    model/    the metric catalog, calculators, periods, data and the reference
              implementation (pure Python: no spreadsheet library)
    config/   settings, the csmetrics.toml reader, resolution of defaults
    xlsx/     the workbook contract, layouts, the writer and its sheets, the reader
    carry     what regeneration keeps, refuses or drops
    render/   previews through headless LibreOffice
    generate  the generate command's work; cli is the click layer over it all

The public API is below; its names load on first use, so that ``import csmetrics``
(and ``csmetrics --help``) stay instant.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

_API = {
    "Config": "config.settings",
    "ConfigError": "config.settings",
    "resolve": "config.resolve",
    "Resolved": "config.resolve",
    "read_config": "config.file",
    "WorkbookData": "model.data",
    "write_workbook": "xlsx.writer",
    "read_filled": "xlsx.reader",
    "carry_over": "carry",
    "generate_workbook": "generate",
    "render_preview": "render.preview",
    "CsmetricsError": "errors",
    "UsageError": "errors",
}
__all__ = ["__version__", *_API]

if TYPE_CHECKING:
    from .carry import carry_over as carry_over
    from .config.file import read_config as read_config
    from .config.resolve import Resolved as Resolved
    from .config.resolve import resolve as resolve
    from .config.settings import Config as Config
    from .config.settings import ConfigError as ConfigError
    from .errors import CsmetricsError as CsmetricsError
    from .errors import UsageError as UsageError
    from .generate import generate_workbook as generate_workbook
    from .model.data import WorkbookData as WorkbookData
    from .render.preview import render_preview as render_preview
    from .xlsx.reader import read_filled as read_filled
    from .xlsx.writer import write_workbook as write_workbook


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'csmetrics' has no attribute {name!r}")
    value = getattr(import_module(f".{_API[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
