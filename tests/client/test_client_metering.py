"""Metering that follows the provider: which requests wait for the client's rate limiter."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from promptkit.client import ClientConfig, VideoClient
from promptkit.sim import SimConfig, SimServer
from tests.client.conftest import MP4, FakeClock

ALLOWANCE = {"x-ratelimit-limit-requests": "1", "x-ratelimit-remaining-requests": "0"}


def _handler(*, api_headers: dict[str, str], clip_headers: dict[str, str], clip_status=200):
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.startswith("/v1/"):
            return httpx.Response(202, json={"status": "pending"}, headers=api_headers)
        return httpx.Response(clip_status, content=MP4, headers=clip_headers)

    return handler, seen


async def _timed_downloads(client: VideoClient, clock: FakeClock, url: str, tmp: Path) -> float:
    """Seconds of (fake) time three downloads of ``url`` take after one status poll."""
    await client.get_status("r1")
    start = clock.now
    for i in range(3):
        await client.download(url, tmp / f"{i}.mp4")
    return clock.now - start


async def test_clips_on_another_host_never_wait_for_the_limiter(make_client, clock, tmp_path):
    handler, _ = _handler(api_headers={}, clip_headers={})
    client = make_client(handler, rps=1.0, rpm=60)
    async with client:
        # The real API's clips live on its media host, outside the API's rate limit.
        waited = await _timed_downloads(client, clock, "https://vidgen.x.ai/b/c.mp4", tmp_path)
    assert waited == 0.0 and not client.meters_download("https://vidgen.x.ai/b/c.mp4")
    assert client.meters_download("https://api.x.ai/clips/c.mp4")


async def test_same_host_downloads_stop_waiting_once_the_provider_shows_they_are_free(
    make_client, clock, tmp_path
):
    handler, _ = _handler(api_headers=ALLOWANCE, clip_headers={})
    client = make_client(handler, rps=1.0, rpm=60)
    url = "https://api.x.ai/clips/c.mp4"
    async with client:
        waited = await _timed_downloads(client, clock, url, tmp_path)
    # The first download waits its turn (nothing is known yet); its answer carries no allowance
    # while the API's answers do, so the next two go at once.
    assert waited == pytest.approx(1.0)
    assert not client.meters_download(url)


async def test_same_host_downloads_stay_metered_when_the_provider_says_nothing(
    make_client, clock, tmp_path
):
    handler, _ = _handler(api_headers={}, clip_headers={})
    client = make_client(handler, rps=1.0, rpm=60)
    url = "https://api.x.ai/clips/c.mp4"
    async with client:
        waited = await _timed_downloads(client, clock, url, tmp_path)
    assert waited == pytest.approx(3.0) and client.meters_download(url)


async def test_same_host_downloads_that_carry_the_allowance_stay_metered(
    make_client, clock, tmp_path
):
    handler, _ = _handler(api_headers=ALLOWANCE, clip_headers=ALLOWANCE)
    client = make_client(handler, rps=1.0, rpm=60)
    url = "https://api.x.ai/clips/c.mp4"
    async with client:
        waited = await _timed_downloads(client, clock, url, tmp_path)
    assert waited == pytest.approx(3.0) and client.meters_download(url)


async def test_a_429_on_a_download_puts_downloads_back_under_the_limiter(make_client, tmp_path):
    answers = iter([200, 429, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/v1/"):
            return httpx.Response(202, json={"status": "pending"}, headers=ALLOWANCE)
        return httpx.Response(next(answers), content=MP4, headers={"Retry-After": "1"})

    client = make_client(handler, rps=1.0, rpm=60)
    url = "https://api.x.ai/clips/c.mp4"
    async with client:
        await client.get_status("r1")
        await client.download(url, tmp_path / "a.mp4")
        assert not client.meters_download(url)
        await client.download(url, tmp_path / "b.mp4")  # 429, then a retry
    assert client.meters_download(url) and client.stats.rate_limited == 1
    assert client.limiter.factor < 1.0


def test_meter_downloads_can_be_forced_either_way() -> None:
    on = VideoClient(ClientConfig(meter_downloads=True))
    off = VideoClient(ClientConfig(base_url="http://127.0.0.1:8000", meter_downloads=False))
    assert on.meters_download("https://vidgen.x.ai/b/c.mp4")
    assert not off.meters_download("http://127.0.0.1:8000/clips/c.mp4")


async def test_against_the_simulator_only_api_calls_are_metered(tmp_path: Path) -> None:
    # One request a second, a burst of one: every metered request costs a second of waiting.
    with SimServer(SimConfig(speed=0, rps=1.0, rpm=None, burst_s=1.0)) as sim:
        # A little under the limit: requests spaced exactly 1 s apart can arrive closer.
        config = ClientConfig(base_url=sim.base_url, api_key=sim.api_key, rps=0.9, rpm=600)
        async with VideoClient(config) as client:
            rid = await client.submit_generation("a kite over a beach", _params())
            status = await client.wait(rid)
            assert status.video_url is not None
            clips = await asyncio.gather(
                *(client.download(status.video_url, tmp_path / f"{i}.mp4") for i in range(4))
            )
            assert not client.meters_download(status.video_url)
        stats = sim.stats()
    assert len({c.sha256 for c in clips}) == 1
    assert stats["downloads"] == 4 and stats["rate_limited"] == 0
    assert stats["metered"] == client.stats.requests - 4


def _params():
    from promptkit.models import GenerationParams

    return GenerationParams(duration=1)
