"""`--fail-on frozen-rate` measures the same frozen rate the report shows."""

from __future__ import annotations

import pytest

from promptkit.report.clips import Variant
from promptkit.runner.collect import verdict_rates
from tests.report.builders import clip, run


def test_fail_on_frozen_rate_equals_the_reports_frozen_rate() -> None:
    clips = [
        clip("v", 1, verdict="frozen"),
        clip("v", 2, verdict="partial-freeze"),
        clip("v", 3, verdict="ok"),
        clip("v", 4, verdict="low-motion"),
        clip("v", 5, verdict="unreadable"),
        clip("v", 6, verdict=None, status="failed"),
    ]
    rates = verdict_rates(run(clips))
    assert rates["frozen-rate"] == Variant("v", clips).frozen_rate == pytest.approx(0.5)
    assert rates["partial-freeze-rate"] == pytest.approx(0.25)
    assert rates["unreadable-rate"] == pytest.approx(0.2)
