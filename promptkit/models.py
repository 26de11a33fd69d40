"""Value objects shared by every part: the prompt, its generation parameters, and the price table.

``GenerationParams`` follows the official xAI video REST API (see the project's API notes):
duration 1–15 s (default 8), resolution ``480p``/``720p`` (default 480p), seven aspect ratios
(default 16:9), an optional source ``image`` (its first frame) and up to seven
``reference_images`` (then duration ≤ 10 and no ``image``). Invalid values raise
:class:`~promptkit.errors.InvalidParamsError` with one line naming the field, the value and
what is allowed.
"""

from __future__ import annotations

import base64
import mimetypes
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from promptkit.errors import InvalidParamsError

DEFAULT_MODEL = "grok-imagine-video"
MODELS = ("grok-imagine-video", "grok-imagine-video-1.5")
RESOLUTIONS = ("480p", "720p")
ASPECT_RATIOS = ("16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3")
DURATION_RANGE = (1, 15)
DEFAULT_DURATION = 8
FPS = 24  # frame rate of grok-imagine-video clips (and of the simulator's)
MAX_REFERENCE_IMAGES = 7
MAX_DURATION_WITH_REFERENCES = 10
EXTENSION_DURATION_RANGE = (1, 10)
DEFAULT_EXTENSION_DURATION = 6
MAX_IMAGE_BYTES = 10 * 1024 * 1024
IMAGE_TYPES = {"image/png", "image/jpeg", "image/webp"}

TICKS_PER_USD = 10_000_000_000
# USD per output second, by model and resolution (official model page; see API notes §1.9).
PRICE_PER_SECOND_USD: dict[str, dict[str, Decimal]] = {
    "grok-imagine-video": {"480p": Decimal("0.05"), "720p": Decimal("0.07")},
    "grok-imagine-video-1.5": {"480p": Decimal("0.08"), "720p": Decimal("0.14")},
}

Resolution = Literal["480p", "720p"]
AspectRatio = Literal["16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3"]


def price_per_second(model: str, resolution: str) -> Decimal:
    """USD per generated second; unknown models are priced like the default model."""
    table = PRICE_PER_SECOND_USD.get(model, PRICE_PER_SECOND_USD[DEFAULT_MODEL])
    return table[resolution]


def cost_ticks(model: str, resolution: str, seconds: int | float) -> int:
    """Exact cost in API ticks (1 USD = 1e10 ticks) of ``seconds`` of output."""
    return int(price_per_second(model, resolution) * Decimal(str(seconds)) * TICKS_PER_USD)


def ticks_to_usd(ticks: int) -> Decimal:
    """Ticks to an exact Decimal number of US dollars."""
    return Decimal(int(ticks)) / Decimal(TICKS_PER_USD)


def frame_size(resolution: str, aspect_ratio: str) -> tuple[int, int]:
    """(width, height) of a clip: the short side is the resolution, the long side a multiple of 16.

    480p 16:9 is 848×480 and 720p 16:9 is 1280×720, as the real API returns.
    """
    short = {"480p": 480, "720p": 720}[resolution]
    a, b = (int(x) for x in aspect_ratio.split(":"))
    if a == b:
        return short, short
    long_side = int(short * max(a, b) / min(a, b)) // 16 * 16
    return (long_side, short) if a > b else (short, long_side)


