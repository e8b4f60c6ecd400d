"""``csmetrics.importers``: from helpdesk exports to the workbook's monthly figures.

The API (names load on first use: importing this package loads neither DuckDB nor
the holidays package)::

    read_import_options(table, folder) -> ImportOptions
        the [import] (with [import.columns], [import.values]), [business_hours] and
        [sla] tables of a parsed csmetrics.toml, every key checked
    run_import(paths, options, spans=None, progress=None) -> ImportResult
        the figures of one or more exports; spans (``fiscal_spans``) are the quarter
        and year columns whose medians and percentiles come from their own tickets
    ImportResult, ImportSummary, Span, fiscal_spans, BusinessHours

Layers: ``reading`` opens a file, ``sources/`` say what its columns mean (one module
per helpdesk), ``timestamps`` reads its times, ``mapping`` makes the SQL of its
ticket rows, ``engine`` runs the steps and the aggregations of ``sql/``,
``business`` is the business-hours calendar, and ``reference`` recomputes every
figure in plain Python for the tests.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_API = {
    "ImportOptions": "options",
    "BusinessHours": "options",
    "read_import_options": "options",
    "run_import": "engine",
    "ImportResult": "result",
    "ImportSummary": "result",
    "Span": "result",
    "fiscal_spans": "result",
}
__all__ = list(_API)

if TYPE_CHECKING:
    from .engine import run_import as run_import
    from .options import BusinessHours as BusinessHours
    from .options import ImportOptions as ImportOptions
    from .options import read_import_options as read_import_options
    from .result import ImportResult as ImportResult
    from .result import ImportSummary as ImportSummary
    from .result import Span as Span
    from .result import fiscal_spans as fiscal_spans


def __getattr__(name: str) -> Any:
    if name not in _API:
        raise AttributeError(f"module 'csmetrics.importers' has no attribute {name!r}")
    value = getattr(import_module(f".{_API[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
