"""Shared bounds of the property and fuzz tests: deterministic, and quick on a 2-core machine.

``derandomize=True`` makes every run try the same examples (no flaky CI); the example counts
keep this folder under a minute. Raise them locally with ``--hypothesis-profile`` if you like:
the tests take their bounds from :data:`FUZZ` only when no profile asks for more.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
FUZZ_FEW = settings(FUZZ, max_examples=20)
