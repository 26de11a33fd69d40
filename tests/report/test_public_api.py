"""The report package's public API."""

from __future__ import annotations

import promptkit.report


def test_all_is_sorted_and_resolvable():
    assert promptkit.report.__all__ == sorted(promptkit.report.__all__)
    for name in promptkit.report.__all__:
        assert callable(getattr(promptkit.report, name))
