"""Fixtures of the metrics tests: synthetic clips made once per session (never stored)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")  # before the first cv2 import

from . import synth  # noqa: E402

CLIPS: dict[str, Callable[[Path], Path]] = {
    "static_noise": synth.static_noise,
    "static_flicker": synth.static_flicker,
    "slow_zoom": lambda p: synth.zoom(p, 1.0, 1.05),
    "zoom_in": lambda p: synth.zoom(p, 1.0, 1.3),
    "zoom_out": lambda p: synth.zoom(p, 1.3, 1.0),
    "pan_left": lambda p: synth.pan(p, 2.0, 0.0),
    "pan_left_bt709": lambda p: synth.pan(p, 2.0, 0.0, bt709=True),
    "fine_pan": synth.fine_pan,
    "pan_right": lambda p: synth.pan(p, -2.0, 0.0),
    "tilt_up": lambda p: synth.pan(p, 0.0, 1.5),
    "tilt_down": lambda p: synth.pan(p, 0.0, -1.5),
    "roll": lambda p: synth.roll(p, 0.3),
    "shake": synth.shake,
    "holds": synth.holds,
    "partial_freeze": lambda p: synth.partial_freeze(p, 1.0, 2.0),
    "black_middle": synth.black_middle,
    "fade_out": synth.fade_out,
    "cut": synth.cut,
}


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """``clip("pan_left")`` -> path of that synthetic clip (encoded on first use)."""
    folder = tmp_path_factory.mktemp("synthetic")
    made: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in made:
            made[name] = CLIPS[name](folder / f"{name}.mp4")
        return made[name]

    return get


@pytest.fixture(scope="session")
def clips_dir(corpora: Path) -> Path:
    return corpora / "clips"
