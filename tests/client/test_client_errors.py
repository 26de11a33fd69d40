"""Error mapping and retry decisions, one HTTP answer or transport failure at a time."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from promptkit.client import RetryPolicy, VideoClient
from promptkit.errors import (
    ApiValidationError,
    AuthError,
    CreditsExhausted,
    InvalidParamsError,
    RateLimited,
    ServerError,
    TransportError,
    UncertainSubmit,
)
from promptkit.models import GenerationParams

from .conftest import MP4, FakeClock

PARAMS = GenerationParams(duration=2)
OK_SUBMIT = {"request_id": "req-42"}


def scripted(
    *answers: object,
) -> tuple[Callable[[httpx.Request], httpx.Response], list[httpx.Request]]:
    """A handler returning (or raising) ``answers`` in order, recording every request."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers[min(len(seen), len(answers)) - 1]
        if isinstance(answer, type) and issubclass(answer, Exception):
            raise answer("boom", request=request)  # type: ignore[call-arg]
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, tuple):
            code, body, headers = (*answer, {})[:3]
            return httpx.Response(code, json=body, headers=headers)
        assert isinstance(answer, httpx.Response)
        return answer

    return handler, seen


async def submit(client: VideoClient) -> str:
    async with client:
        return await client.submit_generation("a red kite", PARAMS)


async def test_400_about_the_api_key_is_an_auth_error_and_not_retried(make_client) -> None:
    body = {
        "code": "Client specified an invalid argument",
        "error": "Incorrect API key provided: ba***na. You can obtain an API key from https://console.x.ai.",
    }
    handler, seen = scripted((400, body))
    with pytest.raises(
        AuthError, match=r"HTTP 400.*Incorrect API key provided: ba\*\*\*na"
    ) as info:
        await submit(make_client(handler))
    assert len(seen) == 1 and info.value.status_code == 400


async def test_400_validation_keeps_the_servers_message(make_client) -> None:
    body = {"code": "Client specified an invalid argument", "error": "duration must be <= 15"}
    handler, seen = scripted((400, body))
    with pytest.raises(ApiValidationError, match="duration must be <= 15"):
        await submit(make_client(handler))
    assert len(seen) == 1


async def test_401_is_an_auth_error(make_client) -> None:
    handler, _ = scripted((401, {"error": "Unauthorized"}))
    with pytest.raises(AuthError, match="HTTP 401"):
        await submit(make_client(handler))


async def test_422_keeps_the_deserialisation_message(make_client) -> None:
    handler, seen = scripted(
        (422, {"error": "Failed to deserialize the JSON body: missing field `prompt`"})
    )
    with pytest.raises(ApiValidationError, match="missing field `prompt`"):
        await submit(make_client(handler))
    assert len(seen) == 1


async def test_429_with_retry_after_waits_that_long_then_succeeds(
    make_client, clock: FakeClock
) -> None:
    handler, seen = scripted((429, {"error": "slow down"}, {"Retry-After": "3"}), (200, OK_SUBMIT))
    client = make_client(handler)
    assert await submit(client) == "req-42"
    assert len(seen) == 2 and 3.0 in clock.sleeps
    assert (client.stats.rate_limited, client.stats.retries) == (1, 1)


async def test_429_with_retry_after_ms_waits_that_long(make_client, clock: FakeClock) -> None:
    handler, _ = scripted((429, {}, {"retry-after-ms": "1500"}), (200, OK_SUBMIT))
    assert await submit(make_client(handler)) == "req-42"
    assert 1.5 in clock.sleeps


async def test_429_without_retry_after_backs_off_with_jitter(make_client, clock: FakeClock) -> None:
    handler, _ = scripted((429, {}), (429, {}), (200, OK_SUBMIT))
    assert await submit(make_client(handler, backoff_base=0.5)) == "req-42"
    retry_sleeps = [s for s in clock.sleeps if s >= 0.3]
    assert 0.375 <= retry_sleeps[0] <= 0.5 and 0.75 <= retry_sleeps[1] <= 1.0


