"""The official SDK's own ``client.video.generate`` / ``extend`` end to end against the simulator.

Each test drives a real ``xai_sdk.Client`` over gRPC, then downloads the URL it returns over the
simulator's REST front and decodes it with OpenCV: the clip is a real MP4 whose motion is the
prompt's (checked against both the renderer's sidecar and promptkit's own scorer).
"""

from __future__ import annotations

import asyncio
import base64
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from xai_sdk import AsyncClient, Client

from promptkit.metrics import score_clip
from promptkit.sim import SimServer
from tests.sim_grpc.conftest import (
    KEY,
    MODEL,
    POLL,
    TIMEOUT,
    decoded_frames,
    download,
    sidecar,
)


@pytest.mark.parametrize(
    ("prompt", "camera"),
    [
        ("The camera pans left across a foggy harbour at dawn", "pan_left"),
        ("The camera pans right across a city skyline at night", "pan_right"),
    ],
)
def test_generate_returns_a_real_mp4_whose_motion_follows_the_prompt(
    client: Client, tmp_path: Path, prompt: str, camera: str
) -> None:
    response = client.video.generate(
        prompt=prompt, model=MODEL, duration=2, interval=POLL, timeout=TIMEOUT
    )
    assert response.duration == 2 and response.model == MODEL
    assert response.respect_moderation is True
    assert response.cost_usd == pytest.approx(0.10)  # $0.05/s at 480p
    path = download(response.url, tmp_path / "clip.mp4")
    frames = decoded_frames(path)
    assert len(frames) == 48 and frames[0].shape == (480, 848)
    assert np.abs(frames[-1].astype(int) - frames[0].astype(int)).mean() > 2.0
    truth = sidecar(response.url)
    assert truth["camera"] == camera and not truth["frozen"]
    assert score_clip(path).camera.motion == camera  # an independent reading of the pixels


def test_generate_passes_duration_resolution_and_aspect_ratio(
    sim: SimServer, client: Client, tmp_path: Path
) -> None:
    response = client.video.generate(
        prompt="A kite flies over a beach",
        model=MODEL,
        duration=1,
        resolution="720p",
        aspect_ratio="9:16",
        interval=POLL,
        timeout=TIMEOUT,
    )
    frames = decoded_frames(download(response.url, tmp_path / "clip.mp4"))
    assert len(frames) == 24 and frames[0].shape == (1280, 720)
    (entry,) = sim.ledger_entries()
    assert (entry["resolution"], entry["aspect_ratio"], entry["duration"]) == ("720p", "9:16", 1)
    assert response.cost_usd == pytest.approx(0.07)  # $0.07/s at 720p


def test_image_url_becomes_the_first_frame(client: Client, tmp_path: Path) -> None:
    image = np.zeros((480, 848, 3), np.uint8)
    image[:, :424] = (0, 0, 255)  # left half red, right half black
    ok, png = cv2.imencode(".png", image)
    assert ok
    uri = "data:image/png;base64," + base64.b64encode(png.tobytes()).decode()
    response = client.video.generate(
        prompt="The scene slowly comes to life",
        model=MODEL,
        duration=1,
        image_url=uri,
        interval=POLL,
        timeout=TIMEOUT,
    )
    assert sidecar(response.url)["image_first_frame"] is True
    capture = cv2.VideoCapture(str(download(response.url, tmp_path / "clip.mp4")))
    ok, first = capture.read()
    capture.release()
    assert ok
    assert first[:, :400, 2].mean() > 200 and first[:, 450:, 2].mean() < 60


def test_extend_continues_the_returned_clip(sim: SimServer, client: Client, tmp_path: Path) -> None:
    first = client.video.generate(
        prompt="The camera tilts up a tall waterfall",
        model=MODEL,
        duration=2,
        interval=POLL,
        timeout=TIMEOUT,
    )
    extended = client.video.extend(
        prompt="A bird flies across the sky",
        model=MODEL,
        video_url=first.url,
        duration=1,
        interval=POLL,
        timeout=TIMEOUT,
    )
    assert extended.duration == 3 and extended.url != first.url
    assert len(decoded_frames(download(extended.url, tmp_path / "ext.mp4"))) == 72
    assert extended.cost_usd == pytest.approx(0.05)  # only the added second is billed
    assert [e["endpoint"] for e in sim.ledger_entries()] == ["generations", "extensions"]


