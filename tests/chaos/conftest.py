"""Chaos-suite plumbing: figures recorded by the tests are printed in pytest's terminal summary.

Printing from a test is swallowed unless pytest runs with ``-s``; the summary hook always shows,
so CI logs carry the figures (jobs, faults injected, retries, resumes, duplicates, losses).
"""

from __future__ import annotations

from typing import Any

import pytest

FIGURES_KEY = pytest.StashKey[dict[str, dict[str, Any]]]()


@pytest.fixture
def chaos_figures(request: pytest.FixtureRequest) -> dict[str, Any]:
    """A dict the test fills; it is printed under the test's name at the end of the session."""
    store = request.config.stash.setdefault(FIGURES_KEY, {})
    figures: dict[str, Any] = {}
    store[request.node.nodeid] = figures
    return figures


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    store = config.stash.get(FIGURES_KEY, {})
    for nodeid, figures in store.items():
        if not figures:
            continue
        terminalreporter.section(f"chaos figures: {nodeid}", sep="-")
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            terminalreporter.write_line(f"  {key:<{width}}  {value}")
