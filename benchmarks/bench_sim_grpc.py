"""The simulator's gRPC front: poll latency against the REST front, alone and under 50 pollers.

Run with ``python benchmarks/bench_sim_grpc.py`` (needs ``promptkit[grpc]``). On one simulator
with six 8-second clips rendering, it prints:

- the median answer time of one poller over REST (httpx, keep-alive) and over gRPC (the
  official SDK's generated stub on one channel), polling the same jobs: the gRPC front's cost
  against the REST front measured in the same run;
- the answer time of 50 concurrent gRPC pollers (threads sharing the channel, as SDK clients in
  one process do) while the clips render (median, p95 and max), against the lone gRPC poller.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable

import grpc
import httpx
from xai_sdk.proto import video_pb2, video_pb2_grpc

from promptkit.sim import SimConfig, SimServer

POLLERS, ROUNDS = 50, 20


def _timed(poll: Callable[[int], None], n: int, rounds: int) -> list[float]:
    """Answer times of ``n`` threads each polling ``rounds`` times, 50 ms apart."""
    out: list[float] = []
    lock = threading.Lock()

    def poller(k: int) -> None:
        mine = []
        for i in range(rounds):
            start = time.perf_counter()
            poll(k + i)
            mine.append(time.perf_counter() - start)
            time.sleep(0.05)
        with lock:
            out.extend(mine)

    threads = [threading.Thread(target=poller, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _line(label: str, lat: list[float]) -> str:
    q = statistics.quantiles(lat, n=20)
    return (
        f"{label:26s} median {statistics.median(lat) * 1000:6.2f} ms, p95 {q[18] * 1000:6.2f} ms, "
        f"max {max(lat) * 1000:6.2f} ms ({len(lat)} polls)"
    )


def main() -> None:
    config = SimConfig(speed=2.0, rps=None, rpm=None, render_workers=2)
    with SimServer(config, grpc_port=0) as sim:
        auth = f"Bearer {sim.api_key}"
        assert sim.grpc_target is not None
        with httpx.Client(base_url=sim.base_url, headers={"Authorization": auth}) as rest:
            ids = [
                rest.post(
                    "/v1/videos/generations",
                    json={
                        "prompt": f"rain over a harbour {n}, the camera pans left",
                        "duration": 8,
                    },
                ).json()["request_id"]
                for n in range(6)
            ]

            def rest_poll(k: int) -> None:
                assert rest.get(f"/v1/videos/{ids[k % len(ids)]}").status_code in (200, 202)

            with grpc.insecure_channel(sim.grpc_target) as channel:
                stub = video_pb2_grpc.VideoStub(channel)
                metadata = (("authorization", auth),)

                def grpc_poll(k: int) -> None:
                    request = video_pb2.GetDeferredVideoRequest(request_id=ids[k % len(ids)])
                    stub.GetDeferredVideo(request, metadata=metadata)

                grpc_poll(0)  # the channel connects on first use; not part of the timing
                rest_lone = _timed(rest_poll, 1, ROUNDS)
                grpc_lone = _timed(grpc_poll, 1, ROUNDS)
                grpc_many = _timed(grpc_poll, POLLERS, ROUNDS)
    print(_line("REST, 1 poller", rest_lone))
    print(_line("gRPC, 1 poller", grpc_lone))
    print(_line(f"gRPC, {POLLERS} pollers", grpc_many))
    rest_median, grpc_median = statistics.median(rest_lone), statistics.median(grpc_lone)
    print(f"gRPC / REST lone median: {grpc_median / rest_median:.2f}x")
    print(f"gRPC {POLLERS}-poller max / lone median: {max(grpc_many) / grpc_median:.1f}x")


if __name__ == "__main__":
    main()
