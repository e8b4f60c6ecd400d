"""Shared fixtures; tests import helpers from ``engines`` and ``workbooks`` beside them.

The workbooks the static checks read (``static_books``) are generated once per
session, whichever ``test_static_*`` modules run.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest
from csmetrics.config.settings import Config
from hypothesis import HealthCheck, settings
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
