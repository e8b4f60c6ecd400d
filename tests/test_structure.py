"""The package layout holds: the pipeline's layers import only downwards, every
module imports on its own (no import cycle), the pure core stays pure, and the
commands that need no spreadsheet library do not load one."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import csmetrics
import pytest

REPOSITORY = Path(__file__).resolve().parents[1]
PACKAGE = REPOSITORY / "generator"  # the source of the csmetrics package

# What each part of the package may import from the others. A part is a
# subpackage or a top-level module; the utilities at the bottom serve everyone
# but the model, which is pure.
UTILITIES = {"errors", "files", "images", "text", "__init__"}
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "config": {"model", *UTILITIES},
    "importers": {"model", "config", *UTILITIES},  # beside config: files to monthly figures
    "xlsx": {"model", "config", *UTILITIES},
    "carry": {"model", "config", "xlsx", *UTILITIES},
    "render": {*UTILITIES},
    "generate": {"model", "config", "xlsx", "carry", *UTILITIES},
    "sheets_protect": {"xlsx", *UTILITIES},
    "importing": {"model", "config", "xlsx", "carry", "generate", "importers", *UTILITIES},
    "report": {"model", "config", "xlsx", "carry", "render", *UTILITIES},
    "cli": {"config", "generate", "render", "sheets_protect", "importing", "report", *UTILITIES},
    "__main__": {"cli"},
    **{name: UTILITIES for name in UTILITIES},
}


def modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(("csmetrics", *parts)))
    return names


def part_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports_of(path: Path, module: str) -> list[tuple[str, int]]:
    """Absolute names of what a module imports, with the line of each."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
                if node.module is None:  # from . import x: x is a module or a name
                    found += [(f"{target}.{alias.name}" if is_module(f"{target}.{alias.name}")
                               else target, node.lineno) for alias in node.names]
                else:
                    found.append((target, node.lineno))
            else:
                found.append((node.module or "", node.lineno))
    return found


def is_module(name: str) -> bool:
    return name.startswith("csmetrics.") and module_path(name).exists()


def module_path(module: str) -> Path:
    relative = Path(*module.split(".")[1:])
    package_init = PACKAGE / relative / "__init__.py"
    return package_init if package_init.exists() else PACKAGE / relative.with_suffix(".py")


def test_the_layers_import_only_downwards() -> None:
    problems = []
    for module in modules():
        part = part_of(module)
        for target, line in imports_of(module_path(module), module):
            if not target.startswith("csmetrics.") and target != "csmetrics":
                continue
            other = part_of(target)
            if part == "__init__":  # the public API names everything, lazily
                continue
            if other != part and other not in ALLOWED[part]:
                problems.append(f"{module}:{line} imports {target} ({part} may use "
                                f"{sorted(ALLOWED[part]) or 'nothing else'})")
    assert not problems, "\n".join(problems)


def test_the_model_imports_only_the_standard_library_and_itself() -> None:
    problems = []
    for module in modules():
        if part_of(module) != "model":
            continue
        for target, line in imports_of(module_path(module), module):
            top = target.split(".")[0]
            if target.startswith("csmetrics.model") or top == "__future__":
                continue
            if top == "csmetrics" or top not in sys.stdlib_module_names:
                problems.append(f"{module}:{line} imports {target}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("module", [m for m in modules() if m != "csmetrics.__main__"])
def test_every_module_imports_on_its_own(module: str) -> None:
    """A fresh interpreter each, so that no earlier import hides a cycle."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr


SPREADSHEET_LIBRARIES = ("xlsxwriter", "openpyxl")
LOADED = """
import sys
from csmetrics.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    print(sorted(m for m in sys.modules if m.split(".")[0] in {libraries!r}))
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["generate", "--help"],
                                  ["init", "{tmp}/csmetrics.toml"]], ids=" ".join)
def test_commands_without_a_workbook_load_no_spreadsheet_library(args: list[str],
                                                                 tmp_path: Path) -> None:
    code = LOADED.format(libraries=set(SPREADSHEET_LIBRARIES))
    argv = [arg.format(tmp=tmp_path) for arg in args]
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True,
                            check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout


def test_generate_does_load_the_writer(tmp_path: Path) -> None:
    """The check above can fail: generate loads xlsxwriter (and only it)."""
    code = LOADED.format(libraries=set(SPREADSHEET_LIBRARIES))
    result = subprocess.run([sys.executable, "-c", code, "generate", "--out", "b.xlsx"],
                            capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = result.stdout.strip().splitlines()[-1]
    assert "'xlsxwriter'" in loaded and "openpyxl" not in loaded, loaded


def test_public_api_names_load_and_are_documented() -> None:
    assert set(csmetrics.__all__) == {"__version__", *csmetrics._API}
    for name in csmetrics.__all__:
        assert getattr(csmetrics, name) is not None, name
    for name in csmetrics._API:
        assert getattr(csmetrics, name).__doc__, f"csmetrics.{name} has no docstring"


def test_readme_names_every_module() -> None:
    readme = (REPOSITORY / "README.md").read_text("utf-8")
    section = readme.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.name == "__init__.py":
            continue  # the package's is named in the text; subpackages' are empty
        named = f"`{relative.as_posix()}`" in section or (
            relative.parent.name in ("sheets", "sources") and relative.name in section)
        if not named:
            missing.append(relative.as_posix())
    assert not missing, f"README's 'How it is built' does not name {missing}"
