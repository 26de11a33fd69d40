"""Request validation and error shapes: 400 invalid argument, 401 missing key, 422 bad body."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.sim.conftest import AUTH

INVALID = "Client specified an invalid argument"
DESERIALIZE = "Failed to deserialize the JSON body into the target type: "
PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
REF = {"url": "https://example.com/style.jpg"}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"prompt": "x", "duration": 0}, "between 1 and 15"),
        ({"prompt": "x", "duration": 16}, "between 1 and 15"),
        ({"prompt": "x", "duration": 10**30}, "between 1 and 15"),
        ({"prompt": "x", "reference_images": [REF] * 8}, "at most 7"),
        ({"prompt": "x", "reference_images": [REF], "duration": 11}, "at most 10"),
        ({"prompt": "x", "reference_images": [REF], "image": REF}, "cannot be combined"),
        ({"prompt": "x", "model": "grok-9"}, "does not exist"),
        ({"prompt": ""}, "must not be empty"),
        ({"prompt": "x", "image": {"url": "ftp://a/b.png"}}, "image.url"),
        ({"prompt": "x", "image": {"url": "data:image/png;base64,@@@"}}, "not valid base64"),
        ({"prompt": "x", "image": {"url": "data:image/png;base64,aGVsbG8="}}, "cannot be decoded"),
        ({"prompt": "x", "image": {"url": "data:text/plain;base64,aGVsbG8="}}, "unsupported image"),
        ({"prompt": "x", "image": {"file_id": "file_1"}}, "file_id"),
    ],
)
async def test_invalid_values_are_400_invalid_argument(
    make_sim, body: dict[str, Any], fragment: str
) -> None:
    sim = await make_sim()
    r = await sim.client.post("/v1/videos/generations", json=body, headers=AUTH)
    assert r.status_code == 400, r.text
    assert r.json()["code"] == INVALID and fragment in r.json()["error"]


@pytest.mark.parametrize(
    "content",
    [
        b"{",
        b"[]",
        b'"prompt"',
        b"{}",
        b'{"prompt": 5}',
        b'{"prompt": "x", "duration": "8"}',
        b'{"prompt": "x", "duration": 8.5}',
        b'{"prompt": "x", "duration": true}',
        b'{"prompt": "x", "resolution": "1080p"}',
        b'{"prompt": "x", "aspect_ratio": "21:9"}',
        b'{"prompt": "x", "image": "https://a/b.png"}',
        b'{"prompt": "x", "reference_images": {}}',
        b'{"prompt": "x", "user": 3}',
        b"\xff\xfe",
    ],
)
async def test_malformed_bodies_are_422_deserialize_errors(make_sim, content: bytes) -> None:
    sim = await make_sim()
    r = await sim.client.post("/v1/videos/generations", content=content, headers=AUTH)
    assert r.status_code == 422, r.text
    assert set(r.json()) == {"error"} and r.json()["error"].startswith(DESERIALIZE)


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("extensions", {"prompt": "x"}),
        ("edits", {"prompt": "x", "video": {}}),
        ("extensions", {"prompt": "x", "video": {"url": 1}}),
    ],
)
async def test_video_endpoints_need_a_video_url_object(
    make_sim, endpoint: str, body: dict[str, Any]
) -> None:
    sim = await make_sim()
    r = await sim.client.post(f"/v1/videos/{endpoint}", json=body, headers=AUTH)
    assert r.status_code == 422


async def test_extension_duration_over_ten_is_400(make_sim) -> None:
    sim = await make_sim()
    r = await sim.client.post(
        "/v1/videos/extensions",
        headers=AUTH,
        json={"prompt": "x", "duration": 11, "video": {"url": "data:video/mp4;base64,AAAA"}},
    )
    assert r.status_code == 400 and "between 1 and 10" in r.json()["error"]


async def test_undecodable_input_video_is_400(make_sim) -> None:
    sim = await make_sim()
    r = await sim.client.post(
        "/v1/videos/edits",
        headers=AUTH,
        json={
            "prompt": "x",
            "video": {"url": "data:video/mp4;base64," + base64.b64encode(b"junk" * 9).decode()},
        },
    )
    assert r.status_code == 400 and "cannot be decoded" in r.json()["error"]


async def test_missing_authorization_is_401(make_sim) -> None:
    sim = await make_sim()
    r = await sim.client.post("/v1/videos/generations", json={"prompt": "x"})
    assert r.status_code == 401 and set(r.json()) == {"code", "error"}


async def test_wrong_key_is_400_in_the_official_dialect_and_masks_the_key(make_sim) -> None:
    sim = await make_sim()
    r = await sim.client.post(
        "/v1/videos/generations",
        json={"prompt": "x"},
        headers={"Authorization": "Bearer banana-split-key"},
    )
    assert r.status_code == 400 and r.json()["code"] == INVALID
    assert "Incorrect API key provided: ba***ey" in r.json()["error"]
    assert "banana-split-key" not in r.text


async def test_any_key_is_accepted_when_none_is_configured(make_sim) -> None:
    sim = await make_sim(api_key=None)
    r = await sim.client.post(
        "/v1/videos/generations",
        json={"prompt": "x", "duration": 1},
        headers={"Authorization": "Bearer whatever"},
    )
    assert r.status_code == 200


async def test_png_data_uri_image_is_accepted_and_becomes_the_first_frame(make_sim) -> None:
    sim = await make_sim()
    uri = "data:image/png;base64," + base64.b64encode(PNG_1PX).decode()
    rid = await sim.submit({"prompt": "it comes alive", "duration": 1, "image": {"url": uri}})
    body = await sim.finish(rid)
    sidecar = (await sim.client.get(body["video"]["url"] + ".json")).json()
    assert sidecar["image_first_frame"] is True


async def test_model_alias_is_answered_with_the_canonical_model(make_sim) -> None:
    sim = await make_sim()
    rid = await sim.submit(
        {"prompt": "x", "duration": 1, "model": "grok-imagine-video-1.5-preview"}
    )
    assert (await sim.finish(rid))["model"] == "grok-imagine-video-1.5"


async def test_rejected_requests_create_no_job(make_sim) -> None:
    sim = await make_sim()
    await sim.client.post(
        "/v1/videos/generations", json={"prompt": "x", "duration": 99}, headers=AUTH
    )
    await sim.client.post("/v1/videos/generations", content=b"{", headers=AUTH)
    assert sim.state.ledger_entries() == []
    assert sim.state.stats()["responses"] == {"400": 1, "422": 1}


async def test_unparsable_video_url_is_400_not_a_server_error(make_sim) -> None:
    sim = await make_sim()
    r = await sim.client.post(
        "/v1/videos/edits", headers=AUTH, json={"prompt": "x", "video": {"url": "http://["}}
    )
    assert r.status_code == 400


async def test_oversized_input_image_is_refused_before_decoding(make_sim) -> None:
    import io

    import av
    import numpy as np

    out = io.BytesIO()
    with av.open(out, "w", format="image2pipe") as container:
        stream = container.add_stream("png")
        stream.width, stream.height, stream.pix_fmt = 4100, 16, "gray"
        frame = av.VideoFrame.from_ndarray(np.zeros((16, 4100), np.uint8), format="gray")
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    uri = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    sim = await make_sim()
    r = await sim.client.post(
        "/v1/videos/generations", headers=AUTH, json={"prompt": "x", "image": {"url": uri}}
    )
    assert r.status_code == 400 and "4100x16" in r.json()["error"]
