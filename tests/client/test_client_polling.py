"""Waiting for jobs: adaptive poll delays, progress callbacks, timeouts and outcomes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from promptkit.client import JobStatus, PollPolicy, next_poll_delay
from promptkit.errors import ConfigError, Expired, GenerationFailed, Moderated, PollTimeout

from .conftest import FakeClock, done_body

POLICY = PollPolicy(interval=5, min_interval=1, max_interval=15, timeout=600)


def test_without_two_progress_samples_the_fixed_interval_is_used() -> None:
    assert next_poll_delay([], POLICY) == 5
    assert next_poll_delay([(0.0, 10)], POLICY) == 5
    assert next_poll_delay([(0.0, None), (5.0, None)], POLICY) == 5


def test_delay_targets_the_estimated_completion() -> None:
    # 10 %/s, at 50 %: done in about 5 s from the last sample.
    assert next_poll_delay([(0.0, 0), (2.0, 20), (5.0, 50)], POLICY) == pytest.approx(5.0)
    # 1 %/s at 80 %: 20 s away, more than max_interval.
    assert next_poll_delay([(0.0, 70), (10.0, 80)], POLICY) == 15


def test_delay_never_drops_below_the_minimum() -> None:
    assert next_poll_delay([(0.0, 10), (1.0, 99)], POLICY) == 1


def test_stalled_progress_falls_back_to_the_interval() -> None:
    assert next_poll_delay([(0.0, 40), (5.0, 40)], POLICY) == 5


def test_only_recent_samples_set_the_rate() -> None:
    # An early burst (0 -> 60 in 1 s) is forgotten once five slower samples follow it.
    samples = [(0.0, 0), (1.0, 60), (2.0, 61), (3.0, 62), (4.0, 63), (5.0, 64), (6.0, 65)]
    assert next_poll_delay(samples, POLICY) == 15


def test_non_adaptive_policy_polls_at_the_fixed_interval() -> None:
    policy = PollPolicy(interval=3, adaptive=False)
    assert next_poll_delay([(0.0, 0), (1.0, 90)], policy) == 3


def test_policy_rejects_nonsense_bounds() -> None:
    with pytest.raises(ConfigError, match="min_interval"):
        PollPolicy(min_interval=20, max_interval=10)
    with pytest.raises(ConfigError, match="timeout"):
        PollPolicy(timeout=0)


def progression(bodies: list[dict]) -> Iterator[httpx.Response]:
    for body in bodies:
        yield httpx.Response(202 if body.get("status") == "pending" else 200, json=body)


async def test_wait_polls_until_done_and_reports_each_status(make_client, clock: FakeClock) -> None:
    answers = progression(
        [{"status": "pending", "progress": p} for p in (0, 25, 50, 75)] + [done_body()]
    )
    client = make_client(lambda request: next(answers))
    seen: list[JobStatus] = []
    async with client:
        final = await client.wait("req-1", on_progress=seen.append)
    assert final.status == "done" and final.video_url
    assert [s.progress for s in seen] == [0, 25, 50, 75, 100]
    assert client.stats.polls == 5


async def test_wait_follows_the_progress_rate(make_client, clock: FakeClock) -> None:
    answers = progression(
        [{"status": "pending", "progress": p} for p in (0, 10, 20)] + [done_body()]
    )
    client = make_client(lambda request: next(answers))
    async with client:
        await client.wait("req-1")
    # First gap: no rate yet -> 5 s. Then 10 % per 5 s = 2 %/s, 90 % left -> 45 s -> capped 15.
    assert clock.sleeps[:2] == [5, 15]


async def test_wait_times_out_keeping_the_request_id(make_client, clock: FakeClock) -> None:
    client = make_client(
        lambda request: httpx.Response(202, json={"status": "pending", "progress": 1})
    )
    start = clock.now
    policy = PollPolicy(interval=5, timeout=60)
    with pytest.raises(PollTimeout, match="req-9.*after 60 s.*promptkit status req-9") as info:
        async with client:
            await client.wait("req-9", policy=policy)
    assert info.value.request_id == "req-9"
    assert 60 <= clock.now - start <= 61


@pytest.mark.parametrize(
    ("body", "error", "message"),
    [
        (
            {"status": "failed", "error": {"code": "invalid_argument", "message": "bad image"}},
            GenerationFailed,
            "invalid_argument: bad image",
        ),
        ({"status": "expired"}, Expired, "expired"),
        (
            {"status": "done", "video": {"url": "", "respect_moderation": False}},
            Moderated,
            "withheld by moderation",
        ),
    ],
)
async def test_wait_raises_for_bad_outcomes_only_when_asked(
    make_client, body: dict, error: type[Exception], message: str
) -> None:
    client = make_client(lambda request: httpx.Response(200, json=body))
    async with client:
        status = await client.wait("req-3")
        assert status.terminal
        with pytest.raises(error, match=message) as info:
            await client.wait("req-3", raise_on_failure=True)
    assert info.value.request_id == "req-3"


async def test_failed_outcome_keeps_its_code(make_client) -> None:
    body = {"status": "failed", "error": {"code": "internal_error", "message": "x"}}
    client = make_client(lambda request: httpx.Response(200, json=body))
    with pytest.raises(GenerationFailed) as info:
        async with client:
            await client.wait("req-3", raise_on_failure=True)
    assert info.value.code == "internal_error"
