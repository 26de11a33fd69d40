"""The client's defences against answers that are too big, too slow, too dear or too leaky.

Unit level over ``httpx.MockTransport`` (the security suite drives the same attacks through
the CLI against a real loopback server).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest

from promptkit.client import ClientConfig, PollPolicy, VideoClient, parse_status
from promptkit.client.transport import REFUSED_URL, carries, redact, scrub_body
from promptkit.client.wire import MAX_COST_TICKS
from promptkit.errors import (
    ConfigError,
    DownloadError,
    PollTimeout,
    ProviderError,
    UncertainSubmit,
)
from promptkit.models import GenerationParams
from tests.client.conftest import KEY, MP4

ESCAPED = "".join(f"\\u{ord(c):04x}" for c in KEY)
PERCENT = "".join(f"%{ord(c):02x}" for c in KEY)


def _done(**fields: object) -> dict[str, object]:
    return {"status": "done", "video": {"url": "https://cdn.x.ai/a.mp4"},
            "usage": {"cost_in_usd_ticks": 500_000_000}, **fields}  # fmt: skip


@pytest.mark.parametrize(
    "text", [KEY, f"a {KEY} b", f"?k={PERCENT}", f"?k={PERCENT.upper()}", f"%25{PERCENT[1:]}"]
)
def test_the_key_is_found_raw_or_percent_encoded(text: str) -> None:
    assert carries(text, KEY)
    assert KEY not in redact(text, KEY) and not carries(redact(text, KEY), KEY)


def test_text_without_the_key_is_left_alone() -> None:
    assert not carries("https://cdn.x.ai/a.mp4?sig=%2F%2F", KEY)
    assert redact("plain words", KEY) == "plain words"


def test_json_escaped_key_is_redacted_after_decoding_and_urls_carrying_it_are_refused() -> None:
    body = (
        '{"error": {"message": "bad key ' + ESCAPED + '"}, "video": {"url": '
        '"https://cdn.example.com/a.mp4?t=' + ESCAPED + '"}, "' + ESCAPED + '": 1}'
    ).encode()
    data = json.loads(scrub_body(body, KEY))
    assert data["error"]["message"] == "bad key ***"
    assert data["video"]["url"] == REFUSED_URL
    assert "***" in data and KEY not in json.dumps(data)


def test_an_answer_without_the_key_is_passed_through_byte_for_byte() -> None:
    body = b'{"status":  "pending",\n "progress": 3}'
    assert scrub_body(body, KEY) is body


@pytest.mark.parametrize("url", [f"https://cdn.x.ai/a.mp4?k={ESCAPED}",
                                 f"https://cdn.x.ai/a.mp4?k={PERCENT}"])  # fmt: skip
async def test_a_status_whose_clip_url_carries_the_key_is_refused(
    url: str, make_client: Callable[..., VideoClient]
) -> None:
    # Written by hand: the escapes must reach the client as JSON escapes, not as the key.
    body = '{"status": "done", "video": {"url": "' + url + '"}, "usage": {}}'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body.encode())

    async with make_client(handler) as client:
        with pytest.raises(ProviderError, match="the clip URL carries the API key; refused"):
            await client.get_status("r1")


@pytest.mark.parametrize("cost", [-1, -(10**12), MAX_COST_TICKS + 1, 10**30, 1.5, "lots", True])
def test_an_impossible_cost_is_a_provider_error(cost: object) -> None:
    body = json.dumps(_done(usage={"cost_in_usd_ticks": cost})).encode()
    with pytest.raises(ProviderError, match="which cannot be right"):
        parse_status("r1", 200, body)


@pytest.mark.parametrize("cost", [0, 1, 500_000_000, MAX_COST_TICKS, "500000000", 5e8])
def test_a_plausible_cost_is_booked_as_given(cost: object) -> None:
    status = parse_status("r1", 200, json.dumps(_done(usage={"cost_in_usd_ticks": cost})).encode())
    assert status.cost_ticks == int(float(cost))  # type: ignore[arg-type]


def test_no_cost_reported_is_none_not_an_error() -> None:
    assert parse_status("r1", 200, json.dumps(_done(usage={})).encode()).cost_ticks is None


async def _stream(total: int) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        yield b" " * 65536
        sent += 65536


@pytest.mark.parametrize("declared", [True, False])
async def test_a_status_body_over_the_cap_is_refused_without_reading_it(
    declared: bool, make_client: Callable[..., VideoClient]
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-length": str(300 * 1024 * 1024)} if declared else {}
        return httpx.Response(200, headers=headers, content=_stream(300 * 1024 * 1024))

    async with make_client(handler, max_response_bytes=65536) as client:
        with pytest.raises(ProviderError, match="the answer is over 65536 bytes"):
            await client.get_status("r1")
        assert client.stats.retries == 0  # never retried: a second try is as large


async def test_an_oversized_answer_to_a_submit_is_uncertain_not_resent(
    make_client: Callable[..., VideoClient],
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=_stream(1024 * 1024))

    async with make_client(handler, max_response_bytes=1024) as client:
        with pytest.raises(UncertainSubmit, match="was not re-sent"):
            await client.submit_generation("a fox runs", GenerationParams(duration=1))
    assert len(seen) == 1


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:99999/a.mp4", "ftp://cdn.x.ai/a.mp4", "https:///a.mp4"]
)
async def test_a_malformed_clip_url_is_refused_in_one_line(
    url: str, make_client: Callable[..., VideoClient], tmp_path: Path
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - never reached
        return httpx.Response(200, content=MP4)

    async with make_client(handler) as client:
        with pytest.raises(DownloadError, match="clip URL") as caught:
            await client.download(url, tmp_path / "a.mp4")
    assert "\n" not in str(caught.value) and list(tmp_path.iterdir()) == []


async def test_wait_gives_up_at_the_poll_timeout_even_inside_a_trickled_status() -> None:
    # Real time here: the trickle is a response that never completes.
    async def forever() -> AsyncIterator[bytes]:
        import asyncio

        yield b"{"
        await asyncio.sleep(3600)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=forever())

    config = ClientConfig(base_url="https://api.x.ai", api_key=KEY, max_retries=0,
                          poll=PollPolicy(interval=0.1, min_interval=0.1, timeout=0.3))  # fmt: skip
    async with VideoClient(config, transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(PollTimeout, match="after 0.3 s"):
            await client.wait("r1")


@pytest.mark.parametrize(
    ("setting", "value"),
    [("request_timeout", 0), ("request_timeout", 1e308), ("download_timeout", float("nan")),
     ("max_response_bytes", float("inf")), ("read_timeout", -1), ("max_retry_after", 1e9)],
)  # fmt: skip
def test_unbounded_client_settings_are_refused(setting: str, value: float) -> None:
    with pytest.raises(ConfigError, match=f"client.{setting}: "):
        ClientConfig(**{setting: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["interval", "min_interval", "max_interval", "timeout"])
def test_poll_settings_of_1e308_or_nan_are_refused(name: str) -> None:
    for value in (1e308, float("nan"), float("inf")):
        with pytest.raises(ConfigError, match=f"poll.{name}: .* at most"):
            PollPolicy(**{name: value})  # type: ignore[arg-type]
