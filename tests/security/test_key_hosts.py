"""The key goes to the configured origin only: never to look-alike hosts, other ports or schemes.

Unit level, with ``httpx.MockTransport`` recording every request the client makes. (The
client's own tests cover the basic cases; these are the ways a key could slip out sideways.)
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from promptkit.client import ClientConfig, VideoClient
from promptkit.client.config import is_loopback
from promptkit.errors import ApiError, ConfigError, PromptkitError

MP4 = b"\x00\x00\x00\x18ftypisom" + b"\x00" * 200


LOOK_ALIKES = ["127.0.0.1.example.com", "127.evil.example", "localhost.example", "0.0.0.0",
               "10.0.0.1", "[::2]", "127.0.0.1@evil.example"]  # fmt: skip


@pytest.mark.parametrize("host", LOOK_ALIKES)
def test_plain_http_to_a_look_alike_of_loopback_is_refused(host: str, fake_key: str) -> None:
    with pytest.raises(ConfigError, match="plain http"):
        VideoClient(ClientConfig(base_url=f"http://{host}:8000", api_key=fake_key))


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.4.5", "localhost", "[::1]"])
def test_loopback_literals_and_localhost_are_loopback(host: str) -> None:
    assert is_loopback(host)


def _client(key: str, seen: list[httpx.Request], routes: dict[str, httpx.Response]) -> VideoClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        for prefix, response in routes.items():
            if str(request.url).startswith(prefix):
                return response
        return httpx.Response(404)

    config = ClientConfig(base_url="https://api.example.com", api_key=key, max_retries=0)
    return VideoClient(config, transport=httpx.MockTransport(handler))


@pytest.mark.parametrize("clip_url", [
    "http://api.example.com/clips/a.mp4",        # same host, plain http
    "https://api.example.com:8443/clips/a.mp4",  # same host, another port
    "https://api.example.com.evil.example/a.mp4",
    "https://cdn.example.com/a.mp4",
])  # fmt: skip
async def test_clip_urls_off_the_api_origin_never_get_the_key(
    clip_url: str, fake_key: str, tmp_path: Path
) -> None:
    seen: list[httpx.Request] = []
    client = _client(fake_key, seen, {clip_url: httpx.Response(200, content=MP4)})
    async with client:
        await client.download(clip_url, tmp_path / "a.mp4")
    assert [str(r.url) for r in seen] == [clip_url]
    assert "authorization" not in seen[0].headers


async def test_a_redirect_off_the_api_is_not_followed_with_the_key(fake_key: str) -> None:
    seen: list[httpx.Request] = []
    moved = httpx.Response(307, headers={"location": "https://collector.example/v1/videos/r1"})
    client = _client(fake_key, seen, {"https://api.example.com/": moved})
    async with client:
        with pytest.raises(ApiError, match="redirect"):
            await client.get_status("r1")
    assert [r.url.host for r in seen] == ["api.example.com"]


async def test_an_echoed_key_in_a_status_answer_is_masked_before_anyone_reads_it(
    fake_key: str,
) -> None:
    seen: list[httpx.Request] = []
    body = {"status": "failed", "error": {"code": "x", "message": f"bad key Bearer {fake_key}"},
            "video": {"url": f"https://cdn.example.com/{fake_key}.mp4"}}  # fmt: skip
    client = _client(fake_key, seen, {"https://api.example.com/": httpx.Response(200, json=body)})
    async with client:
        status = await client.get_status("r1")
    assert fake_key not in json.dumps(status.model_dump(mode="json"))
    assert status.error_message == "bad key Bearer ***"


async def test_an_echoed_key_in_an_error_answer_is_masked(fake_key: str) -> None:
    seen: list[httpx.Request] = []
    refused = httpx.Response(400, json={"error": f"Incorrect API key provided: {fake_key}"})
    client = _client(fake_key, seen, {"https://api.example.com/": refused})
    async with client:
        with pytest.raises(PromptkitError) as caught:
            await client.get_status("r1")
    assert fake_key not in str(caught.value) and "***" in str(caught.value)
