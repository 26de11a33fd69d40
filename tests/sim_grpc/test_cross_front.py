"""One simulator, two fronts: jobs, clips and seeds are the same whichever front carried them."""

from __future__ import annotations

import time

import httpx
from xai_sdk import Client
from xai_sdk.proto import deferred_pb2

from promptkit.sim import SimServer
from tests.sim_grpc.conftest import KEY, MODEL, POLL, TIMEOUT, rest_headers, sim_config

BODY = {"prompt": "The camera pans left across a foggy harbour at dawn", "duration": 1}


def _rest_poll(sim: SimServer, request_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = httpx.get(f"{sim.base_url}/v1/videos/{request_id}", headers=rest_headers())
        if r.status_code == 200:
            body: dict[str, object] = r.json()
            return body
        assert r.status_code == 202
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def test_a_job_submitted_by_grpc_is_polled_by_rest(sim: SimServer, client: Client) -> None:
    started = client.video.start(prompt=BODY["prompt"], model=MODEL, duration=1)
    body = _rest_poll(sim, started.request_id)
    assert body["status"] == "done" and body["model"] == MODEL
    assert body["video"]["url"] == client.video.get(started.request_id).response.video.url  # type: ignore[index]


def test_a_job_submitted_by_rest_is_polled_by_the_sdk(sim: SimServer, client: Client) -> None:
    r = httpx.post(f"{sim.base_url}/v1/videos/generations", json=BODY, headers=rest_headers())
    request_id = r.json()["request_id"]
    rest = _rest_poll(sim, request_id)
    reply = client.video.get(request_id)
    assert reply.status == deferred_pb2.DeferredStatus.DONE
    assert reply.response.video.url == rest["video"]["url"]  # type: ignore[index]
    assert reply.response.usage.cost_in_usd_ticks == rest["usage"]["cost_in_usd_ticks"]  # type: ignore[index]
    assert reply.response.progress == 100 and reply.response.model == MODEL
    assert sim.stats()["by_via"] == {"rest": 1}


def test_the_same_request_renders_the_same_clip_on_either_front() -> None:
    # A gRPC request becomes exactly the REST body, so the seed and the clip bytes agree.
    with (
        SimServer(sim_config(), grpc_port=0) as by_rest,
        SimServer(sim_config(), grpc_port=0) as by_grpc,
    ):
        r = httpx.post(
            f"{by_rest.base_url}/v1/videos/generations",
            json={**BODY, "model": MODEL},
            headers=rest_headers(),
        )
        rest_url = str(_rest_poll(by_rest, r.json()["request_id"])["video"]["url"])  # type: ignore[index]
        with Client(api_key=KEY, api_host=by_grpc.grpc_target, use_insecure_channel=True) as sdk:
            response = sdk.video.generate(
                prompt=BODY["prompt"], model=MODEL, duration=1, interval=POLL, timeout=TIMEOUT
            )
        assert httpx.get(rest_url).content == httpx.get(response.url).content
        rest_entry, grpc_entry = by_rest.ledger_entries()[0], by_grpc.ledger_entries()[0]
        assert rest_entry["sidecar"]["seed"] == grpc_entry["sidecar"]["seed"]
        assert (rest_entry["via"], grpc_entry["via"]) == ("rest", "grpc")


def test_pending_jobs_read_pending_with_progress_over_grpc(client: Client, sim: SimServer) -> None:
    sim.configure(speed=0.001)  # hours of latency: it stays pending
    started = client.video.start(prompt="a kite", model=MODEL, duration=1)
    reply = client.video.get(started.request_id)
    assert reply.status == deferred_pb2.DeferredStatus.PENDING
    assert 0 <= reply.response.progress < 100


def test_a_running_rest_simulator_can_start_its_grpc_front_later() -> None:
    with SimServer(sim_config()) as sim:
        assert sim.grpc_target is None
        r = httpx.post(f"{sim.base_url}/v1/videos/generations", json=BODY, headers=rest_headers())
        target = sim.start_grpc()
        assert sim.grpc_target == target and sim.start_grpc() == target  # started once
        with Client(api_key=KEY, api_host=target, use_insecure_channel=True) as sdk:
            assert sdk.video.get(r.json()["request_id"]).status in (
                deferred_pb2.DeferredStatus.PENDING,
                deferred_pb2.DeferredStatus.DONE,
            )
    assert sim.grpc_target is None  # stopped with the simulator


def test_the_blog_dialect_changes_rest_only(client: Client, sim: SimServer) -> None:
    sim.configure(dialect="blog", speed=0.001)  # hours of latency: it stays pending
    started = client.video.start(prompt="a kite", model=MODEL, duration=1)
    rest = httpx.get(f"{sim.base_url}/v1/videos/{started.request_id}", headers=rest_headers())
    assert rest.json()["status"] == "processing"
    assert client.video.get(started.request_id).status == deferred_pb2.DeferredStatus.PENDING
