"""Conformance of a clip with what was requested: duration, frame size, aspect ratio, frame rate.

``Expected`` holds only what the request pinned down; ``None`` fields are not checked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from promptkit.metrics.thresholds import Thresholds
from promptkit.models import FPS

if TYPE_CHECKING:
    from promptkit.models import GenerationParams

DEFAULT_FPS = float(FPS)  # what grok-imagine-video (and the simulator) deliver


class Expected(BaseModel):
    """What the clip should be; ``None`` means "not requested, do not check"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    duration: float | None = Field(default=None, description="Seconds.")
    width: int | None = Field(default=None, description="Pixels.")
    height: int | None = Field(default=None, description="Pixels.")
    fps: float | None = Field(default=None, description="Frames per second.")

    @classmethod
    def from_params(cls, params: GenerationParams) -> Expected:
        """What a generation with ``params`` should deliver (24 fps, size from the resolution)."""
        width, height = params.size
        return cls(duration=float(params.duration), width=width, height=height, fps=DEFAULT_FPS)


def check(
    expected: Expected | None,
    *,
    duration_s: float,
    width: int,
    height: int,
    fps: float,
    th: Thresholds,
) -> list[str]:
    """Human-readable mismatches (empty when the clip conforms)."""
    if expected is None:
        return []
    problems: list[str] = []
    if (
        expected.duration is not None
        and abs(duration_s - expected.duration) > th.duration_tolerance_s
    ):
        problems.append(f"duration {duration_s:.2f} s, requested {expected.duration:g} s")
    if expected.width is not None and expected.height is not None:
        want = expected.width / expected.height
        got = width / height if height else 0.0
        if abs(got - want) > th.aspect_tolerance * want:
            problems.append(
                f"aspect ratio {width}x{height} ({got:.3f}), requested "
                f"{expected.width}x{expected.height} ({want:.3f})"
            )
        elif (width, height) != (expected.width, expected.height):
            problems.append(f"size {width}x{height}, requested {expected.width}x{expected.height}")
    elif expected.width is not None and width != expected.width:
        problems.append(f"width {width}, requested {expected.width}")
    elif expected.height is not None and height != expected.height:
        problems.append(f"height {height}, requested {expected.height}")
    if expected.fps is not None and abs(fps - expected.fps) > th.fps_tolerance:
        problems.append(f"{fps:.3g} fps, requested {expected.fps:g}")
    return problems
