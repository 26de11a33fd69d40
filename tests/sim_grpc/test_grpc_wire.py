"""Protobuf <-> REST JSON translation of the gRPC front (unit tests, no server)."""

from __future__ import annotations

from xai_sdk.proto import deferred_pb2, image_pb2, video_pb2

from promptkit.sim.grpc_wire import deferred_response, extend_body, generate_body


def test_enums_and_images_become_the_rest_body() -> None:
    request = video_pb2.GenerateVideoRequest(
        prompt="a kite",
        model="grok-imagine-video",
        duration=3,
        aspect_ratio=video_pb2.VIDEO_ASPECT_RATIO_9_16,
        resolution=video_pb2.VIDEO_RESOLUTION_720P,
        image=image_pb2.ImageUrlContent(
            image_url="data:image/png;base64,AA==", detail=image_pb2.ImageDetail.DETAIL_AUTO
        ),
        reference_images=[image_pb2.ImageUrlContent(file_id="file_1")],
    )
    endpoint, body = generate_body(request)
    assert endpoint == "generations"
    assert body == {
        "prompt": "a kite",
        "model": "grok-imagine-video",
        "duration": 3,
        "aspect_ratio": "9:16",
        "resolution": "720p",
        "image": {"url": "data:image/png;base64,AA=="},
        "reference_images": [{"file_id": "file_1"}],
    }


def test_unset_and_unspecified_fields_are_left_to_the_rest_defaults() -> None:
    request = video_pb2.GenerateVideoRequest(aspect_ratio=video_pb2.VIDEO_ASPECT_RATIO_UNSPECIFIED)
    assert generate_body(request) == ("generations", {"prompt": ""})


def test_a_set_zero_duration_is_kept_so_rest_refuses_it() -> None:
    assert generate_body(video_pb2.GenerateVideoRequest(prompt="x", duration=0))[1] == {
        "prompt": "x",
        "duration": 0,
    }


def test_generate_with_a_video_is_an_edit_and_unmodelled_fields_pass_through() -> None:
    request = video_pb2.GenerateVideoRequest(
        prompt="add snow",
        video=video_pb2.VideoUrlContent(url="http://sim/clips/a.mp4"),
        generate_audio=False,
        last_frame=image_pb2.ImageUrlContent(image_url="https://x/last.png"),
        storage_options=image_pb2.StorageOptions(filename="out.mp4"),
    )
    endpoint, body = generate_body(request)
    assert endpoint == "edits"
    assert body["video"] == {"url": "http://sim/clips/a.mp4"}
    assert body["last_frame"] == {"url": "https://x/last.png"}
    assert body["generate_audio"] is False and body["storage_options"] == {"filename": "out.mp4"}


def test_extend_body() -> None:
    request = video_pb2.ExtendVideoRequest(
        prompt="more", video=video_pb2.VideoUrlContent(url="u"), duration=2
    )
    assert extend_body(request) == {"prompt": "more", "video": {"url": "u"}, "duration": 2}


def test_rest_answers_become_deferred_replies() -> None:
    done = deferred_response(
        {
            "status": "done",
            "video": {"url": "http://sim/clips/a.mp4", "duration": 2, "respect_moderation": True},
            "model": "grok-imagine-video",
            "usage": {"cost_in_usd_ticks": 1_000_000_000},
            "progress": 100,
        }
    )
    assert done.status == deferred_pb2.DeferredStatus.DONE
    assert done.response.video.url.endswith("a.mp4") and done.response.video.duration == 2
    assert done.response.usage.HasField("cost_in_usd_ticks")
    assert done.response.usage.cost_in_usd_ticks == 1_000_000_000
    failed = deferred_response(
        {
            "status": "failed",
            "video": {"duration": 0, "respect_moderation": True},
            "model": "",
            "error": {"code": "internal_error", "message": "boom"},
            "progress": 0,
        }
    )
    assert failed.status == deferred_pb2.DeferredStatus.FAILED
    assert (failed.response.error.code, failed.response.error.message) == ("internal_error", "boom")
    pending = deferred_response({"status": "pending", "progress": 40})
    assert pending.status == deferred_pb2.DeferredStatus.PENDING
    assert pending.response.progress == 40
    expired = deferred_response({"status": "expired"})
    assert expired.status == deferred_pb2.DeferredStatus.EXPIRED
    assert not expired.HasField("response")
