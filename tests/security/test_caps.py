"""Size caps: downloads, uploads as data URIs and images are refused past their limits.

A clip larger than ``client.max_download_bytes`` is refused (by its Content-Length, or while
streaming when the server does not say) and leaves no file behind; a local video or image
larger than the API accepts as a data URI is refused before anything is sent; the simulator
refuses oversized data URIs with a 400.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from promptkit.client import ClientConfig, VideoClient, video_source
from promptkit.errors import DownloadError, InvalidParamsError
from promptkit.models import MAX_IMAGE_BYTES, GenerationParams
from promptkit.sim import SimConfig, create_app
from promptkit.sim.wire import WireError, split_data_uri

CAP = 64 * 1024
HEAD = b"\x00\x00\x00\x18ftypisom"


def _client(handler: httpx.MockTransport) -> VideoClient:
    config = ClientConfig(base_url="https://api.example.com", api_key=None,
                          max_download_bytes=CAP, max_retries=0)  # fmt: skip
    return VideoClient(config, transport=handler)


async def _chunks(total: int) -> AsyncIterator[bytes]:
    yield HEAD
    sent = len(HEAD)
    while sent < total:
        piece = min(8192, total - sent)
        sent += piece
        yield b"\x00" * piece


@pytest.mark.parametrize("declared", [True, False])
async def test_download_over_the_cap_is_refused_and_leaves_no_file(
    declared: bool, tmp_path: Path
) -> None:
    size = CAP * 4

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-length": str(size)} if declared else {}
        return httpx.Response(200, headers=headers, content=_chunks(size))

    async with _client(httpx.MockTransport(handler)) as client:
        with pytest.raises(DownloadError, match=f"{CAP}-byte cap"):
            await client.download("https://cdn.example.com/big.mp4", tmp_path / "big.mp4")
    assert list(tmp_path.iterdir()) == []


def test_local_video_over_the_upload_cap_is_refused_before_sending(tmp_path: Path) -> None:
    path = tmp_path / "big.mp4"
    with path.open("wb") as fh:
        fh.truncate(CAP + 1)  # sparse: the size is what counts
    with pytest.raises(InvalidParamsError, match="at most 65536 bytes as a data URL"):
        video_source(path, CAP)


def test_local_image_over_10_mib_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    with path.open("wb") as fh:
        fh.truncate(MAX_IMAGE_BYTES + 1)
    with pytest.raises(InvalidParamsError, match="at most 10 MiB"):
        GenerationParams.build(image=str(path))


def test_simulator_refuses_a_data_uri_over_its_limit() -> None:
    payload = base64.b64encode(b"\x00" * 2000).decode()
    with pytest.raises(WireError) as caught:
        split_data_uri(f"data:video/mp4;base64,{payload}", "video.url", limit=1000)
    assert caught.value.status == 400


async def test_simulator_answers_an_oversized_image_with_400() -> None:
    app = create_app(SimConfig(speed=0, rps=None, rpm=None))
    image = base64.b64encode(b"\x89PNG" + b"\x00" * MAX_IMAGE_BYTES).decode()
    body = {"prompt": "a fox runs", "image": {"url": f"data:image/png;base64,{image}"}}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        answer = await client.post("/v1/videos/generations", json=body,
                                   headers={"Authorization": "Bearer k"})  # fmt: skip
    assert answer.status_code == 400 and "larger than 10 MiB" in answer.text
    assert app.state.ledger_entries() == []