async def test_429_slows_the_shared_limiter_down(make_client) -> None:
    handler, _ = scripted((429, {}), (200, OK_SUBMIT))
    client = make_client(handler)
    await submit(client)
    assert client.limiter.factor == 0.5


async def test_429_for_exhausted_credits_stops_without_retrying(make_client) -> None:
    msg = (
        "Your team 0f3c has either used all available credits or reached its monthly spending "
        "limit. To continue making API requests, please purchase more credits."
    )
    handler, seen = scripted((429, {"code": "Some resource has been exhausted", "error": msg}))
    client = make_client(handler)
    with pytest.raises(CreditsExhausted, match="used all available credits"):
        await submit(client)
    assert len(seen) == 1 and client.stats.retries == 0


async def test_429_forever_gives_up_after_max_retries(make_client) -> None:
    handler, seen = scripted((429, {}, {"Retry-After": "1"}))
    with pytest.raises(RateLimited) as info:
        await submit(make_client(handler, max_retries=3))
    assert len(seen) == 4 and info.value.retry_after == 1.0


async def test_retry_after_longer_than_the_cap_is_not_waited_out(make_client, clock) -> None:
    handler, seen = scripted((429, {}, {"Retry-After": "3600"}))
    with pytest.raises(RateLimited, match="retry after 3600 s"):
        await submit(make_client(handler))
    assert len(seen) == 1 and max(clock.sleeps, default=0) < 3600


@pytest.mark.parametrize("code", [500, 503])
async def test_5xx_on_submit_is_retried_then_succeeds(make_client, code: int) -> None:
    handler, seen = scripted((code, {"error": "overloaded"}), (200, OK_SUBMIT))
    assert await submit(make_client(handler)) == "req-42"
    assert len(seen) == 2


@pytest.mark.parametrize("code", [502, 504])
async def test_gateway_error_on_submit_is_uncertain_and_not_resent(make_client, code: int) -> None:
    handler, seen = scripted((code, {}), (200, OK_SUBMIT))
    client = make_client(handler)
    with pytest.raises(UncertainSubmit, match="not re-sent"):
        await submit(client)
    assert len(seen) == 1 and client.stats.uncertain == 1


async def test_5xx_on_status_exhausts_retries_and_keeps_the_request_id(make_client) -> None:
    handler, seen = scripted((500, {}))
    client = make_client(handler, max_retries=2)
    with pytest.raises(ServerError) as info:
        async with client:
            await client.get_status("req-7")
    assert len(seen) == 3 and info.value.request_id == "req-7"


@pytest.mark.parametrize("exc", [httpx.ConnectError, httpx.ConnectTimeout, httpx.WriteError])
async def test_failure_before_sending_a_submit_is_retried(
    make_client, exc: type[Exception]
) -> None:
    handler, seen = scripted(exc, (200, OK_SUBMIT))
    assert await submit(make_client(handler)) == "req-42"
    assert len(seen) == 2


@pytest.mark.parametrize("exc", [httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError])
async def test_lost_answer_to_a_submit_is_uncertain_and_sent_exactly_once(
    make_client, exc: type[Exception]
) -> None:
    handler, seen = scripted(exc, (200, OK_SUBMIT))
    client = make_client(handler)
    with pytest.raises(UncertainSubmit, match="may have been accepted") as info:
        async with client:
            await client.submit_generation("a red kite", PARAMS, user="job-key-1")
    assert len(seen) == 1
    assert client.stats.uncertain == 1 and info.value.request_id is None


async def test_read_timeout_on_status_is_retried(make_client) -> None:
    handler, seen = scripted(httpx.ReadTimeout, (200, {"status": "expired"}))
    client = make_client(handler)
    async with client:
        status = await client.get_status("req-1")
    assert status.status == "expired" and len(seen) == 2


