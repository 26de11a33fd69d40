"""Clip downloads: verified, capped, retried, atomic; 404 means expired."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from promptkit.errors import DownloadError, Expired

from .conftest import MP4

URL = "https://vidgen.x.ai/bucket/xai-video-abc.mp4?sig=s3cr3t"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def answers(*responses: httpx.Response) -> tuple[object, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    it: Iterator[httpx.Response] = iter(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        try:
            return next(it)
        except StopIteration:
            return responses[-1]

    return handler, seen


def ok() -> httpx.Response:
    return httpx.Response(200, content=MP4, headers={"Content-Type": "video/mp4"})


async def test_download_verifies_hashes_and_renames_into_place(make_client, tmp_path: Path) -> None:
    handler, _ = answers(ok())
    async with make_client(handler) as client:
        got = await client.download(URL, tmp_path / "clip.mp4")
    assert got.path == tmp_path / "clip.mp4" and got.path.read_bytes() == MP4
    assert got.sha256 == hashlib.sha256(MP4).hexdigest() and got.size == len(MP4)
    assert leftovers(tmp_path) == ["clip.mp4"]
    assert client.stats.downloads == 1 and client.stats.bytes_downloaded == len(MP4)


async def test_download_into_a_folder_names_the_file_after_the_url(make_client, tmp_path) -> None:
    handler, _ = answers(ok())
    async with make_client(handler) as client:
        got = await client.download(URL, tmp_path)
    assert got.path == tmp_path / "xai-video-abc.mp4"


async def test_truncated_body_is_retried_and_then_succeeds(make_client, tmp_path) -> None:
    short = httpx.Response(200, content=MP4[:50], headers={"Content-Length": str(len(MP4))})
    handler, seen = answers(short, ok())
    async with make_client(handler) as client:
        got = await client.download(URL, tmp_path / "c.mp4")
    assert len(seen) == 2 and got.size == len(MP4) and client.stats.retries == 1
    assert leftovers(tmp_path) == ["c.mp4"]


async def test_always_truncated_fails_and_leaves_no_partial_file(make_client, tmp_path) -> None:
    short = httpx.Response(200, content=MP4[:50], headers={"Content-Length": str(len(MP4))})
    handler, seen = answers(short)
    with pytest.raises(DownloadError, match=f"truncated download \\(50 of {len(MP4)} bytes\\)"):
        async with make_client(handler, max_retries=2) as client:
            await client.download(URL, tmp_path / "c.mp4")
    assert len(seen) == 3 and leftovers(tmp_path) == []


async def test_not_an_mp4_is_refused_without_retrying(make_client, tmp_path) -> None:
    handler, seen = answers(httpx.Response(200, content=b"<html>not a video</html>" * 10))
    with pytest.raises(DownloadError, match="not an MP4 file"):
        async with make_client(handler) as client:
            await client.download(URL, tmp_path / "c.mp4")
    assert len(seen) == 1 and leftovers(tmp_path) == []


async def test_declared_size_over_the_cap_is_refused(make_client, tmp_path) -> None:
    handler, _ = answers(ok())
    with pytest.raises(DownloadError, match="over the 100-byte cap"):
        async with make_client(handler, max_download_bytes=100) as client:
            await client.download(URL, tmp_path / "c.mp4")
    assert leftovers(tmp_path) == []


async def test_streamed_size_over_the_cap_is_refused(make_client, tmp_path) -> None:
    async def body():
        yield MP4
        yield b"\x00" * 1000

    handler, _ = answers(httpx.Response(200, content=body()))
    with pytest.raises(DownloadError, match="exceeds the 500-byte cap"):
        async with make_client(handler, max_download_bytes=500) as client:
            await client.download(URL, tmp_path / "c.mp4")
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("code", [404, 410])
async def test_gone_url_means_expired(make_client, tmp_path, code: int) -> None:
    handler, seen = answers(httpx.Response(code))
    with pytest.raises(Expired, match="clip URL expired") as info:
        async with make_client(handler) as client:
            await client.download(URL, tmp_path / "c.mp4", request_id="req-5")
    assert len(seen) == 1 and info.value.request_id == "req-5"
    assert "s3cr3t" not in str(info.value)


async def test_server_error_is_retried(make_client, tmp_path) -> None:
    handler, seen = answers(httpx.Response(503), ok())
    async with make_client(handler) as client:
        await client.download(URL, tmp_path / "c.mp4")
    assert len(seen) == 2


async def test_connection_dropped_mid_body_is_retried(make_client, tmp_path) -> None:
    async def broken():
        yield MP4[:40]
        raise httpx.ReadError("connection reset")

    handler, seen = answers(httpx.Response(200, content=broken()), ok())
    async with make_client(handler) as client:
        got = await client.download(URL, tmp_path / "c.mp4")
    assert len(seen) == 2 and got.size == len(MP4) and leftovers(tmp_path) == ["c.mp4"]


async def test_failed_download_keeps_an_existing_file_untouched(make_client, tmp_path) -> None:
    dest = tmp_path / "c.mp4"
    dest.write_bytes(b"old clip")
    handler, _ = answers(httpx.Response(200, content=b"garbage!" * 4))
    with pytest.raises(DownloadError):
        async with make_client(handler) as client:
            await client.download(URL, dest)
    assert dest.read_bytes() == b"old clip" and leftovers(tmp_path) == ["c.mp4"]


async def test_generate_submits_waits_and_downloads(make_client, tmp_path) -> None:
    from promptkit.models import GenerationParams

    from .conftest import finished_job_api

    async with make_client(finished_job_api("req-77", url=URL)) as client:
        status, clip = await client.generate("a kite", GenerationParams(duration=1), tmp_path)
    assert status.status == "done" and clip is not None
    assert clip.path == tmp_path / "req-77.mp4" and clip.path.read_bytes() == MP4