def test_generate_with_a_video_url_is_an_edit_that_keeps_the_length(
    sim: SimServer, client: Client
) -> None:
    source = client.video.generate(
        prompt="Waves roll onto a beach", model=MODEL, duration=2, interval=POLL, timeout=TIMEOUT
    )
    edited = client.video.generate(
        prompt="Add snow to the scene",
        model=MODEL,
        video_url=source.url,
        interval=POLL,
        timeout=TIMEOUT,
    )
    assert edited.duration == 2
    assert sidecar(edited.url)["source"] == "edit"
    assert [e["endpoint"] for e in sim.ledger_entries()] == ["generations", "edits"]


def test_async_client_generates_too(sim: SimServer) -> None:
    async def run() -> tuple[int, str]:
        client = AsyncClient(api_key=KEY, api_host=sim.grpc_target, use_insecure_channel=True)
        response = await client.video.generate(
            prompt="A red balloon drifts upward", model=MODEL, duration=1, interval=POLL
        )
        return response.duration, response.url

    duration, url = asyncio.run(run())
    assert duration == 1 and url.startswith(sim.base_url + "/clips/")


def test_a_job_started_through_the_sdk_is_counted_and_booked_exactly_once(
    sim: SimServer, client: Client
) -> None:
    response = client.video.generate(
        prompt="A kite flies over a beach", model=MODEL, duration=1, interval=POLL, timeout=TIMEOUT
    )
    stats = httpx.get(f"{sim.base_url}/sim/stats").json()
    assert stats["accepted"] == 1 and stats["by_via"] == {"grpc": 1}
    assert stats["by_endpoint"] == {"generations": 1} and stats["by_status"] == {"done": 1}
    assert stats["total_cost_ticks"] == 500_000_000
    assert stats["grpc_responses"]["OK"] == 1 + stats["polls"]
    (entry,) = sim.ledger_entries()
    assert entry["via"] == "grpc" and entry["status"] == "done"
    assert response.url.endswith(".mp4") and entry["sidecar"] == sidecar(response.url)


def test_storage_options_are_reported_unsupported_in_storage_error(client: Client) -> None:
    response = client.video.generate(
        prompt="A kite flies over a beach",
        model=MODEL,
        duration=1,
        storage_options={"filename": "kite.mp4"},
        interval=POLL,
        timeout=TIMEOUT,
    )
    assert response.storage_error is not None and "no Files API" in response.storage_error
    assert response.file_output is None and response.url.endswith(".mp4")


def test_reference_images_are_accepted(sim: SimServer, client: Client) -> None:
    response = client.video.generate(
        prompt="<IMAGE_1> walks through a forest",
        model=MODEL,
        duration=1,
        reference_image_urls=["https://example.com/a.png", "https://example.com/b.png"],
        interval=POLL,
        timeout=TIMEOUT,
    )
    assert response.duration == 1 and sim.stats()["by_status"] == {"done": 1}


def test_empty_202_answers_do_not_apply_to_grpc_polls(sim: SimServer, client: Client) -> None:
    sim.configure(empty_202_rate=1.0, speed=20)  # several pending polls before it is done
    response = client.video.generate(
        prompt="A kite flies over a beach", model=MODEL, duration=1, interval=POLL, timeout=TIMEOUT
    )
    stats = sim.stats()
    assert response.duration == 1 and stats["polls"] > 1 and stats["empty_202"] == 0


def test_concurrent_sdk_clients_get_one_job_each(sim: SimServer) -> None:
    def one(k: int) -> str:
        with Client(api_key=KEY, api_host=sim.grpc_target, use_insecure_channel=True) as sdk:
            return sdk.video.generate(
                prompt=f"A kite number {k} flies over a beach",
                model=MODEL,
                duration=1,
                interval=POLL,
                timeout=TIMEOUT,
            ).url

    with ThreadPoolExecutor(8) as pool:
        urls = list(pool.map(one, range(8)))
    entries = sim.ledger_entries()
    assert len(set(urls)) == 8 and len(entries) == 8
    assert {e["status"] for e in entries} == {"done"}
