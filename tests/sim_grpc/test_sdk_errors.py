"""Refusals and job outcomes surface in the official SDK as its own error types.

What the SDK raises against the real service: ``grpc.RpcError`` with the status code for a
refused call (its README: UNAUTHENTICATED for a bad key, RESOURCE_EXHAUSTED for rate limits and
quota), ``VideoGenerationError`` for a failed job, ``ValueError`` from ``response.url`` for a
moderated one and ``RuntimeError`` for an expired one.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import grpc
import httpx
import pytest
from google.rpc import error_details_pb2, status_pb2
from xai_sdk import AsyncClient, Client
from xai_sdk.client import _DEFAULT_SERVICE_CONFIG_JSON
from xai_sdk.proto import video_pb2, video_pb2_grpc
from xai_sdk.video import VideoGenerationError

from promptkit.sim import SimServer
from tests.sim_grpc.conftest import KEY, MODEL, POLL, TIMEOUT, rest_headers, sim_config

# How many times the SDK's channel tries a call answered UNAVAILABLE (its retry policy).
SDK_ATTEMPTS = json.loads(_DEFAULT_SERVICE_CONFIG_JSON)["methodConfig"][0]["retryPolicy"][
    "maxAttempts"
]


def _generate(client: Client, prompt: str = "A kite flies over a beach") -> object:
    return client.video.generate(
        prompt=prompt, model=MODEL, duration=1, interval=POLL, timeout=TIMEOUT
    )


@pytest.fixture
def stub(sim: SimServer) -> Iterator[object]:
    """The SDK's generated stub on a bare channel: no key, no retries."""
    assert sim.grpc_target is not None
    with grpc.insecure_channel(sim.grpc_target) as channel:
        yield video_pb2_grpc.VideoStub(channel)


def test_a_wrong_key_is_unauthenticated_and_creates_no_job(sim: SimServer) -> None:
    bad = Client(api_key="wrong-key", api_host=sim.grpc_target, use_insecure_channel=True)
    with bad, pytest.raises(grpc.RpcError) as caught:
        _generate(bad)
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "Incorrect API key provided: wr***ey" in caught.value.details()
    assert sim.ledger_entries() == [] and sim.stats()["grpc_responses"] == {"UNAUTHENTICATED": 1}


def test_a_call_without_a_key_is_unauthenticated(stub: object) -> None:
    request = video_pb2.GenerateVideoRequest(prompt="a kite", model=MODEL, duration=1)
    with pytest.raises(grpc.RpcError) as caught:
        stub.GenerateVideo(request)  # type: ignore[attr-defined]
    assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "Missing API key" in caught.value.details()


def test_a_rate_limited_call_is_resource_exhausted_with_retry_info(
    sim: SimServer, client: Client
) -> None:
    sim.configure(rps=None, rpm=1.0)
    client.video.start(prompt="a kite", model=MODEL, duration=1)
    with pytest.raises(grpc.RpcError) as caught:
        client.video.start(prompt="a kite", model=MODEL, duration=1)
    error = caught.value
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "limited to 1 requests per minute" in error.details()
    details = dict(error.trailing_metadata())["grpc-status-details-bin"]
    status = status_pb2.Status.FromString(details)
    info = error_details_pb2.RetryInfo()
    assert status.code == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    assert status.details[0].Unpack(info) and info.retry_delay.seconds == 60
    assert sim.stats()["rate_limited"] == 1 and len(sim.ledger_entries()) == 1


def test_generate_is_refused_as_soon_as_its_first_poll_meets_the_limit(
    sim: SimServer, client: Client
) -> None:
    # The SDK polls right after submitting: a one-request burst stops it there (the job exists).
    sim.configure(rps=None, rpm=1.0)
    with pytest.raises(grpc.RpcError) as caught:
        _generate(client)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert [e["via"] for e in sim.ledger_entries()] == ["grpc"]


def test_exhausted_credits_are_resource_exhausted(sim: SimServer, client: Client) -> None:
    sim.configure(credits_exhausted=True)
    with pytest.raises(grpc.RpcError) as caught:
        _generate(client)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "used all available credits" in caught.value.details()
    assert sim.ledger_entries() == []


def test_a_failed_job_raises_the_sdks_video_generation_error(
    sim: SimServer, client: Client
) -> None:
    sim.configure(fail_rate=1.0)
    with pytest.raises(VideoGenerationError) as caught:
        _generate(client)
    assert caught.value.code == "internal_error"
    assert "simulated failure" in caught.value.message
    (entry,) = sim.ledger_entries()
    assert entry["status"] == "failed" and entry["cost_ticks"] == 0


def test_a_moderated_prompt_has_no_url_and_is_charged(sim: SimServer, client: Client) -> None:
    response = _generate(client, "A gore scene in an alley")
    assert response.respect_moderation is False  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="did not respect moderation rules"):
        response.url  # type: ignore[attr-defined]  # noqa: B018
    (entry,) = sim.ledger_entries()
    assert entry["status"] == "moderated" and entry["cost_ticks"] == 500_000_000


