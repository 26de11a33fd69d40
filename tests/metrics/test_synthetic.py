"""Verdicts, freezes, camera labels and flags on synthetic clips with known motion."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from promptkit.metrics import Thresholds, score_clip

Clip = Callable[[str], Path]


def test_static_noise_clip_is_frozen_end_to_end(clip: Clip) -> None:
    score = score_clip(clip("static_noise"))
    assert score.verdict == "frozen"
    assert score.metrics["motion"] == 0.0
    assert score.freezes and score.freezes[0].start_s <= 0.3
    assert score.freezes[-1].end_s >= score.duration_s - 0.3


def test_static_flicker_is_flagged_and_not_ok(clip: Clip) -> None:
    score = score_clip(clip("static_flicker"))
    assert "flicker" in score.flags
    assert score.verdict in {"frozen", "low-motion"}
    assert score.metrics["motion"] < 0.015


def test_slow_zoom_is_not_frozen(clip: Clip) -> None:
    score = score_clip(clip("slow_zoom"))
    assert score.verdict not in {"frozen", "partial-freeze"}
    assert score.freezes == []
    # adjacent frames barely differ, but a second apart they clearly do
    assert score.metrics["diff_long"] > 3 * score.metrics["diff_median"]


@pytest.mark.parametrize(
    "name", ["pan_left", "pan_right", "tilt_up", "tilt_down", "zoom_in", "zoom_out", "roll"]
)
def test_camera_move_is_labelled(clip: Clip, name: str) -> None:
    score = score_clip(clip(name))
    assert score.camera.motion == name
    assert score.camera.confidence >= 0.5
    assert score.verdict == "ok"


def test_pan_speed_is_reported_in_short_sides_per_second(clip: Clip) -> None:
    # content moves 2 px/frame at 24 fps on a 180 px short side: 0.267 short sides per second
    score = score_clip(clip("pan_left"))
    assert score.metrics["motion"] == pytest.approx(48 / 180, rel=0.15)
    assert score.metrics["camera_motion"] == pytest.approx(48 / 180, rel=0.15)
    assert score.metrics["dynamic"] is True


def test_shake_is_labelled_shake_not_a_pan(clip: Clip) -> None:
    score = score_clip(clip("shake"))
    assert score.camera.motion == "shake"


def test_frame_holds_are_not_freezes(clip: Clip) -> None:
    score = score_clip(clip("holds"))
    assert score.verdict == "ok"
    assert score.freezes == []
    assert "duplicate-frames" in score.flags
    # 2/3 of the pairs repeat; x264 refines some repeats slightly, so not all are bit-identical
    assert 0.45 <= score.metrics["duplicate_ratio"] <= 0.7
    # motion is measured at the content rate: the same as the un-held pan of 2 px/frame
    assert score.metrics["motion"] == pytest.approx(48 / 180, rel=0.15)


def test_partial_freeze_is_found_within_a_third_of_a_second(clip: Clip) -> None:
    score = score_clip(clip("partial_freeze"))
    assert score.verdict == "partial-freeze"
    assert len(score.freezes) == 1
    assert score.freezes[0].start_s == pytest.approx(1.0, abs=0.3)
    assert score.freezes[0].end_s == pytest.approx(2.0, abs=0.3)


def test_black_frames_are_flagged(clip: Clip) -> None:
    score = score_clip(clip("black_middle"))
    assert "black-frames" in score.flags
    assert score.metrics["black_frames"] == pytest.approx(8, abs=2)
    assert score.metrics["fades"] == 0  # a hard switch to black is not a fade


def test_fade_to_black_is_counted_and_not_a_freeze(clip: Clip) -> None:
    score = score_clip(clip("fade_out"))
    assert score.metrics["fades"] == 1
    assert score.verdict == "ok"


def test_hard_cut_is_flagged_once(clip: Clip) -> None:
    score = score_clip(clip("cut"))
    assert "cuts" in score.flags
    assert score.metrics["cuts"] == 1
    assert score.camera.motion == "pan_left"  # the pair across the cut does not spoil the label


def test_continuous_pan_has_no_cut_flicker_or_black_flags(clip: Clip) -> None:
    assert score_clip(clip("pan_right")).flags == []


def test_steady_pan_over_fine_grain_is_motion_not_flicker(clip: Clip) -> None:
    # Differences saturate within 1/8 s on fine grain, so the lag test alone reads "no progress";
    # the flow sees a steady camera move that explains the motion.
    score = score_clip(clip("fine_pan"))
    assert score.metrics["progress_ratio"] < Thresholds().progress_ratio  # the trap is set
    assert score.camera.motion == "pan_right"
    assert "flicker" not in score.flags
    assert score.verdict == "ok"


def test_dynamic_needs_the_configured_share_of_moving_pairs(clip: Clip) -> None:
    # A third of this clip is frozen, so about two thirds of its flow pairs move.
    default = score_clip(clip("partial_freeze")).metrics
    strict = score_clip(clip("partial_freeze"), thresholds=Thresholds(dynamic_pair_fraction=0.9))
    assert 0.25 < default["dynamic_fraction"] < 0.9
    assert default["dynamic"] is True
    assert strict.metrics["dynamic"] is False
