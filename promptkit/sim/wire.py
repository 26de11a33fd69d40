"""Request bodies of the three submit endpoints, checked the way the real API checks them.

Shape problems (not a JSON object, a missing required field, a wrong JSON type, an unknown enum
value) are deserialisation errors: 422 with ``{"error": "Failed to deserialize the JSON body into
the target type: ..."}``. Values that parse but break a rule (a duration out of range, eight
reference images, an undecodable data URI) are 400 with ``{"code": "Client specified an invalid
argument", "error": ...}``. Unknown fields are ignored, as serde does by default.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Literal

from promptkit.models import (
    ASPECT_RATIOS,
    DEFAULT_DURATION,
    DEFAULT_EXTENSION_DURATION,
    DEFAULT_MODEL,
    DURATION_RANGE,
    EXTENSION_DURATION_RANGE,
    IMAGE_TYPES,
    MAX_DURATION_WITH_REFERENCES,
    MAX_IMAGE_BYTES,
    MAX_REFERENCE_IMAGES,
    MODELS,
    RESOLUTIONS,
    frame_size,
)

Endpoint = Literal["generations", "extensions", "edits"]
INVALID_ARGUMENT = "Client specified an invalid argument"
DESERIALIZE = "Failed to deserialize the JSON body into the target type: "
MODEL_ALIASES = {"grok-imagine-video-1.5-preview": "grok-imagine-video-1.5"}
MAX_VIDEO_BYTES = 64 * 1024 * 1024


class WireError(Exception):
    """A request the API refuses: HTTP ``status`` and the JSON ``body`` to answer with.

    ``grpc_code`` names the gRPC status the same refusal carries on the gRPC front
    (``INVALID_ARGUMENT`` unless a rule says otherwise).
    """

    def __init__(
        self, status: int, body: dict[str, Any], grpc_code: str = "INVALID_ARGUMENT"
    ) -> None:
        super().__init__(body.get("error", ""))
        self.status = status
        self.body = body
        self.grpc_code = grpc_code


def invalid(message: str, grpc_code: str = "INVALID_ARGUMENT") -> WireError:
    return WireError(400, {"code": INVALID_ARGUMENT, "error": message}, grpc_code)


def too_large(limit: int) -> WireError:
    return WireError(
        413,
        {
            "code": INVALID_ARGUMENT,
            "error": f"The request body is larger than {limit} bytes; "
            "send large inputs as URLs instead of data URIs",
        },
    )


def undeserializable(message: str) -> WireError:
    return WireError(422, {"error": DESERIALIZE + message})


@dataclass(frozen=True)
class Submission:
    """A valid submit: what to render and what it costs (the input video is resolved later)."""

    endpoint: Endpoint
    prompt: str
    model: str
    duration: int
    resolution: str = "480p"
    aspect_ratio: str = "16:9"
    image_url: str | None = None
    image_bytes: bytes | None = None
    reference_images: int = 0
    video_url: str | None = None
    user: str | None = None

    @property
    def size(self) -> tuple[int, int]:
        return frame_size(self.resolution, self.aspect_ratio)


MAX_JSON_DEPTH = 128
"""Deepest nesting of a request body (serde_json's recursion limit, which the real API uses)."""


def parse_body(raw: bytes) -> dict[str, Any]:
    """The JSON object of a request body, or 422; nested deeper than :data:`MAX_JSON_DEPTH`,
    400 (never a 500 from a parser that ran out of stack)."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise _too_deep() from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise undeserializable(f"{exc}") from None
    if not isinstance(data, dict):
        raise undeserializable(f"invalid type: {_json_type(data)}, expected a JSON object")
    _check_depth(data)
    return data


def _too_deep() -> WireError:
    return invalid(f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep")


def _check_depth(data: Any) -> None:
    """Refuse nesting past the limit, walking iteratively (no recursion to run out of)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def parse_submission(endpoint: Endpoint, data: dict[str, Any]) -> Submission:
    """Validate a submit body for ``endpoint`` and return what the job needs."""
    prompt = _field(data, "prompt", str, required=True)
    model = _field(data, "model", str) or DEFAULT_MODEL
    model = MODEL_ALIASES.get(model, model)
    if model not in MODELS:
        raise invalid(
            f"The model `{model}` does not exist or your team does not have access to it.",
            grpc_code="NOT_FOUND",  # the SDK documents NOT_FOUND for a model that does not exist
        )
    user = _field(data, "user", str)
    if endpoint == "generations":
        return _generation(data, prompt, model, user)
    video = _url_object(data, "video", required=True)
    assert video is not None
    if not video.startswith(("http://", "https://", "data:")):
        raise invalid("video.url must be an http(s) URL or a data: URI")
    if not prompt.strip():
        raise invalid("prompt must not be empty")
    if endpoint == "extensions":
        duration = _int(data, "duration", DEFAULT_EXTENSION_DURATION)
        lo, hi = EXTENSION_DURATION_RANGE
        if not lo <= duration <= hi:
            raise invalid(f"duration must be between {lo} and {hi} seconds for an extension")
        return Submission(endpoint, prompt, model, duration, video_url=video, user=user)
    return Submission(endpoint, prompt, model, 0, video_url=video, user=user)


def _generation(data: dict[str, Any], prompt: str, model: str, user: str | None) -> Submission:
    duration = _int(data, "duration", DEFAULT_DURATION)
    resolution = _enum(data, "resolution", RESOLUTIONS, "480p")
    aspect = _enum(data, "aspect_ratio", ASPECT_RATIOS, "16:9")
    image_url = _url_object(data, "image")
    refs = data.get("reference_images")
    if refs is not None and not isinstance(refs, list):
        raise undeserializable(
            f"reference_images: invalid type: {_json_type(refs)}, expected a sequence"
        )
    ref_urls = [
        _url_object({"reference_images": r}, "reference_images", required=True) for r in refs or []
    ]
    lo, hi = DURATION_RANGE
    if not lo <= duration <= hi:
        raise invalid(f"duration must be between {lo} and {hi} seconds")
    if len(ref_urls) > MAX_REFERENCE_IMAGES:
        raise invalid(
            f"reference_images accepts at most {MAX_REFERENCE_IMAGES} images, got {len(ref_urls)}"
        )
    if ref_urls and image_url:
        raise invalid("reference_images cannot be combined with image")
    if ref_urls and duration > MAX_DURATION_WITH_REFERENCES:
        raise invalid(
            f"duration must be at most {MAX_DURATION_WITH_REFERENCES} seconds with reference_images"
        )
    if ref_urls and not prompt.strip():
        raise invalid("prompt must not be empty when reference_images are given")
    if not prompt.strip() and not image_url:
        raise invalid("prompt must not be empty")
    for url in ref_urls:
        assert url is not None
        _check_image_url(url, "reference_images.url")
    image_bytes = _check_image_url(image_url, "image.url") if image_url else None
    return Submission(
        "generations",
        prompt,
        model,
        duration,
        resolution,
        aspect,
        image_url,
        image_bytes,
        len(ref_urls),
        user=user,
    )


def _check_image_url(url: str, where: str) -> bytes | None:
    """The decoded bytes of a data-URI image (checked), or None for an http(s) URL."""
    if url.startswith(("http://", "https://")):
        return None  # fetched by the real API; the simulator renders without it
    if not url.startswith("data:"):
        raise invalid(f"{where} must be an http(s) URL or a data:image/ URI")
    mime, payload = split_data_uri(url, where)
    if mime not in IMAGE_TYPES and mime != "image/jpg":
        raise invalid(f"{where}: unsupported image type {mime!r} (allowed: PNG, JPEG, WebP)")
    if len(payload) > MAX_IMAGE_BYTES:
        raise invalid(f"{where}: image is larger than 10 MiB")
    return payload


def split_data_uri(url: str, where: str, limit: int = MAX_VIDEO_BYTES) -> tuple[str, bytes]:
    """(mime type, bytes) of a base64 ``data:`` URI, or 400."""
    head, sep, encoded = url.partition(",")
    if not sep or not head.endswith(";base64"):
        raise invalid(f"{where}: a data URI must look like data:<type>;base64,<data>")
    if len(encoded) > limit * 4 // 3 + 4:
        raise invalid(f"{where}: the data URI is too large")
    try:
        payload = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"{where}: the data URI is not valid base64") from None
    return head[len("data:") : -len(";base64")].lower(), payload


