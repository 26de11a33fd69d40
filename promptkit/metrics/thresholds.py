"""Thresholds of the motion metrics and verdicts, loadable from ``[tool.promptkit.metrics]``.

Every number the verdict depends on lives here, with its unit, so a project can tune them in its
pyproject.toml (or ``PROMPTKIT_METRICS__LOW_MOTION=0.02``) and ``rescore`` can re-judge old clips.
Grey levels are on a 0–255 scale, measured on the ~96 px analysis frames; motion is in short
sides per second, so clips of any size and frame rate compare.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from promptkit.errors import ConfigError


class Thresholds(BaseModel):
    """The tunable limits of the scorer (defaults calibrated on the shared clip corpus)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- freezes -------------------------------------------------------------------------------
    noise_multiplier: float = Field(
        default=10.0,
        gt=0,
        description="Local-change threshold = this × the clip's noise floor at that span.",
    )
    still_floor: float = Field(
        default=5.0,
        ge=0,
        description="Lowest local-change threshold, grey levels (busiest block of a pair).",
    )
    still_ceiling: float = Field(
        default=12.0,
        gt=0,
        description="Highest local-change threshold, grey levels (caps noisy or busy clips).",
    )
    local_ratio: float = Field(
        default=3.0,
        gt=1,
        description="A local change is this many times the pair's typical block (noise, grain "
        "and requantisation change every block alike).",
    )
    uniform_change: float = Field(
        default=0.25,
        gt=0,
        description="A whole-picture change (typical block) of this share of the frame's "
        "contrast (standard deviation) is a new picture, not codec noise.",
    )
    still_shift: float = Field(
        default=0.0016,
        gt=0,
        description="Global motion (shift, or zoom/roll at the edge) between two frames that "
        "counts as moving, short sides (0.15 px of the analysis frame).",
    )
    # No longer read: each span now has its own measured noise floor. Accepted so that settings
    # written for earlier versions still load.
    short_lag_factor: float = Field(default=1.5, ge=1, description="Unused (older settings).")
    long_lag_factor: float = Field(default=2.5, ge=1, description="Unused (older settings).")
    fade_rate: float = Field(
        default=6.0,
        gt=0,
        description="Brightness change, grey levels per second, that counts as a fade.",
    )
    freeze_min_s: float = Field(
        default=0.8, gt=0, description="Shortest still run reported as a freeze."
    )
    frozen_fraction: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="Frozen when freezes cover at least this share of the clip.",
    )
    # --- motion --------------------------------------------------------------------------------
    low_motion: float = Field(
        default=0.015, ge=0, description="Low motion below this mean flow, short sides per second."
    )
    dynamic_threshold: float = Field(
        default=0.1875,
        ge=0,
        description="VBench dynamic_degree pair threshold (6/256 of the short side per 1/8 s).",
    )
    dynamic_pair_fraction: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="Dynamic when at least this share of pairs is above it.",
    )
    # --- flags ---------------------------------------------------------------------------------
    duplicate_eps: float = Field(
        default=0.1,
        ge=0,
        description="Adjacent frames closer than this (grey levels) are duplicates.",
    )
    duplicate_ratio: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Flag duplicate-frames above this share of pairs (outside freezes).",
    )
    flicker_luma: float = Field(
        default=1.5,
        gt=0,
        description="Median |brightness − its 1/4 s moving average|, grey levels.",
    )
    flicker_texture: float = Field(
        default=4.0,
        gt=0,
        description="Content-rate change (grey levels) that must also not accumulate.",
    )
    progress_ratio: float = Field(
        default=1.4,
        gt=0,
        description="Change at 1 s over change at 1/8 s below this = no progress.",
    )
    cut_min: float = Field(
        default=12.0, gt=0, description="Adjacent difference of a cut, grey levels."
    )
    cut_ratio: float = Field(
        default=3.0,
        gt=1,
        description="A cut is this many times the surrounding content-rate change.",
    )
    black_pixel_ratio: float = Field(
        default=0.98, gt=0, le=1, description="A frame is black when this share of pixels is black."
    )
    black_min_s: float = Field(
        default=0.1, ge=0, description="Flag black-frames from this much black."
    )
    camera_static: float = Field(
        default=0.004,
        gt=0,
        description="Camera moves from this rate, short sides/s (pan, tilt; zoom and roll as "
        "their displacement half a short side out).",
    )
    camera_shake: float = Field(
        default=0.03,
        gt=0,
        description="Shake above this jitter of the global shift, short sides/s.",
    )
    # --- conformance ---------------------------------------------------------------------------
    duration_tolerance_s: float = Field(
        default=0.5, ge=0, description="Allowed |duration − requested|."
    )
    fps_tolerance: float = Field(default=0.5, ge=0, description="Allowed |fps − requested|.")
    aspect_tolerance: float = Field(
        default=0.01, ge=0, description="Allowed relative difference of the aspect ratio."
    )

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> Thresholds:
        """From ``settings.section("metrics")`` (``Settings`` or a plain dict), then overrides."""
        if settings is None:
            data: dict[str, Any] = {}
        elif hasattr(settings, "section"):
            data = dict(settings.section("metrics"))
        else:
            data = dict(settings.get("metrics", settings))
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls(**data)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = ".".join(str(p) for p in err.get("loc", ())) or "metrics"
            raise ConfigError(f"[tool.promptkit.metrics] {loc}: {err['msg']}") from None

    def merged(self, **changes: Any) -> Thresholds:
        """A copy with ``changes`` applied and validated."""
        data = self.model_dump()
        data.update(changes)
        return Thresholds(**data)