async def test_connect_errors_forever_end_as_a_transport_error(make_client) -> None:
    handler, seen = scripted(httpx.ConnectError)
    with pytest.raises(TransportError, match="cannot connect to api.x.ai"):
        await submit(make_client(handler, max_retries=2))
    assert len(seen) == 3


async def test_unknown_request_id_is_not_retried(make_client) -> None:
    handler, seen = scripted((404, {"error": "not found"}))
    client = make_client(handler)
    with pytest.raises(ApiValidationError, match="no job with request id nope"):
        async with client:
            await client.get_status("nope")
    assert len(seen) == 1


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=8.0, rand=lambda: 0.0)
    assert [policy.backoff(n) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    jittered = RetryPolicy(backoff_base=0.5, backoff_max=8.0, rand=lambda: 1.0)
    assert jittered.backoff(0) == 0.375


async def test_generation_body_carries_prompt_params_and_user(make_client) -> None:
    handler, seen = scripted((200, OK_SUBMIT))
    client = make_client(handler)
    params = GenerationParams(duration=3, resolution="720p", reference_images=("https://i/x.png",))
    async with client:
        await client.submit_generation("a kite <IMAGE_1>", params, user="run1:v2:r0")
    body = json.loads(seen[0].content)
    assert seen[0].url.path == "/v1/videos/generations"
    assert body == {
        "prompt": "a kite <IMAGE_1>",
        "model": "grok-imagine-video",
        "duration": 3,
        "resolution": "720p",
        "aspect_ratio": "16:9",
        "reference_images": [{"url": "https://i/x.png"}],
        "user": "run1:v2:r0",
    }


async def test_extension_sends_video_url_and_duration(make_client) -> None:
    handler, seen = scripted((200, OK_SUBMIT))
    client = make_client(handler)
    async with client:
        await client.submit_extension("keep flying", "https://cdn/x.mp4", 4)
    body = json.loads(seen[0].content)
    assert seen[0].url.path == "/v1/videos/extensions"
    assert body["video"] == {"url": "https://cdn/x.mp4"} and body["duration"] == 4


async def test_extension_duration_out_of_range_is_refused_before_sending(make_client) -> None:
    handler, seen = scripted((200, OK_SUBMIT))
    with pytest.raises(InvalidParamsError, match="between 1 and 10"):
        async with make_client(handler) as client:
            await client.submit_extension("x", "https://cdn/x.mp4", 11)
    assert seen == []


async def test_edit_of_a_local_file_sends_a_data_url(make_client, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(MP4)
    handler, seen = scripted((200, OK_SUBMIT))
    async with make_client(handler) as client:
        await client.submit_edit("add snow", clip)
    body = json.loads(seen[0].content)
    assert seen[0].url.path == "/v1/videos/edits"
    assert body["video"]["url"].startswith("data:video/mp4;base64,AAAAGGZ0eXBpc29t")


async def test_local_video_over_the_upload_cap_is_refused(make_client, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(MP4)
    handler, seen = scripted((200, OK_SUBMIT))
    with pytest.raises(InvalidParamsError, match="at most 100 bytes"):
        async with make_client(handler, max_upload_bytes=100) as client:
            await client.submit_edit("add snow", clip)
    assert seen == []


async def test_empty_prompt_is_refused_before_sending(make_client) -> None:
    handler, seen = scripted((200, OK_SUBMIT))
    with pytest.raises(InvalidParamsError, match="prompt"):
        await make_client(handler).submit_generation("  ", PARAMS)
    assert seen == []


async def test_retry_after_zero_backs_off_instead_of_hammering(make_client, clock) -> None:
    handler, _ = scripted((429, {}, {"Retry-After": "0"}), (200, OK_SUBMIT))
    assert await submit(make_client(handler, backoff_base=0.5)) == "req-42"
    assert any(0.375 <= s <= 0.5 for s in clock.sleeps)
