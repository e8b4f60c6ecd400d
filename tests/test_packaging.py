"""The built wheel ships every module and template and works without the source checkout.

The wheel is built straight from the checkout (no copy); setuptools' ``build/``
folder is redirected into a temporary directory so nothing stale is packaged.
"""

from __future__ import annotations

import importlib.metadata
import os
import shlex
import site
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "generator"
TEMPLATES = ROOT / "templates"


def _run(command: list[str], cwd: Path | None = None,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)
    assert result.returncode == 0, f"{shlex.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


def _has_build_backend() -> bool:
    """True when this interpreter already satisfies ``build-system.requires`` and can
    build wheels (setuptools < 70.1 needs the separate ``wheel`` package for that)."""
    try:
        from packaging.requirements import Requirement
    except ImportError:
        return False
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for text in pyproject["build-system"]["requires"]:
        requirement = Requirement(text)
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            return False
        if not requirement.specifier.contains(version, prereleases=True):
            return False
    return bool(importlib.metadata.entry_points(group="distutils.commands", name="bdist_wheel"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build_base = tmp_path_factory.mktemp("build")
    command = [
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-w", str(out),
        f"--config-settings=--build-option=build --build-base={shlex.quote(str(build_base))}",
        str(ROOT),
    ]
    if _has_build_backend():
        command.insert(4, "--no-build-isolation")
    _run(command)
    (built,) = out.glob("csmetrics-*.whl")
    return built


def test_wheel_ships_every_module_and_template(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = [p for p in SOURCE.rglob("*.py") if "__pycache__" not in p.parts]
    templates = list(TEMPLATES.rglob("*.j2"))
    assert modules and list(TEMPLATES.glob("en/*.j2")), "the checkout has no modules or en templates"
    expected = {f"csmetrics/{p.relative_to(SOURCE).as_posix()}" for p in modules}
    expected |= {f"csmetrics/templates/{p.relative_to(TEMPLATES).as_posix()}" for p in templates}
    queries = list(SOURCE.rglob("*.sql"))  # the import's aggregations, package data
    assert queries, "the checkout has no .sql files"
    expected |= {f"csmetrics/{p.relative_to(SOURCE).as_posix()}" for p in queries}
    missing = sorted(expected - names)
    assert not missing, f"{wheel.name} lacks {missing}"


def test_installed_wheel_generates_a_workbook(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    _run([sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check",
          "--target", str(target), str(wheel)])
    # Dependencies come from this environment's site-packages, csmetrics only from
    # the wheel: -S skips site-packages' .pth files, so the editable install's import
    # hook cannot fill in a module the wheel lacks from the checkout. (The venv may
    # itself live inside the checkout, as .venv does under scripts/test.sh.)
    dependencies = [p for p in site.getsitepackages() if Path(p).resolve() != ROOT]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONSTARTUP")}
    env["PYTHONPATH"] = os.pathsep.join([str(target), *dependencies])
    python = [sys.executable, "-S"]

    where = _run([*python, "-c", "import csmetrics, csmetrics.text as t; "
                  "print(csmetrics.__file__); print(t.templates_dir())"], cwd=tmp_path, env=env)
    for line in where.stdout.splitlines():
        assert Path(line).resolve().is_relative_to(target.resolve()), where.stdout

    export = ROOT / "tests" / "fixtures" / "imports" / "zendesk.csv"
    imported = _run([*python, "-c", "import sys; from csmetrics.importers import ImportOptions, run_import; "
                     "print(run_import([sys.argv[1]], ImportOptions()).summary.tickets)", str(export)],
                    cwd=tmp_path, env=env)
    assert imported.stdout.strip() == "5", imported.stdout  # the SQL files came with the wheel

    out = tmp_path / "out" / "metrics.xlsx"
    _run([*python, "-m", "csmetrics", "generate", "--out", str(out)], cwd=tmp_path, env=env)
    assert zipfile.is_zipfile(out)
    with zipfile.ZipFile(out) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()
        assert workbook.testzip() is None
