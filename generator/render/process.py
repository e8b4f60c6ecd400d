"""Running an external renderer (LibreOffice, Chromium) as a tool: in a process
group of its own that is killed whole whatever happens (success, failure,
timeout, Ctrl-C), since such programs start trees of processes that outlive a
killed parent; and checking its output, since they exit 0 on failure too.
``preview`` and ``report`` share it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ..errors import CsmetricsError


def last_line(text: str) -> str:
    """The most telling line of a tool's output, for a one-line error."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def _kill_group(pid: int) -> None:
    """Kill a whole process group (or tree, on Windows); gone already is fine."""
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    else:  # pragma: no cover - Windows
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(pid)], capture_output=True,
                       check=False)


def _wait_unreaped(proc: subprocess.Popen[bytes], deadline: float) -> None:
    """Wait for the leader to exit without reaping it, so its pid (= the group id)
    cannot be reused before ``_kill_group`` sweeps up children it left behind."""
    if not hasattr(os, "waitid"):  # macOS before Python 3.13, Windows
        proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        return
    delay = 0.01
    while True:
        try:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return
        except ChildProcessError:  # reaped already (SIGCHLD ignored by a host program)
            return
        if time.monotonic() >= deadline:
            raise subprocess.TimeoutExpired(proc.args, 0)
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def run(cmd: Sequence[str], deadline: float, log: Path,
         env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run ``cmd`` in its own process group until ``deadline``; kill the group in
    every case (success, error, timeout, Ctrl-C). Returns the exit status and output."""
    if time.monotonic() >= deadline:
        raise subprocess.TimeoutExpired(list(cmd), 0)
    extra: dict[str, object] = {"start_new_session": True}
    if sys.platform == "win32":  # pragma: no cover
        extra = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    with log.open("wb") as output:
        try:
            proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=output,
                                    stderr=subprocess.STDOUT, env=env,
                                    **extra)  # type: ignore[call-overload]
        except OSError as error:
            raise CsmetricsError(f"could not start {cmd[0]}: {error.strerror or error}") from None
        try:
            _wait_unreaped(proc, deadline)
        finally:
            _kill_group(proc.pid)
            proc.wait()
    return proc.returncode, log.read_text("utf-8", errors="replace")


def is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


