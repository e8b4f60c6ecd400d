"""Errors worded for the user: the CLI prints them as one line and exits with
their status (2 for problems the user can fix by changing the command or file)."""

from __future__ import annotations


class CsmetricsError(Exception):
    """A failure with a message meant for the user."""

    exit_code = 1


class UsageError(CsmetricsError):
    """Bad configuration, a missing tool, a file that is not what it should be."""

    exit_code = 2
