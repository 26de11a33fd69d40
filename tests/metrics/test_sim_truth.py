"""Scores against the simulator's ground truth: the sidecar of the motion each clip was drawn with.

The renderer decides motion from the prompt (never from the scorer), so these tests compare two
independent readings of the same clip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from promptkit.metrics import Expected, score_clip

renderer = pytest.importorskip("promptkit.sim.renderer")

W, H, FPS = 320, 180, 24


def render(
    tmp_path: Path, prompt: str, seconds: int = 3, seed: int = 5
) -> tuple[Path, dict[str, Any]]:
    job = renderer.RenderJob(
        kind="generation", prompt=prompt, width=W, height=H, frames=seconds * FPS, seed=seed,
        frozen_rate=0.0, drift_rate=0.0,
    )  # fmt: skip
    clip = renderer.render_clip(job)
    path = tmp_path / "clip.mp4"
    path.write_bytes(clip.data)
    return path, clip.sidecar


@pytest.mark.parametrize(
    "prompt",
    [
        "The camera pans left across a pine forest at sunset",
        "The camera pans right across a city skyline at night",
        "The camera tilts up a tall waterfall",
        "The camera tilts down from the sky to a meadow",
        "The camera quickly zooms out from a red flower",
        "Handheld shaky camera in a busy market",
    ],
)
def test_camera_label_matches_the_sidecar(tmp_path: Path, prompt: str) -> None:
    path, truth = render(tmp_path, prompt)
    score = score_clip(path)
    assert score.camera.motion == truth["camera"]
    assert score.verdict == "ok"


def test_pan_speed_matches_the_rendered_shift(tmp_path: Path) -> None:
    path, truth = render(tmp_path, "The camera pans left across a pine forest at sunset")
    shift_x = truth["content_shift_px_per_frame"][0]
    expected = abs(shift_x) * truth["fps"] / H  # short sides per second
    assert score_clip(path).metrics["camera_motion"] == pytest.approx(expected, rel=0.2)


@pytest.mark.parametrize(
    "prompt", ["A still image of a mountain lake at dawn", "A quiet mountain lake at dawn"]
)
def test_clip_rendered_frozen_is_frozen(tmp_path: Path, prompt: str) -> None:
    path, truth = render(tmp_path, prompt, seconds=6)
    assert truth["frozen"] is True
    score = score_clip(path)
    assert score.verdict == "frozen"
    assert score.metrics["motion"] < 0.001


def test_subject_on_a_static_camera_is_not_frozen_and_not_a_camera_move(tmp_path: Path) -> None:
    path, truth = render(tmp_path, "A static camera; a man walks across a plaza")
    assert truth["camera"] == "static" and truth["subject_motion"] == "walk"
    score = score_clip(path)
    assert score.verdict in {"ok", "low-motion"} and score.freezes == []
    assert score.camera.motion == "static"


def test_sidecar_size_and_duration_conform(tmp_path: Path) -> None:
    path, truth = render(tmp_path, "The camera pans right across a city skyline at night")
    expected = Expected(duration=truth["duration_s"], width=W, height=H, fps=truth["fps"])
    score = score_clip(path, expected=expected)
    assert "nonconforming" not in score.flags
    assert score.frames == truth["frames"]
