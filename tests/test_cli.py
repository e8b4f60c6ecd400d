"""The command line: help with examples, documented commands, clean errors,
atomic output."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from csmetrics.cli import main
from csmetrics.render import chromium
from csmetrics.xlsx import writer
from openpyxl import load_workbook

README = Path(__file__).resolve().parent.parent / "README.md"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def readme_commands() -> list[str]:
    """``csmetrics ...`` lines of the README's code blocks."""
    commands, language = [], None
    for line in README.read_text().splitlines():
        if line.startswith("```"):
            language = None if language is not None else (line[3:].strip() or "text")
        elif language in ("bash", "sh", "console") and line.strip().startswith("csmetrics "):
            commands.append(line.strip())
    return commands


def test_help_shows_examples_for_every_command():
    result = run("--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    for name in main.commands:
        sub = run(name, "--help")
        assert sub.exit_code == 0
        assert "Examples:" in sub.output and f"csmetrics {name}" in sub.output, name


def test_every_command_is_documented_in_the_readme():
    commands = {line.split()[1] for line in readme_commands()}
    assert set(main.commands) <= commands


def test_readme_examples_run(tmp_path, monkeypatch):
    """Every command, as written, from a copy of the checkout's files it names."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(README.parent / "tests" / "fixtures" / "imports", tmp_path / "tests" / "fixtures"
                    / "imports")
    for line in readme_commands():
        args = shlex.split(line)[1:]
        if args[0] == "preview" and not shutil.which("soffice"):
            continue  # needs LibreOffice; tests/test_preview.py covers it
        if args[0] == "report" and args[-1].endswith(".pdf") and not any(
                map(shutil.which, chromium.CHROMIUM_NAMES)):
            continue  # needs Chromium; tests/test_report.py covers it
        result = run(*args)
        assert result.exit_code == 0, (line, result.output, result.stderr)


def test_generate_writes_the_default_workbook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("generate")
    target = tmp_path / "output" / "customer-service-metrics.xlsx"
    assert result.exit_code == 0, result.output
    assert str(target.relative_to(tmp_path)) in result.output
    with zipfile.ZipFile(target) as archive:
        assert "xl/workbook.xml" in archive.namelist()
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary's 0600


def first_period(path: Path):
    book = load_workbook(path, read_only=True)
    try:
        destination = next(iter(book.defined_names["period_start"].destinations))
        sheet, cells = destination
        first = cells.split(":")[0].replace("$", "")
        return book[sheet][first].value
    finally:
        book.close()


def test_year_and_fiscal_start_month(tmp_path):
    out = tmp_path / "fy.xlsx"
    result = run("generate", "--out", str(out), "--year", "2027", "--start-month", "4")
    assert result.exit_code == 0, result.output
    start = first_period(out)
    assert (start.year, start.month, start.day) == (2027, 4, 1)


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "1800"], "--year"),
    (["--start-month", "13"], "--start-month"),
    (["--unknown"], "No such option"),
])
def test_bad_options_exit_2_with_a_message(tmp_path, args, message):
    result = run("generate", "--out", str(tmp_path / "x.xlsx"), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_unwritable_output_is_one_line_without_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    process = subprocess.run(
        [sys.executable, "-m", "csmetrics", "generate", "--out", str(blocker / "book.xlsx")],
        capture_output=True, text=True, check=False,
    )
    assert process.returncode == 2
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("csmetrics: error:"), process.stderr
    assert "Traceback" not in process.stderr


def test_failure_leaves_no_partial_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    out = tmp_path / "book.xlsx"
    out.write_bytes(b"previous workbook")

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writer, "build", explode)
    result = run("generate", "--out", str(out))
    assert result.exit_code == 1
    assert "csmetrics: error: disk on fire" in result.stderr
    assert out.read_bytes() == b"previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and "csmetrics" in result.output


def test_readme_example_configuration_is_valid(tmp_path):
    from csmetrics.config.file import read_config

    block = re.search(r"```toml\n(.*?)```", README.read_text(), flags=re.S)
    assert block, "README has no example configuration"
    path = tmp_path / "csmetrics.toml"
    path.write_text(block.group(1), encoding="utf-8")
    config = read_config(path)
    assert config.company == "Acme Robotics" and config.currency == "EUR"
