"""The API key: read from env/settings only, sent only to the base URL, never shown or written."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from promptkit.client import ClientConfig, VideoClient
from promptkit.config import Settings
from promptkit.errors import ApiError, ConfigError, PromptkitError
from promptkit.models import GenerationParams

from .conftest import KEY, MP4, finished_job_api


def test_repr_and_str_never_show_the_key() -> None:
    config = ClientConfig(api_key=KEY)
    client = VideoClient(config)
    for text in (repr(config), str(config), repr(client)):
        assert KEY not in text
    assert "api_key=<set>" in repr(config)


def test_key_over_plain_http_to_a_remote_host_is_refused() -> None:
    with pytest.raises(ConfigError, match="plain http to proxy.example.com"):
        VideoClient(ClientConfig(base_url="http://proxy.example.com", api_key=KEY))


@pytest.mark.parametrize("url", ["http://127.0.0.1:8123", "http://localhost:9", "http://[::1]:80"])
def test_plain_http_is_allowed_for_loopback(url: str) -> None:
    VideoClient(ClientConfig(base_url=url, api_key=KEY))


def test_plain_http_without_a_key_is_allowed() -> None:
    VideoClient(ClientConfig(base_url="http://proxy.example.com", api_key=None))


def test_from_env_reads_the_key_from_the_environment_only() -> None:
    config = ClientConfig.from_env(Settings(), environ={"XAI_API_KEY": KEY})
    assert config.api_key == KEY and config.base_url == "https://api.x.ai"
    assert ClientConfig.from_env(Settings(), environ={}).api_key is None


def test_from_env_reads_the_client_settings_section() -> None:
    settings = Settings(
        data={
            "client": {
                "base_url": "https://proxy.example.com/v1/",
                "rps": 2,
                "poll": {"interval": 3},
            }
        }
    )
    config = ClientConfig.from_env(settings, environ={})
    assert (config.base_url, config.rps, config.poll.interval) == (
        "https://proxy.example.com",
        2,
        3,
    )


def test_explicit_override_of_the_key_wins_even_when_none() -> None:
    config = ClientConfig.from_env(Settings(), environ={"XAI_API_KEY": KEY}, api_key=None)
    assert config.api_key is None


def test_unknown_client_setting_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown key 'rate'"):
        ClientConfig.from_env(Settings(data={"client": {"rate": 3}}), environ={})


def test_bad_numbers_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="client.rps"):
        ClientConfig(rps=0)
    with pytest.raises(ConfigError, match="not an http"):
        ClientConfig(base_url="ftp://x")


async def test_key_is_sent_to_the_api_but_not_to_a_clip_host(make_client, tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api.x.ai":
            return httpx.Response(200, json={"request_id": "r1"})
        return httpx.Response(200, content=MP4)

    async with make_client(handler) as client:
        await client.submit_generation("x", GenerationParams())
        await client.download("https://vidgen.x.ai/c.mp4", tmp_path / "c.mp4")
    assert seen[0].headers["authorization"] == f"Bearer {KEY}"
    assert "authorization" not in seen[1].headers


async def test_redirects_never_carry_the_key(make_client, tmp_path: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "api.x.ai":
            return httpx.Response(302, headers={"Location": "https://evil.example/c.mp4"})
        return httpx.Response(200, content=MP4)

    async with make_client(handler) as client:
        await client.download("https://api.x.ai/files/c.mp4", tmp_path / "c.mp4")
    assert seen[0].headers["authorization"] == f"Bearer {KEY}"
    assert seen[1].url.host == "evil.example" and "authorization" not in seen[1].headers


async def test_api_redirects_are_not_followed(make_client) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            307, headers={"Location": "https://evil.example/v1/videos/generations"}
        )

    with pytest.raises(ApiError, match="unexpected redirect"):
        async with make_client(handler) as client:
            await client.submit_generation("x", GenerationParams())
    assert [r.url.host for r in seen] == ["api.x.ai"]


def answers_for_every_error() -> list[httpx.Response]:
    echo = {"error": f"Incorrect API key provided: {KEY}"}
    return [
        httpx.Response(400, json=echo),
        httpx.Response(401, json=echo),
        httpx.Response(422, json={"error": f"bad field near Bearer {KEY}"}),
        httpx.Response(429, json={"error": f"credits exhausted for {KEY}"}),
        httpx.Response(500, json=echo),
        httpx.Response(502, json=echo),
        httpx.Response(200, json={"nope": True}),
    ]


async def test_key_never_reaches_logs_errors_or_files(make_client, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    messages: list[str] = []
    for answer in answers_for_every_error():
        async with make_client(lambda request, a=answer: a, max_retries=1) as client:
            with pytest.raises(PromptkitError) as info:
                await client.submit_generation("x", GenerationParams())
            messages.append(str(info.value))
            messages.append(repr(info.value))

    async with make_client(finished_job_api()) as client:
        await client.generate("x", GenerationParams(), tmp_path)
    assert any(r.levelname == "DEBUG" for r in caplog.records)
    assert KEY not in caplog.text
    assert all(KEY not in m for m in messages), messages
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes()
