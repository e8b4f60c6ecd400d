"""The helpdesk exports an import reads, one module each; adding a helpdesk is
adding a module here and its name to ``MODULES``."""

from __future__ import annotations

from importlib import import_module

from .base import Source

MODULES = ("zendesk", "freshdesk", "intercom", "hubspot", "jira", "servicenow", "eventlog", "generic")


def source(name: str) -> Source:
    """The source called ``name`` (one of ``MODULES``)."""
    module = import_module(f".{name}", __name__)
    found: Source = module.SOURCE
    return found


def all_sources() -> list[Source]:
    return [source(name) for name in MODULES]
