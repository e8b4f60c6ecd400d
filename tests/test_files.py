"""Output files are safe against kills and odd targets (``csmetrics.files``): a
backup is never partial under its name, temporaries carry their writer's pid and
a killed writer's are removed, errors name the target, and a read-only file is
refused while a writable one keeps its mode."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import random
import re
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from csmetrics import files, generate
from csmetrics.cli import main
from csmetrics.config.settings import Config
from csmetrics.errors import UsageError
from csmetrics.files import atomic_output, copy_beside, write_text_atomically
from csmetrics.model.data import WorkbookData
from csmetrics.xlsx.writer import write_workbook
from openpyxl import load_workbook

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def temporaries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()
                  if path.name.startswith(".") and path.name.endswith(".tmp"))


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    """The pid of a process that is alive for the test (standing in for another
    csmetrics writing the same file)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()


def filled(path: Path) -> Path:
    write_workbook(path, Config(), WorkbookData(inputs={"csat_responses": [10.0] * 12}))
    return path


def assert_complete_xlsx(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None, path
    load_workbook(path).close()


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    """generate's clock stopped, so that backups of one test share one stamp."""
    moment = dt.datetime(2026, 3, 4, 5, 6, 7)
    monkeypatch.setattr(generate, "dt", SimpleNamespace(
        datetime=SimpleNamespace(now=lambda: moment)))
    return moment.strftime("%Y%m%d-%H%M%S")


# 1. backups are written atomically ---------------------------------------------
def test_a_backup_name_never_holds_a_copy_in_progress(tmp_path, monkeypatch, frozen_clock):
    """While the copy is being made nothing is under a backup's name yet, so a kill
    then leaves no truncated backup."""
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"the filled workbook" * 1000)
    seen_during_copy: list[list[str]] = []

    def watching(original):
        def copy(*args, **kwargs):
            seen_during_copy.append(sorted(p.name for p in tmp_path.glob("book.backup-*")))
            return original(*args, **kwargs)
        return copy

    import shutil  # both ways of copying: the whole file, or a stream into an open one
    monkeypatch.setattr(shutil, "copyfile", watching(shutil.copyfile))
    monkeypatch.setattr(shutil, "copyfileobj", watching(shutil.copyfileobj))
    backup = generate.make_backup(book)
    assert seen_during_copy and all(names == [] for names in seen_during_copy), seen_during_copy
    assert backup.name == f"book.backup-{frozen_clock}.xlsx"
    assert backup.read_bytes() == book.read_bytes()
    assert temporaries(tmp_path) == []


def test_a_backup_never_overwrites_an_earlier_one(tmp_path, frozen_clock):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"new")
    first = tmp_path / f"book.backup-{frozen_clock}.xlsx"
    second = tmp_path / f"book.backup-{frozen_clock}-1.xlsx"
    first.write_bytes(b"first")
    second.write_bytes(b"second")
    backup = generate.make_backup(book)
    assert backup.name == f"book.backup-{frozen_clock}-2.xlsx"
    assert (first.read_bytes(), second.read_bytes(), backup.read_bytes()) == (
        b"first", b"second", b"new")
    assert temporaries(tmp_path) == []


def test_a_backup_keeps_the_mode_and_times_of_the_file(tmp_path):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"data")
    book.chmod(0o640)
    os.utime(book, (1_600_000_000, 1_600_000_000))
    backup = generate.make_backup(book)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o640
    assert backup.stat().st_mtime == 1_600_000_000


def test_without_hard_links_a_backup_is_renamed_into_a_free_name(tmp_path, monkeypatch):
    """On a file system without hard links (FAT, some shares) the finished copy is
    renamed into place instead, still never over a name that is taken."""
    def no_links(*args, **kwargs):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files.os, "link", no_links)
    source = tmp_path / "book.xlsx"
    source.write_bytes(b"data")
    (tmp_path / "taken.xlsx").write_bytes(b"earlier")
    made = copy_beside(source, ["taken.xlsx", "free.xlsx"])
    assert made == tmp_path / "free.xlsx" and made.read_bytes() == b"data"
    assert (tmp_path / "taken.xlsx").read_bytes() == b"earlier"
    assert temporaries(tmp_path) == []


def test_copy_beside_tells_when_every_name_is_taken(tmp_path):
    source = tmp_path / "book.xlsx"
    source.write_bytes(b"data")
    (tmp_path / "a.xlsx").write_bytes(b"a")
    assert copy_beside(source, ["a.xlsx"]) is None
    assert (tmp_path / "a.xlsx").read_bytes() == b"a"
    assert temporaries(tmp_path) == []


