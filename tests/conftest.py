"""Shared fixtures; tests import helpers from ``engines`` and ``workbooks`` beside them.

The workbooks the static checks read (``static_books``) are generated once per
session, whichever ``test_static_*`` modules run.

Every workbook the tests write in this process through csmetrics' writer is
validated against the ECMA-376 schemas (``ooxml_schema``), when they are beside
the repository: xlsxwriter's ``Workbook.close`` is wrapped for the session, and
a test that wrote an invalid part fails naming the part, even though it checks
something else. Each distinct part content is validated once.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Generator
from pathlib import Path

import pytest
import xlsxwriter
from csmetrics.config.settings import Config
from csmetrics.xlsx import contract
from hypothesis import HealthCheck, settings
from ooxml_schema import SessionCheck, schema_folder
from static_books import FILLED_CONFIG, FILLED_SEED, HOSTILE_CONFIG, Generated, generate

# The compiled-template and rendered-text caches of a test run live in a scratch
# folder (also for the subprocesses tests start), never in the user's ~/.cache.
# The folder is removed when the run ends.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="csmetrics-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)

settings.register_profile(
    "default", max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")


@pytest.fixture(scope="session")
def default_book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("default"), Config())


@pytest.fixture(scope="session")
def filled_book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("filled"), FILLED_CONFIG, FILLED_SEED)


@pytest.fixture(scope="session")
def hostile_book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("hostile"), HOSTILE_CONFIG)


@pytest.fixture(scope="session", params=["default", "filled"])
def book(request: pytest.FixtureRequest) -> Generated:
    return request.getfixturevalue(f"{request.param}_book")


# --------------------------------------------------------------------------- schema check of every workbook

SCHEMA_CHECK = pytest.StashKey[SessionCheck]()


def pytest_configure(config: pytest.Config) -> None:
    """Wrap ``Workbook.close`` for the run: it catches ``write_workbook`` and the
    tests' own ``build`` calls alike (``build`` itself is imported by name in
    several places). Workbooks without csmetrics' properties are not checked."""
    folder = schema_folder()
    if folder is None:
        return
    check = SessionCheck(folder, f'name="{contract.LAYOUT_PROPERTY}"'.encode())
    config.stash[SCHEMA_CHECK] = check
    close = xlsxwriter.Workbook.close

    def close_and_check(workbook: xlsxwriter.Workbook) -> None:
        close(workbook)
        written = workbook.filename
        check.written(written.getvalue() if hasattr(written, "getvalue") else Path(written))

    close_and_check.unwrapped = close  # type: ignore[attr-defined]
    xlsxwriter.Workbook.close = close_and_check


def pytest_unconfigure(config: pytest.Config) -> None:
    wrapped = xlsxwriter.Workbook.close
    if SCHEMA_CHECK in config.stash and hasattr(wrapped, "unwrapped"):
        xlsxwriter.Workbook.close = wrapped.unwrapped


def _schema_checked(item: pytest.Item, when: str) -> Generator[None, object, object]:
    """Run one phase of a test; fail it when it wrote a workbook with a part
    that breaks the schemas (when it failed anyway, attach the problems)."""
    check = item.config.stash.get(SCHEMA_CHECK, None)
    if check is None:
        return (yield)
    check.begin(item.nodeid)
    try:
        result = yield
    except BaseException:
        if problems := check.end():
            item.add_report_section(when, "OOXML schema", "\n".join(problems))
        raise
    if problems := check.end():
        shown = "\n  ".join(problems[:25])
        more = f"\n  … and {len(problems) - 25} more" if len(problems) > 25 else ""
        pytest.fail(f"a workbook this test wrote (in {when}) breaks the ECMA-376 schemas "
                    f"({len(problems)} problem(s)):\n  {shown}{more}", pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _schema_checked(item, "setup"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _schema_checked(item, "call"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, object, object]:
    return (yield from _schema_checked(item, "teardown"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Problems found outside any test phase still fail the run."""
    check = session.config.stash.get(SCHEMA_CHECK, None)
    if check is None:
        return
    check.end()
    if check.outside and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    check = terminalreporter.config.stash.get(SCHEMA_CHECK, None)
    if check is None:
        terminalreporter.write_line("OOXML schema check off: no ../shared/ooxml-schemas "
                                    "(or OOXML_SCHEMAS) found")
        return
    terminalreporter.write_line(
        f"OOXML schema check: {check.workbooks} workbooks written, {len(check.seen)} distinct "
        f"parts validated in {check.seconds:.2f} s, {len(check.found)} problem(s)")
    for test, problem in check.found[:50]:
        terminalreporter.write_line(f"  {test}: {problem}", red=True)
    if check.outside:
        terminalreporter.write_line("The run fails: workbooks written outside any test break the "
                                    "schemas.", red=True)


@pytest.fixture
def schema_check(request: pytest.FixtureRequest) -> SessionCheck | None:
    """The session's schema check (None without the schemas), for the tests of the check."""
    return request.config.stash.get(SCHEMA_CHECK, None)
