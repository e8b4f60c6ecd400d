"""Writing output files atomically: a failure or a kill never leaves a partial file.

A file is written to a temporary beside it, ``.NAME.<pid>.<random>.tmp``, which
then replaces it (``atomic_output``) or, for a new copy such as a backup, is
linked under a free name (``copy_beside``). The pid in the name tells whose a
leftover is: each run removes the leftovers of writers of the same file that are
no longer alive, never those of a live one (another csmetrics writing that file).

The target is checked first: a folder, a device or a read-only file is refused
instead of being replaced, and a file that is replaced keeps its permission bits.
An error of the file system names the target, never the temporary.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError


class ReadOnlyOutput(UsageError, PermissionError):
    """The file to write exists and is read-only. A UsageError for the user, and
    a PermissionError for callers that quietly skip what they cannot write (the
    text cache)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def check_replaceable(target: Path) -> int | None:
    """The permission bits of the file ``target`` that a write would replace, or
    None when there is none yet. Refuses a folder, anything but a regular file,
    and a read-only file: replacing only needs the folder to be writable, so a
    file made read-only would otherwise be replaced silently.

    Read-only is the owner's write bit for its owner and for root (who may write
    anything, so access checks tell nothing), and the access check for others."""
    try:
        status = os.stat(target)
    except OSError:  # absent (or unreachable: creating the temporary will tell)
        return None
    if stat.S_ISDIR(status.st_mode):
        raise UsageError(f"{target} is a folder; give the path of a file to write")
    if not stat.S_ISREG(status.st_mode):
        raise UsageError(f"{target} is not a regular file; give the path of a file to write")
    user = os.geteuid() if hasattr(os, "geteuid") else None
    owner_bit_counts = user is None or user in (0, status.st_uid)
    if (not os.access(target, os.W_OK)
            or (owner_bit_counts and not status.st_mode & stat.S_IWUSR)):
        raise ReadOnlyOutput(f"{target} is read-only; make it writable first "
                             f"(chmod u+w) or write to another file")
    return stat.S_IMODE(status.st_mode) & 0o777


# temporaries ------------------------------------------------------------------
def _temporary_name(target: Path) -> re.Pattern[str]:
    """The names of the temporaries of ``target``, the writer's pid in group 1
    (mkstemp's random part has no dot, so another file's temporaries never match)."""
    return re.compile(rf"\.{re.escape(target.name)}\.(\d+)\.[A-Za-z0-9_]+\.tmp")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt" or pid <= 0:  # os.kill would end the process on Windows;
        return True                  # 0 and below are process groups, not writers
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process, or no pid at all
        return True
    return True


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporaries of ``target`` left by writers that were killed (their
    pid is not alive); returns what was removed."""
    pattern = _temporary_name(target)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    removed = []
    for name in names:
        match = pattern.fullmatch(name)
        if match is None or _alive(int(match[1])):
            continue
        try:
            (target.parent / name).unlink()
        except OSError:  # removed meanwhile by another run, or not ours to remove
            continue
        removed.append(target.parent / name)
    return removed


def _naming(error: OSError, target: Path) -> OSError:
    """The same error naming ``target``, the file the user asked for."""
    return OSError(error.errno, error.strerror or str(error), str(target))


def _names(error: OSError, path: Path) -> bool:
    """Whether ``error`` is about ``path``."""
    named = (error.filename, error.filename2)
    return any(isinstance(name, (str, os.PathLike)) and os.fspath(name) == str(path)
               for name in named)


def _new_temporary(target: Path) -> Path:
    """An empty temporary beside ``target``, after removing stale ones."""
    remove_stale_temporaries(target)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.",
                                        suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise _naming(error, target) from error
    os.close(handle)
    return Path(name)


# writing ----------------------------------------------------------------------
@contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write to; it replaces ``target`` when
    the block succeeds and is removed when it fails. The new file keeps the
    permission bits of the one it replaces (a new one gets the usual mode, not
    mkstemp's private 0600); see ``check_replaceable`` for the targets refused."""
    target.parent.mkdir(parents=True, exist_ok=True)
    check_replaceable(target)  # before the work of writing, and again after it
    temporary = _new_temporary(target)
    try:
        try:
            yield temporary
            mode = check_replaceable(target)
            os.chmod(temporary, 0o666 & ~_umask() if mode is None else mode)
            os.replace(temporary, target)
        except OSError as error:
            if _names(error, temporary):
                raise _naming(error, target) from error
            raise
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    with atomic_output(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def copy_beside(source: Path, names: Iterable[str]) -> Path | None:
    """Copy ``source`` (contents and, by copystat, mode and times) into its folder
    under the first of ``names`` that is free; None when all are taken.

    The copy is made under a temporary name (of ``source``'s temporaries) and
    hard-linked into place, so a name either stays free or holds a whole copy,
    and an existing file is never overwritten."""
    candidates = [source.parent / name for name in names]
    if not candidates:
        return None
    temporary = _new_temporary(source)
    try:
        try:
            shutil.copy2(source, temporary)
        except OSError as error:
            if _names(error, temporary):
                raise _naming(error, candidates[0]) from error
            raise
        for candidate in candidates:
            if _link(temporary, candidate):
                return candidate
        return None
    finally:
        temporary.unlink(missing_ok=True)


def _link(temporary: Path, final: Path) -> bool:
    """Put the finished ``temporary`` under the name ``final`` unless it is taken."""
    try:
        os.link(temporary, final)
        return True
    except FileExistsError:
        return False
    except OSError:
        pass  # a file system without hard links (FAT, some network shares)
    # There a rename is the only atomic step, and it replaces on POSIX: check first
    # (on Windows the rename itself refuses a name that is taken).
    if os.path.lexists(final):
        return False
    try:
        os.rename(temporary, final)
    except FileExistsError:
        return False
    except OSError as error:
        raise _naming(error, final) from error
    return True
