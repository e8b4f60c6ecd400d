"""Shared fixtures; tests import helpers from ``engines`` and ``workbooks`` beside them."""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

# The compiled-template and rendered-text caches of a test run live in a scratch
# folder (also for the subprocesses tests start), never in the user's ~/.cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="csmetrics-test-cache-")

settings.register_profile(
    "default", max_examples=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "ci", max_examples=40, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")
