"""The motionless rate in ``--fail-on``: frozen, partial-freeze and low-motion over measured."""

from __future__ import annotations

from promptkit.runner.collect import failed_conditions, parse_fail_on, verdict_rates
from promptkit.runner.results import ClipRecord, RunResults


def _run(verdicts: list[str | None]) -> RunResults:
    clips = [
        ClipRecord(
            job_id=f"v{i}-r1",
            variant_id=f"v{i}",
            replicate=1,
            prompt="A fox runs.",
            status="scored" if v else "failed",
            verdict=v,
        )  # fmt: skip
        for i, v in enumerate(verdicts)
    ]
    return RunResults(
        run_id="r", created_at="2025-01-01T00:00:00+00:00", spec_path="evals/x.yaml",
        provider="sim", model="grok-imagine-video", clips=clips,
    )  # fmt: skip


def test_motionless_rate_counts_low_motion_that_the_frozen_rate_leaves_out():
    rates = verdict_rates(_run(["low-motion", "low-motion", "frozen", "ok", "unreadable", None]))
    assert rates["frozen-rate"] == 1 / 4
    assert rates["motionless-rate"] == 3 / 4


def test_fail_on_motionless_rate_holds_and_reports_the_value():
    condition = parse_fail_on("motionless-rate>0.5")
    assert condition == ("motionless-rate", ">", 0.5)
    held = failed_conditions(_run(["low-motion", "low-motion", "ok"]), [condition])
    assert held == ["motionless-rate = 0.667 > 0.5"]
    assert failed_conditions(_run(["ok", "ok", "low-motion"]), [condition]) == []