# 2. temporaries carry the pid; a killed writer's are removed ---------------------
def test_the_temporary_is_beside_the_target_and_carries_the_pid(tmp_path):
    target = tmp_path / "book.xlsx"
    with atomic_output(target) as temporary:
        assert temporary.parent == tmp_path
        assert re.fullmatch(rf"\.book\.xlsx\.{os.getpid()}\.[A-Za-z0-9_]+\.tmp", temporary.name)
        temporary.write_bytes(b"x")
    assert target.read_bytes() == b"x" and temporaries(tmp_path) == []


def test_leftovers_of_killed_writers_are_removed_never_a_live_ones(tmp_path, live_pid):
    dead = dead_pid()
    target = tmp_path / "book.xlsx"
    stale = tmp_path / f".book.xlsx.{dead}.abc_1234.tmp"
    of_a_live_writer = tmp_path / f".book.xlsx.{live_pid}.def56789.tmp"
    of_another_file = tmp_path / f".other.xlsx.{dead}.abc_1234.tmp"
    of_a_longer_name = tmp_path / f".book.xlsx.7.{dead}.abc_1234.tmp"  # book.xlsx.7's
    not_a_temporary = tmp_path / f".book.xlsx.{dead}.abc_1234.tmp.keep"
    for path in (stale, of_a_live_writer, of_another_file, of_a_longer_name, not_a_temporary):
        path.write_bytes(b"partial")
    write_text_atomically(target, "text")
    assert not stale.exists()
    for kept in (of_a_live_writer, of_another_file, of_a_longer_name, not_a_temporary):
        assert kept.exists(), kept.name
    assert target.read_text() == "text"


def test_a_backup_removes_the_leftovers_of_killed_backups(tmp_path, live_pid):
    book = tmp_path / "book.xlsx"
    book.write_bytes(b"data")
    stale = tmp_path / f".book.xlsx.{dead_pid()}.abc_1234.tmp"
    live = tmp_path / f".book.xlsx.{live_pid}.abc_1234.tmp"
    stale.write_bytes(b"da")
    live.write_bytes(b"d")
    generate.make_backup(book)
    assert not stale.exists() and live.exists()


def test_a_process_is_alive_until_it_has_ended(live_pid):
    assert files._alive(live_pid) and files._alive(os.getpid())
    assert not files._alive(dead_pid())
    assert files._alive(0)  # a process group to os.kill, never a writer's pid