def test_an_expired_job_raises_the_sdks_runtime_error(sim: SimServer, client: Client) -> None:
    sim.configure(speed=0, retention_s=1e-6)
    with pytest.raises(RuntimeError, match="Deferred request expired"):
        _generate(client)
    assert sim.stats()["by_status"] == {"done": 1}  # it finished, then its retention ran out


@pytest.mark.parametrize(
    ("changes", "code", "words"),
    [
        ({"duration": 99}, grpc.StatusCode.INVALID_ARGUMENT, "duration must be between 1 and 15"),
        ({"resolution": "1080p"}, grpc.StatusCode.INVALID_ARGUMENT, "unknown variant `1080p`"),
        ({"model": "grok-nope"}, grpc.StatusCode.NOT_FOUND, "does not exist"),
        ({"image_file_id": "file_1"}, grpc.StatusCode.INVALID_ARGUMENT, "file_id is not supported"),
        ({"video_url": "https://example.com/a.mp4"}, grpc.StatusCode.INVALID_ARGUMENT, "404"),
        (
            {"reference_image_urls": ["https://example.com/r.png"] * 8},
            grpc.StatusCode.INVALID_ARGUMENT,
            "at most 7 images",
        ),
    ],
)
def test_bad_arguments_are_refused_with_the_rest_fronts_message(
    sim: SimServer, client: Client, changes: dict[str, object], code: grpc.StatusCode, words: str
) -> None:
    arguments: dict[str, object] = {"prompt": "a kite", "model": MODEL, "duration": 1, **changes}
    with pytest.raises(grpc.RpcError) as caught:
        client.video.start(**arguments)  # type: ignore[arg-type]
    assert caught.value.code() == code and words in caught.value.details()
    assert sim.ledger_entries() == []


def test_an_unknown_request_id_is_not_found(client: Client) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        client.video.get("no-such-request")
    assert caught.value.code() == grpc.StatusCode.NOT_FOUND


def test_injected_5xx_become_internal_or_unavailable_and_create_no_job(
    sim: SimServer, stub: object
) -> None:
    sim.configure(error_5xx_rate=1.0)
    codes = set()
    for _ in range(12):
        request = video_pb2.GenerateVideoRequest(prompt="a kite", model=MODEL, duration=1)
        with pytest.raises(grpc.RpcError) as caught:
            stub.GenerateVideo(request, metadata=[("authorization", f"Bearer {KEY}")])  # type: ignore[attr-defined]
        codes.add(caught.value.code())
    assert codes == {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNAVAILABLE}
    assert sim.ledger_entries() == [] and sim.stats()["errors_5xx_injected"] == 12


@pytest.mark.parametrize(("mode", "jobs"), [("before", 0), ("after", SDK_ATTEMPTS)])
def test_a_dropped_submit_is_unavailable_and_the_sdk_retries_it(
    sim: SimServer, client: Client, mode: str, jobs: int
) -> None:
    # Dropped after accepting, every attempt is a paid job: the SDK's own retry policy resubmits
    # (the hazard promptkit's REST client guards against).
    sim.configure(drop_rate=1.0, drop_mode=mode)
    with pytest.raises(grpc.RpcError) as caught:
        _generate(client)
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert sim.stats()[f"drops_{mode}_accept"] == SDK_ATTEMPTS
    assert len(sim.ledger_entries()) == jobs


def test_the_rest_and_grpc_fronts_share_one_rate_limiter(sim: SimServer, client: Client) -> None:
    sim.configure(rps=None, rpm=1.0)
    client.video.start(prompt="a kite", model=MODEL, duration=1)
    r = httpx.post(
        f"{sim.base_url}/v1/videos/generations",
        json={"prompt": "a kite", "duration": 1},
        headers=rest_headers(),
    )
    assert r.status_code == 429 and r.headers["Retry-After"] == "60"


def test_a_message_over_the_body_cap_is_resource_exhausted() -> None:
    with SimServer(sim_config(max_body_bytes=4096), grpc_port=0) as small:
        with grpc.insecure_channel(str(small.grpc_target)) as channel:
            request = video_pb2.GenerateVideoRequest(prompt="x" * 8192, model=MODEL, duration=1)
            with pytest.raises(grpc.RpcError) as caught:
                video_pb2_grpc.VideoStub(channel).GenerateVideo(
                    request, metadata=[("authorization", f"Bearer {KEY}")]
                )
        assert small.ledger_entries() == []
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_the_async_client_raises_aio_rpc_errors(sim: SimServer) -> None:
    async def run() -> grpc.StatusCode:
        client = AsyncClient(
            api_key="wrong-key", api_host=sim.grpc_target, use_insecure_channel=True
        )
        try:
            await client.video.generate(prompt="a kite", model=MODEL, duration=1, interval=POLL)
        except grpc.aio.AioRpcError as exc:
            return exc.code()
        raise AssertionError("no error")

    assert asyncio.run(run()) == grpc.StatusCode.UNAUTHENTICATED