def image_to_data_uri(path: Path) -> str:
    """Read a local PNG/JPEG/WebP file into a ``data:`` URI (size-capped like the API)."""
    mime = mimetypes.guess_type(path.name)[0] or ""
    if mime not in IMAGE_TYPES:
        raise InvalidParamsError(
            f"image: {path} is not a PNG, JPEG or WebP file (allowed: .png, .jpg, .jpeg, .webp)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidParamsError(f"image: cannot read {path}: {exc.strerror}") from exc
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidParamsError(f"image: {path} is {len(data)} bytes (allowed: at most 10 MiB)")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _is_image_url(value: str) -> bool:
    return value.startswith(("https://", "http://", "data:image/"))


def check_data_uri(value: str, where: str) -> str:
    """Check a ``data:`` URI like a local image: PNG/JPEG/WebP and at most 10 MiB once decoded.

    The decoded size is worked out from the base64 length, so a huge URI is refused without
    being decoded (or copied). ``where`` names the field in the one-line error.
    """
    # A media type plus parameters is short; do not scan megabytes looking for the comma.
    comma = value.find(",", 0, 256)
    if comma < 0:
        raise InvalidParamsError(
            f"{where}: not a valid data URI (expected data:image/png;base64,<data>)"
        )
    header = value[len("data:") : comma].split(";")
    media_type = header[0].strip().lower()
    if media_type not in IMAGE_TYPES:
        raise InvalidParamsError(
            f"{where}: data URI media type {media_type or 'missing'!r} is not allowed "
            f"(allowed: {', '.join(sorted(IMAGE_TYPES))})"
        )
    payload = len(value) - comma - 1
    if "base64" in (part.strip().lower() for part in header[1:]):
        padding = value.endswith("==") + value.endswith("=")
        size = payload // 4 * 3 + (payload % 4 * 3) // 4 - padding
    else:
        size = payload  # percent-encoded bytes are never fewer than the text
    if size > MAX_IMAGE_BYTES:
        raise InvalidParamsError(
            f"{where}: data URI decodes to {size} bytes (allowed: at most 10 MiB)"
        )
    return value


def _is_data_uri(value: str) -> bool:
    return value[:5].lower() == "data:"


class Prompt(BaseModel):
    """A prompt's text plus the parts it was built from (empty when written by hand)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(description="The prompt as sent to the model: one clean paragraph.")
    template: str | None = Field(default=None, description="Template name it was rendered from.")
    variables: dict[str, Any] = Field(
        default_factory=dict, description="Variable values the template was rendered with."
    )


class GenerationParams(BaseModel):
    """Generation parameters of ``POST /v1/videos/generations`` (besides the prompt)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(default=DEFAULT_MODEL, description="Model name.")
    duration: int = Field(default=DEFAULT_DURATION, description="Clip length in seconds, 1–15.")
    resolution: Resolution = Field(default="480p", description="480p or 720p.")
    aspect_ratio: AspectRatio = Field(default="16:9", description="One of the seven ratios.")
    image: str | None = Field(
        default=None, description="Source image (first frame): URL or data URI."
    )
    reference_images: tuple[str, ...] = Field(
        default=(), description="Up to 7 style/content reference image URLs."
    )

    @field_validator("duration", mode="before")
    @classmethod
    def _duration(cls, v: Any) -> Any:
        if isinstance(v, bool) or not isinstance(v, int | str | float):
            raise ValueError("must be a whole number of seconds")
        try:
            as_float = float(v)
        except ValueError:
            raise ValueError("must be a whole number of seconds") from None
        if not as_float.is_integer():
            raise ValueError("must be a whole number of seconds")
        n = int(as_float)
        lo, hi = DURATION_RANGE
        if not lo <= n <= hi:
            raise ValueError(f"must be between {lo} and {hi} seconds")
        return n

    @field_validator("image", mode="before")
    @classmethod
    def _image(cls, v: Any) -> Any:
        if v is None or v == "":
            return None
        if isinstance(v, Path):
            return image_to_data_uri(v)
        if not isinstance(v, str):
            raise ValueError("must be a URL, a data URI or a local file path")
        if _is_data_uri(v):
            return check_data_uri(v, "image")
        if _is_image_url(v):
            return v
        path = Path(v).expanduser()
        if path.is_file():
            return image_to_data_uri(path)
        raise ValueError("must be an http(s) URL, a data:image/ URI or an existing image file")

    @field_validator("reference_images", mode="before")
    @classmethod
    def _refs(cls, v: Any) -> Any:
        if v is None:
            return ()
        if isinstance(v, str):
            v = [v]
        refs = list(v)
        if len(refs) > MAX_REFERENCE_IMAGES:
            raise ValueError(f"has {len(refs)} images (allowed: at most {MAX_REFERENCE_IMAGES})")
        for n, ref in enumerate(refs, 1):  # counted from 1, as users number them
            if isinstance(ref, str) and _is_data_uri(ref):
                check_data_uri(ref, f"reference_images[{n}]")
            elif not isinstance(ref, str) or not _is_image_url(ref):
                raise ValueError("each must be an http(s) URL or a data:image/ URI")
        return tuple(refs)

    @model_validator(mode="after")
    def _combination(self) -> GenerationParams:
        if self.reference_images and self.image:
            raise ValueError("reference_images cannot be combined with image")
        if self.reference_images and self.duration > MAX_DURATION_WITH_REFERENCES:
            raise ValueError(
                f"duration {self.duration} is too long with reference_images "
                f"(allowed: at most {MAX_DURATION_WITH_REFERENCES} seconds)"
            )
        return self

    @classmethod
    def build(cls, **values: Any) -> GenerationParams:
        """Validate ``values``; the first problem raises a one-line :class:`InvalidParamsError`."""
        try:
            return cls(**{k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            raise InvalidParamsError(params_error_line(exc)) from None

    def merged(self, **changes: Any) -> GenerationParams:
        """A copy with ``changes`` applied and validated again."""
        data = self.model_dump()
        data.update({k: v for k, v in changes.items() if v is not None})
        return GenerationParams.build(**data)

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels of the clip these parameters ask for."""
        return frame_size(self.resolution, self.aspect_ratio)

    def cost_ticks(self) -> int:
        """Exact list price in ticks of a generation with these parameters."""
        return cost_ticks(self.model, self.resolution, self.duration)

    def to_api(self) -> dict[str, Any]:
        """The JSON fields of the API request body (without ``prompt``)."""
        body: dict[str, Any] = {
            "model": self.model,
            "duration": self.duration,
            "resolution": self.resolution,
            "aspect_ratio": self.aspect_ratio,
        }
        if self.image:
            body["image"] = {"url": self.image}
        if self.reference_images:
            body["reference_images"] = [{"url": u} for u in self.reference_images]
        return body


_ALLOWED = {
    "resolution": ", ".join(RESOLUTIONS),
    "aspect_ratio": ", ".join(ASPECT_RATIOS),
}


def params_error_line(exc: ValidationError) -> str:
    """Turn pydantic's report into one line: ``field: value X ...; allowed: ...``."""
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(p) for p in err.get("loc", ())) or "params"
    value = err.get("input")
    msg = str(err.get("msg", "is invalid")).removeprefix("Value error, ")
    if err.get("type") == "extra_forbidden":
        known = ", ".join(GenerationParams.model_fields)
        return f"{loc}: unknown parameter (allowed: {known})"
    if err.get("type") == "literal_error":
        return f"{loc}: {value!r} is not allowed (allowed: {_ALLOWED.get(loc, msg)})"
    if loc == "params" or err.get("type") == "value_error" and not err.get("loc"):
        return msg
    shown = value if not isinstance(value, str) or len(value) < 80 else value[:77] + "..."
    return f"{loc}: {shown!r} {msg}"
