"""Simulator speed: render throughput against a static-frame encode baseline, and 50 pollers.

Run with ``python benchmarks/bench_sim.py``. Prints:

- clip-seconds of 480p rendered per CPU-second for several prompt kinds (target: >= 10), and the
  ratio to encoding the same number of identical static frames with the same encoder settings
  (the floor: what x264 alone costs);
- the answer latency of 50 concurrent pollers over loopback while clips render in the pool
  (median, p95 and max), against the same statistics of one lone poller in the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import httpx
import numpy as np

from promptkit.sim import SimConfig, SimServer
from promptkit.sim.renderer import RenderJob, encode, render_clip

W, H, SECONDS = 848, 480, 8
PROMPTS = {
    "motionless": "A white ceramic coffee mug on a wooden table",
    "pan + subject + rain": "A red car drives to the left, the camera pans right, heavy rain",
    "zoom + snow": "The camera slowly zooms in on a cabin, snow falls",
    "handheld + waves": "Handheld shot of waves at golden hour",
}


def _cpu(fn: object) -> float:
    start = time.process_time()
    fn()  # type: ignore[operator]
    return time.process_time() - start


def render_rates() -> None:
    frames = SECONDS * 24
    static = np.full((H * 3 // 2, W), 128, np.uint8)
    static[:H] = np.random.default_rng(0).integers(40, 200, (H, W), dtype=np.uint8)
    baseline = min(_cpu(lambda: encode((static for _ in range(frames)), W, H)) for _ in range(3))
    print(f"baseline: encode {frames} static 480p frames: {SECONDS / baseline:7.1f} clip-s/CPU-s")
    for name, prompt in PROMPTS.items():
        job = RenderJob(
            kind="generation",
            prompt=prompt,
            width=W,
            height=H,
            frames=frames,
            seed=1,
            frozen_rate=0.0,
            drift_rate=0.0,
        )
        cpu = min(_cpu(lambda job=job: render_clip(job)) for _ in range(3))
        print(
            f"render {name:22s} {SECONDS / cpu:7.1f} clip-s/CPU-s "
            f"({cpu / baseline:4.2f}x the baseline's CPU)"
        )


async def _poll_latencies(
    client: httpx.AsyncClient, ids: list[str], n: int, rounds: int
) -> list[float]:
    async def poller(k: int) -> list[float]:
        out = []
        for _ in range(rounds):
            start = time.perf_counter()
            r = await client.get(f"/v1/videos/{ids[k % len(ids)]}")
            assert r.status_code in (200, 202), r.text
            out.append(time.perf_counter() - start)
            await asyncio.sleep(0.05)
        return out

    results = await asyncio.gather(*(poller(k) for k in range(n)))
    return [x for lat in results for x in lat]


async def pollers() -> None:
    config = SimConfig(speed=2.0, rps=None, rpm=None, render_workers=2)
    with SimServer(config) as sim:
        headers = {"Authorization": f"Bearer {sim.api_key}"}
        limits = httpx.Limits(max_connections=60, max_keepalive_connections=60)
        async with httpx.AsyncClient(
            base_url=sim.base_url, headers=headers, limits=limits, timeout=30
        ) as client:
            ids = []
            for n in range(6):
                r = await client.post(
                    "/v1/videos/generations",
                    json={
                        "prompt": f"rain over a harbour {n}, the camera pans left",
                        "duration": 8,
                    },
                )
                ids.append(r.json()["request_id"])
            lone = await _poll_latencies(client, ids, 1, 20)
            many = await _poll_latencies(client, ids, 50, 20)
    for label, lat in (("1 poller", lone), ("50 pollers", many)):
        q = statistics.quantiles(lat, n=20)
        print(
            f"{label:10s} while 6 clips render: median {statistics.median(lat) * 1000:6.1f} ms, "
            f"p95 {q[18] * 1000:6.1f} ms, max {max(lat) * 1000:6.1f} ms ({len(lat)} polls)"
        )
    # Like with like: the same statistic of each distribution.
    q_lone, q_many = statistics.quantiles(lone, n=20), statistics.quantiles(many, n=20)
    median = statistics.median(many) / statistics.median(lone)
    print(f"50 pollers / 1 poller: median {median:.1f}x, p95 {q_many[18] / q_lone[18]:.1f}x")


def main() -> None:
    render_rates()
    asyncio.run(pollers())


if __name__ == "__main__":
    main()
