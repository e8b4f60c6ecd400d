"""Errors worded for the user: the CLI prints them as one line and exits with
their status (2 for problems the user can fix by changing the command or file)."""

from __future__ import annotations

from typing import Any

SHOWN = 60  # characters of a value a message shows


class CsmetricsError(Exception):
    """A failure with a message meant for the user."""

    exit_code = 1


class UsageError(CsmetricsError):
    """Bad configuration, a missing tool, a file that is not what it should be."""

    exit_code = 2


def shown(value: Any) -> str:
    """A value as a message shows it: its repr, cut after 60 characters (a pasted
    page of text must not make a message of a page)."""
    if isinstance(value, str) and len(value) > SHOWN:
        return repr(value[:SHOWN]) + "…"
    text = repr(value)
    return text if len(text) <= SHOWN + 2 else text[:SHOWN] + "…"