# 3. errors name the target, not the temporary -----------------------------------
def test_a_temporary_that_cannot_be_created_is_reported_by_the_targets_name(
        tmp_path, monkeypatch):
    def refused(*args, dir=None, prefix="", suffix="", **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied",
                              os.path.join(dir, f"{prefix}abc12345{suffix}"))

    monkeypatch.setattr(files.tempfile, "mkstemp", refused)
    target = tmp_path / "book.xlsx"
    with pytest.raises(PermissionError) as caught:
        write_text_atomically(target, "text")
    assert caught.value.filename == str(target) and caught.value.strerror == "Permission denied"

    result = CliRunner().invoke(main, ["generate", "--out", str(target)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"csmetrics: error: Permission denied: {target}"


def test_a_failed_replacement_is_reported_by_the_targets_name(tmp_path, monkeypatch):
    def refused(source, destination):
        raise OSError(errno.EXDEV, "Invalid cross-device link", str(source), str(destination))

    monkeypatch.setattr(files.os, "replace", refused)
    target = tmp_path / "book.xlsx"
    with pytest.raises(OSError) as caught:
        write_text_atomically(target, "text")
    assert caught.value.filename == str(target) and caught.value.filename2 is None
    assert temporaries(tmp_path) == []


def test_writing_errors_about_the_temporary_name_the_target(tmp_path):
    target = tmp_path / "book.xlsx"
    with pytest.raises(OSError) as caught, atomic_output(target) as temporary:
        raise OSError(errno.ENOSPC, "No space left on device", str(temporary))
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    with pytest.raises(FileNotFoundError) as other, atomic_output(target):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "/logo.png")
    assert other.value.filename == "/logo.png"  # not about the output: unchanged
    assert temporaries(tmp_path) == [] and not target.exists()


@pytest.mark.skipif(AS_ROOT, reason="root writes into a read-only folder: the folder's "
                    "permissions cannot refuse it (the mocked test above covers the message)")
def test_an_unwritable_folder_is_reported_by_the_targets_name(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "book.xlsx"
    try:
        process = subprocess.run([sys.executable, "-m", "csmetrics", "generate", "--out",
                                  str(target)], capture_output=True, text=True, check=False)
    finally:
        folder.chmod(0o755)
    assert process.returncode == 2
    assert process.stderr.strip() == f"csmetrics: error: Permission denied: {target}"


# 4. read-only files are refused; replaced files keep their mode -----------------
def test_a_read_only_file_is_refused_not_replaced(tmp_path):
    target = tmp_path / "book.xlsx"
    target.write_text("kept")
    target.chmod(0o444)
    with pytest.raises(UsageError, match=re.escape(f"{target} is read-only; ")):
        write_text_atomically(target, "new")
    assert target.read_text() == "kept" and stat.S_IMODE(target.stat().st_mode) == 0o444
    assert temporaries(tmp_path) == []
    # and a PermissionError too, for callers that skip what they cannot write
    with pytest.raises(PermissionError):
        write_text_atomically(target, "new")


def test_a_file_made_read_only_while_being_written_is_not_replaced(tmp_path):
    target = tmp_path / "book.xlsx"
    target.write_text("kept")
    with pytest.raises(UsageError, match="is read-only"), atomic_output(target) as temporary:
        temporary.write_text("new")
        target.chmod(0o400)
    assert target.read_text() == "kept" and temporaries(tmp_path) == []


def test_the_command_refuses_a_read_only_workbook(tmp_path):
    book = tmp_path / "book.xlsx"
    result = CliRunner().invoke(main, ["generate", "--out", str(book)])
    assert result.exit_code == 0, result.output
    book.chmod(0o444)
    before = book.read_bytes()
    for args in (["--out", str(book)], ["--from", str(book), "--out", str(book)]):
        result = CliRunner().invoke(main, ["generate", *args])
        assert result.exit_code == 2, result.output
        assert f"csmetrics: error: {book} is read-only; " in result.stderr
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]  # nor a backup


def test_a_replaced_file_keeps_its_permission_bits(tmp_path):
    target = tmp_path / "book.xlsx"
    target.write_text("old")
    target.chmod(0o604)
    write_text_atomically(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o604


def test_a_new_file_gets_the_usual_mode(tmp_path):
    mask = os.umask(0o027)
    try:
        write_text_atomically(tmp_path / "new.txt", "new")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_folder_or_a_device_is_refused_not_replaced(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(UsageError, match="is a folder"):
        write_text_atomically(folder, "x")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(UsageError, match="is not a regular file"):
        write_text_atomically(pipe, "x")
    assert stat.S_ISFIFO(pipe.stat().st_mode) and temporaries(tmp_path) == []


# kills --------------------------------------------------------------------------
def regenerate_in_place(book: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "csmetrics", "generate", "--from", str(book), "--out", str(book)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killed_in_place_regenerations_leave_whole_files(tmp_path):
    """kill -9 at random moments of ``generate --from X --out X``: X is always a
    whole workbook, so is every backup, and the next run removes the leftovers."""
    book = filled(tmp_path / "X.xlsx")
    started = time.monotonic()
    first = regenerate_in_place(book)  # a whole run, to time it
    assert first.wait(timeout=60) == 0, first.stderr.read() if first.stderr else ""
    first.stderr.close()
    # Kills land anywhere in a run, from the imports to the backup and the replacing.
    span = min(max(time.monotonic() - started, 0.6), 1.2)
    rng = random.Random(20260304)
    whole: dict[str, str] = {}  # backups checked, with their digest: never changed
    killed = 0
    for _ in range(25):
        process = regenerate_in_place(book)
        time.sleep(rng.uniform(0.0, span))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed += 1
        process.wait(timeout=60)
        process.stderr.close()
        assert_complete_xlsx(book)
        for backup in sorted(tmp_path.glob("X.backup-*.xlsx")):
            digest = hashlib.sha256(backup.read_bytes()).hexdigest()
            if backup.name not in whole:
                assert_complete_xlsx(backup)
                whole[backup.name] = digest
            assert whole[backup.name] == digest, backup.name
    assert killed, "every run ended before its kill"
    last = regenerate_in_place(book)
    assert last.wait(timeout=60) == 0
    last.stderr.close()
    assert_complete_xlsx(book)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
