"""Request bodies are capped: 413 in the API's error shape, without buffering an oversized body."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from promptkit.errors import ConfigError
from promptkit.sim import SimConfig
from promptkit.sim.config import build_config
from promptkit.sim.openapi import openapi_document
from tests.sim.conftest import AUTH

INVALID = "Client specified an invalid argument"
LIMIT = 4096
CHUNK = 1024


class Feed:
    """A streamed request body of ``chunks`` × 1 KiB that counts how much the app pulled."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.pulled += CHUNK
            yield b" " * CHUNK


def assert_too_large(status: int, body: dict[str, object]) -> None:
    assert status == 413
    assert body == {
        "code": INVALID,
        "error": f"The request body is larger than {LIMIT} bytes; "
        "send large inputs as URLs instead of data URIs",
    }


def test_the_default_cap_is_64_mib_and_must_be_positive() -> None:
    assert SimConfig().max_body_bytes == 64 * 1024 * 1024
    with pytest.raises(ConfigError, match=r"^sim\.max_body_bytes: "):
        build_config(max_body_bytes=0)


@pytest.mark.parametrize("endpoint", ["generations", "extensions", "edits"])
async def test_declared_length_over_the_cap_is_413_before_the_body_is_read(
    make_sim, endpoint: str
) -> None:
    sim = await make_sim(max_body_bytes=LIMIT)
    feed = Feed(64)
    headers = {**AUTH, "Content-Length": str(64 * CHUNK), "Content-Type": "application/json"}
    r = await sim.client.post(f"/v1/videos/{endpoint}", content=feed, headers=headers)
    assert_too_large(r.status_code, r.json())
    assert feed.pulled == 0
    assert sim.state.store.jobs == {}


async def test_streamed_body_without_a_length_stops_being_read_past_the_cap(make_sim) -> None:
    sim = await make_sim(max_body_bytes=LIMIT)
    feed = Feed(1000)
    r = await sim.client.post("/v1/videos/generations", content=feed, headers=AUTH)
    assert "content-length" not in {k.lower() for k in r.request.headers}
    assert_too_large(r.status_code, r.json())
    assert feed.pulled <= LIMIT + CHUNK  # one chunk past the cap, not the whole megabyte


async def test_body_of_exactly_the_cap_is_accepted(make_sim) -> None:
    sim = await make_sim(max_body_bytes=LIMIT)
    body = json.dumps({"prompt": "a fox runs", "duration": 1})
    content = body + " " * (LIMIT - len(body))
    r = await sim.client.post("/v1/videos/generations", content=content, headers=AUTH)
    assert r.status_code == 200, r.text
    assert "request_id" in r.json()


def test_openapi_lists_413_for_every_submit_operation() -> None:
    paths = openapi_document()["paths"]
    submits = [p for p in paths if p.startswith("/v1/videos/") and "post" in paths[p]]
    assert sorted(submits) == [f"/v1/videos/{e}" for e in ("edits", "extensions", "generations")]
    for path in submits:
        answer = paths[path]["post"]["responses"]["413"]
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
