"""The shared rate limiter, driven by a fake clock."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from promptkit.client import RateLimiter

from .conftest import FakeClock


async def stamps(limiter: RateLimiter, clock: FakeClock, n: int) -> list[float]:
    out = []
    for _ in range(n):
        await limiter.acquire()
        out.append(clock.now - 1000.0)
    return out


async def test_one_request_per_second(clock: FakeClock) -> None:
    limiter = RateLimiter(rps=1, rpm=1000, clock=clock, sleep=clock.sleep)
    assert await stamps(limiter, clock, 4) == [0.0, 1.0, 2.0, 3.0]


async def test_per_minute_budget_caps_bursts(clock: FakeClock) -> None:
    limiter = RateLimiter(rps=100, rpm=3, clock=clock, sleep=clock.sleep)
    got = await stamps(limiter, clock, 5)
    assert got[:3] == [0.0, 0.0, 0.0]
    # then one token every 60/3 = 20 s
    assert abs(got[3] - 20) < 0.05 and abs(got[4] - 40) < 0.05


async def test_concurrent_callers_share_the_budget(clock: FakeClock) -> None:
    limiter = RateLimiter(rps=2, rpm=1000, clock=clock, sleep=clock.sleep)
    times: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        times.append(clock.now - 1000.0)

    await asyncio.gather(*(one() for _ in range(6)))
    # A burst of two (the per-second bucket holds rps tokens), then one every 0.5 s.
    assert sorted(times) == pytest.approx([0.0, 0.0, 0.5, 1.0, 1.5, 2.0])


async def test_a_429_halves_the_rate_and_honours_retry_after(clock: FakeClock) -> None:
    limiter = RateLimiter(rps=1, rpm=1000, clock=clock, sleep=clock.sleep)
    await limiter.acquire()
    limiter.slow_down(retry_after=10)
    assert limiter.rps == 0.5
    t = await stamps(limiter, clock, 2)
    assert t[0] >= 10 and t[1] - t[0] >= 2.0 - 1e-9


async def test_the_rate_recovers_after_a_quiet_period(clock: FakeClock) -> None:
    limiter = RateLimiter(rps=1, rpm=1000, clock=clock, sleep=clock.sleep, recovery=30)
    limiter.slow_down()
    limiter.slow_down()
    assert limiter.factor == 0.25
    await clock.sleep(31)
    await limiter.acquire()
    assert limiter.factor == 0.5
    await clock.sleep(31)
    await limiter.acquire()
    assert limiter.factor == 1.0


async def test_slowdown_never_goes_below_the_floor(clock: FakeClock) -> None:
    limiter = RateLimiter(rps=1, rpm=60, clock=clock, sleep=clock.sleep, min_factor=0.125)
    for _ in range(10):
        limiter.slow_down()
    assert limiter.factor == 0.125


async def test_submits_and_polls_go_through_the_same_limiter(make_client, clock: FakeClock) -> None:
    times: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(clock.now)
        if request.method == "POST":
            return httpx.Response(200, json={"request_id": "r1"})
        return httpx.Response(202, json={"status": "pending"})

    client = make_client(handler, rps=1.0, rpm=60)
    from promptkit.models import GenerationParams

    async with client:
        await asyncio.gather(
            client.submit_generation("a", GenerationParams()),
            client.get_status("r0"),
            client.get_status("r2"),
        )
    gaps = [b - a for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
    assert len(times) == 3 and all(g >= 1.0 - 1e-9 for g in gaps)
