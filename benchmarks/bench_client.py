"""Client overhead: status polls and clip downloads through VideoClient vs bare httpx.

Both sides use the same in-memory ``httpx.MockTransport``, so the ratio is the cost of the
client's own work (rate limiter, retry wrapper, error mapping, tolerant parsing; for downloads:
temp file, sha256, checks, fsync and rename) over the plain HTTP round trip. Run:
``python benchmarks/bench_client.py``.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import httpx

from promptkit.client import ClientConfig, VideoClient

POLLS = 2000
CLIP = b"\x00\x00\x00\x18ftypisom" + b"\x00" * (8 * 1024 * 1024 - 12)
BODY = b'{"status":"pending","progress":42,"model":"grok-imagine-video"}'


def handler(request: httpx.Request) -> httpx.Response:
    if request.url.path.startswith("/clips/"):
        return httpx.Response(200, content=CLIP)
    return httpx.Response(202, content=BODY)


async def bare_polls() -> float:
    async with httpx.AsyncClient(
        base_url="https://api.x.ai", transport=httpx.MockTransport(handler)
    ) as http:
        start = time.perf_counter()
        for _ in range(POLLS):
            r = await http.get("/v1/videos/r1")
            r.json()
        return time.perf_counter() - start


async def client_polls() -> float:
    config = ClientConfig(api_key="k", rps=1e9, rpm=10**9)
    async with VideoClient(config, transport=httpx.MockTransport(handler)) as client:
        start = time.perf_counter()
        for _ in range(POLLS):
            await client.get_status("r1")
        return time.perf_counter() - start


async def bare_download(folder: Path) -> float:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        start = time.perf_counter()
        async with http.stream("GET", "https://cdn.example/clips/a.mp4") as r:
            with open(folder / "bare.mp4", "wb") as out:
                async for chunk in r.aiter_bytes(256 * 1024):
                    out.write(chunk)
        return time.perf_counter() - start


async def client_download(folder: Path) -> float:
    config = ClientConfig(api_key="k", rps=1e9, rpm=10**9)
    async with VideoClient(config, transport=httpx.MockTransport(handler)) as client:
        start = time.perf_counter()
        await client.download("https://cdn.example/clips/a.mp4", folder / "client.mp4")
        return time.perf_counter() - start


def main() -> None:
    bare = asyncio.run(bare_polls())
    ours = asyncio.run(client_polls())
    print(
        f"status poll: bare httpx {bare / POLLS * 1e6:.0f} us, client {ours / POLLS * 1e6:.0f} us,"
        f" ratio {ours / bare:.2f}x"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bare_d = min(asyncio.run(bare_download(folder)) for _ in range(3))
        ours_d = min(asyncio.run(client_download(folder)) for _ in range(3))
    mb = len(CLIP) / 1e6
    print(
        f"8 MB download: bare {mb / bare_d:.0f} MB/s, client (sha256+checks+fsync) "
        f"{mb / ours_d:.0f} MB/s, ratio {ours_d / bare_d:.2f}x"
    )


if __name__ == "__main__":
    main()
