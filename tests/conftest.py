"""Fixtures shared by every test package, and the property tests' default Hypothesis profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

# Every property test tries the same examples on every run and keeps no example database: a
# failure reproduces on any machine and CI never turns red by chance. (``--hypothesis-profile``
# still picks another profile for a deeper local search.)
settings.register_profile("promptkit", derandomize=True, database=None, deadline=None)
settings.load_profile("promptkit")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip when a user's clone lacks it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (it is present in CI)")
    return SHARED


@pytest.fixture(scope="session")
def corpora(shared_dir: Path) -> Path:
    path = shared_dir / "corpora"
    if not path.is_dir():
        pytest.skip("../shared/corpora is absent")
    return path