def _field(data: dict[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
    value = data.get(name)
    if value is None:
        if required:
            raise undeserializable(f"missing field `{name}`")
        return None
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise undeserializable(
            f"{name}: invalid type: {_json_type(value)}, expected a {kind.__name__}"
        )
    return value


def _int(data: dict[str, Any], name: str, default: int) -> int:
    value = data.get(name)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise undeserializable(f"{name}: invalid type: {_json_type(value)}, expected an integer")
    return value


def _enum(data: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = _field(data, name, str)
    if value is None:
        return default
    if value not in allowed:
        expected = ", ".join(f"`{a}`" for a in allowed)
        raise undeserializable(f"{name}: unknown variant `{value}`, expected one of {expected}")
    return str(value)


def _url_object(data: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise undeserializable(f"missing field `{name}`")
        return None
    if not isinstance(value, dict):
        raise undeserializable(f"{name}: invalid type: {_json_type(value)}, expected an object")
    if value.get("file_id") is not None and value.get("url") is None:
        raise invalid(f"{name}.file_id is not supported by the simulator; send {name}.url")
    url = value.get("url")
    if not isinstance(url, str):
        raise undeserializable(
            f"{name}: missing field `url`"
            if url is None
            else f"{name}.url: invalid type: {_json_type(url)}, expected a string"
        )
    if not url:
        raise invalid(f"{name}.url must not be empty")
    return url


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f"string {json.dumps(value[:40])}"
    if isinstance(value, list):
        return "sequence"
    return "map"
