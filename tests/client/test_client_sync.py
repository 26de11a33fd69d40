"""The blocking facade runs the async client on its own loop."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from promptkit.client import ClientConfig, SyncVideoClient
from promptkit.errors import AuthError
from promptkit.models import GenerationParams

from .conftest import KEY, MP4, finished_job_api


def make() -> SyncVideoClient:
    config = ClientConfig(api_key=KEY, rps=1000, rpm=100000)
    return SyncVideoClient(config, transport=httpx.MockTransport(finished_job_api("sync-1")))


def test_sync_client_generates_and_downloads(tmp_path: Path) -> None:
    with make() as client:
        status, clip = client.generate("a kite", GenerationParams(duration=1), tmp_path)
        assert client.stats.downloads == 1
    assert status.status == "done" and clip is not None and clip.path.read_bytes() == MP4
    assert KEY not in repr(client)


def test_sync_client_saves_the_clip_of_a_status_in_hand(tmp_path: Path) -> None:
    with make() as client:
        status = client.get_status("sync-1")
        clip = client.save(status, tmp_path)
        assert client.stats.polls == 1
    assert clip is not None and clip.path == tmp_path / "sync-1.mp4"
    assert clip.path.read_bytes() == MP4


async def test_sync_client_works_inside_a_running_event_loop() -> None:
    # As in a notebook: a loop is already running in this thread.
    assert asyncio.get_running_loop() is not None
    with make() as client:
        assert client.get_status("sync-1").status == "done"


def test_sync_client_raises_the_same_errors() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "no"})

    config = ClientConfig(api_key=KEY, rps=1000, rpm=100000)
    with (
        SyncVideoClient(config, transport=httpx.MockTransport(refuse)) as client,
        pytest.raises(AuthError),
    ):
        client.submit_generation("x", GenerationParams())


def test_closed_sync_client_refuses_calls() -> None:
    client = make()
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.get_status("x")
