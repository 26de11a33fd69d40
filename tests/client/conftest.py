"""Fixtures for the client tests: a fake clock and clients over ``httpx.MockTransport``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from promptkit.client import ClientConfig, PollPolicy, VideoClient

KEY = "xai-TESTKEY-0123456789abcdefSECRET"
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 200


class FakeClock:
    """Monotonic time that only moves when someone sleeps."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
def make_client(clock: FakeClock) -> Callable[..., VideoClient]:
    """``make_client(handler, **config)``: a VideoClient on a MockTransport and the fake clock."""

    def make(handler: Handler, **overrides: Any) -> VideoClient:
        settings: dict[str, Any] = {
            "base_url": "https://api.x.ai",
            "api_key": KEY,
            "rps": 1000.0,
            "rpm": 100000,
            "poll": PollPolicy(interval=5, min_interval=1, max_interval=15, timeout=600),
        }
        settings.update(overrides)
        return VideoClient(
            ClientConfig(**settings),
            transport=httpx.MockTransport(handler),
            clock=clock,
            sleep=clock.sleep,
        )

    return make


def status_response(
    status: str = "pending", code: int | None = None, **fields: Any
) -> httpx.Response:
    body = {"status": status, **fields}
    return httpx.Response(code or (202 if status == "pending" else 200), json=body)


def done_body(url: str = "https://vidgen.x.ai/bucket/clip.mp4", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": "done",
        "video": {"url": url, "duration": 1, "respect_moderation": True},
        "model": "grok-imagine-video",
        "usage": {"cost_in_usd_ticks": 500_000_000},
        "progress": 100,
    }
    body.update(extra)
    return body


def finished_job_api(
    request_id: str = "r1", url: str = "https://vidgen.x.ai/bucket/clip.mp4"
) -> Handler:
    """A fake API: submits answer ``request_id``, jobs are done at once, clip hosts serve MP4."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json={"request_id": request_id})
        if request.url.host == "api.x.ai":
            return httpx.Response(200, json=done_body(url=url))
        return httpx.Response(200, content=MP4)

    return handler
