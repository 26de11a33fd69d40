"""Every knob of the simulator in one validated model: auth, dialect, latency, limits and faults.

Defaults are realistic but never flaky: no random faults, the real API's limit for its video
models (1 request per second per account, derived from a 60-per-minute budget, with a burst of a
few seconds: polls count, clip downloads do not), latency of tens of seconds at ``speed=1``.
Tests and the eval runner raise the limits and the speed. All randomness comes from RNGs seeded
with ``seed``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from promptkit.errors import ConfigError

Probability = float

DEFAULT_MODERATION_WORDS = (
    "gore",
    "beheading",
    "nsfw",
    "nude",
    "naked",
    "explicit sex",
    "child abuse",
    "terrorist attack",
    "massacre",
)


class SimConfig(BaseModel):
    """Configuration of one simulator instance (``extra="forbid"``: a typo is an error)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    api_key: str | None = Field(
        default=None, description="Bearer key to require; None accepts any."
    )
    dialect: Literal["official", "blog"] = Field(
        default="official",
        description="official: pending + 400 for a wrong key; blog: processing + 401.",
    )
    seed: int = Field(default=0, description="Seed of every random choice and of the renderer.")

    # Latency: (base + per_second * duration * resolution factor) * jitter / speed.
    speed: float = Field(default=1.0, ge=0, description="Time compression; 0 means instant.")
    base_latency_s: float = Field(default=8.0, ge=0)
    latency_per_clip_second_s: float = Field(default=3.0, ge=0)
    latency_720p_factor: float = Field(default=1.8, ge=0)
    latency_jitter: Probability = Field(default=0.2, ge=0, le=1)

    # Rate limits per account (a key's team); None disables a bucket. They meter API calls
    # (submits and polls); clip downloads come from the media host and are never metered.
    rps: float | None = Field(default=1.0, gt=0)
    rpm: float | None = Field(default=60.0, gt=0)
    burst_s: float = Field(
        default=5.0,
        ge=0,
        lt=60,
        description="Seconds of the rps rate the per-second bucket holds: how many requests may "
        "arrive together after a quiet spell (at least one).",
    )
    random_429_rate: Probability = Field(default=0.0, ge=0, le=1)
    retry_after_rate: Probability = Field(
        default=1.0, ge=0, le=1, description="Share of 429 answers carrying Retry-After."
    )
    credits_exhausted: bool = Field(default=False, description="Answer every submit with 429.")

    # Job and transport faults.
    fail_rate: Probability = Field(default=0.0, ge=0, le=1)
    error_5xx_rate: Probability = Field(default=0.0, ge=0, le=1)
    drop_rate: Probability = Field(default=0.0, ge=0, le=1)
    drop_mode: Literal["before", "after", "both"] = Field(
        default="both", description="Drop submits before accepting, after (job exists), or both."
    )
    empty_202_rate: Probability = Field(default=0.0, ge=0, le=1)
    submit_delay_s: float = Field(
        default=0.0, ge=0, le=600, description="Seconds an accepted submit waits to be answered."
    )
    slow_download_rate: Probability = Field(default=0.0, ge=0, le=1)
    slow_download_bytes_per_s: int = Field(default=256_000, gt=0)
    truncate_download_rate: Probability = Field(default=0.0, ge=0, le=1)

    # Content.
    moderation_words: tuple[str, ...] = DEFAULT_MODERATION_WORDS
    frozen_rate: Probability = Field(
        default=0.1, ge=0, le=1, description="Share of motion prompts that still come out frozen."
    )
    drift_rate: Probability = Field(
        default=0.2, ge=0, le=1, description="Share of motionless prompts that drift slightly."
    )
    max_edit_input_s: float = Field(default=8.7, gt=0)
    max_body_bytes: int = Field(
        default=64 * 1024 * 1024,
        gt=0,
        description="Largest request body (an 8.7 s data-URI edit input fits); larger is a 413.",
    )
    max_extension_input_s: float = Field(default=30.0, gt=0)

    # Lifetimes (seconds of the simulator's clock).
    url_ttl_s: float = Field(default=24 * 3600.0, gt=0, description="Clip URL lifetime.")
    retention_s: float = Field(default=48 * 3600.0, gt=0, description="Finished-job lifetime.")
    max_stored_bytes: int = Field(
        default=1 << 30, gt=0, description="Clip memory budget; the oldest clips are evicted."
    )

    # Rendering.
    render_workers: int = Field(default=2, ge=1, le=32)
    x264_preset: str = "ultrafast"
    x264_crf: int = Field(default=28, ge=0, le=51)

    ledger_path: Path | None = Field(default=None, description="JSON-lines ledger file.")
    state_dir: Path | None = Field(
        default=None,
        description="Folder that keeps the job store, so a restarted simulator knows its jobs.",
    )

    def updated(self, **changes: Any) -> SimConfig:
        """A validated copy with ``changes``; one-line :class:`ConfigError` on a bad value."""
        return build_config(**{**self.model_dump(), **changes})

    def latency_s(self, duration_s: float, resolution: str, jitter: float) -> float:
        """Seconds a job of this length takes; ``jitter`` in [-1, 1] scales the jitter band."""
        if self.speed == 0:
            return 0.0
        factor = self.latency_720p_factor if resolution == "720p" else 1.0
        raw = self.base_latency_s + self.latency_per_clip_second_s * duration_s * factor
        return max(0.0, raw * (1 + self.latency_jitter * jitter) / self.speed)


def build_config(**values: Any) -> SimConfig:
    """Validate simulator settings; the first problem becomes a one-line :class:`ConfigError`."""
    try:
        return SimConfig(**values)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in err.get("loc", ())) or "sim"
        msg = str(err.get("msg", "is invalid"))
        raise ConfigError(f"sim.{loc}: {msg} (got {err.get('input')!r})") from None
