"""Request bodies of the three submit endpoints: pydantic models that validate every request
and are the OpenAPI document's schemas (:mod:`promptkit.sim.openapi`), so the two cannot drift.

Shape problems (not a JSON object, a missing required field, a wrong JSON type, an unknown enum
value) are deserialisation errors: 422 with ``{"error": "Failed to deserialize the JSON body into
the target type: ..."}``. Values that parse but break a rule (a duration out of range, eight
reference images, a URL of the wrong form) are 400 with ``{"code": "Client specified an invalid
argument", "error": ...}``; every such rule the schema can state (ranges, sizes, URL patterns,
which fields go together) is stated in it. What it cannot state is checked after it: that a data
URI holds a decodable image or video, and that an input video URL can be downloaded. Unknown
fields are ignored, as serde does by default.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

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


# --- the request models -------------------------------------------------------------------

_B64 = r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?"
HTTP_URL = r"https?://\S+"
IMAGE_URL = rf"^(?:{HTTP_URL}|data:image/(?:png|jpeg|jpg|webp);base64,{_B64})$"
VIDEO_URL = rf"^(?:{HTTP_URL}|data:[A-Za-z0-9.+-]+/[A-Za-z0-9.+-]+;base64,{_B64})$"
NON_BLANK = r"\S"
# A request the API refuses for its value (400), not its shape (422): raised inside validators.
RULE = "invalid_argument"
# Python's re both here and in schema-driven tools (schemathesis), so patterns mean one thing.
_CONFIG = ConfigDict(strict=True, extra="ignore", regex_engine="python-re")


def rule(message: str, grpc_code: str = "INVALID_ARGUMENT") -> PydanticCustomError:
    return PydanticCustomError(RULE, "{message}", {"message": message, "grpc_code": grpc_code})


class _UrlObject(BaseModel):
    model_config = _CONFIG

    @model_validator(mode="before")
    @classmethod
    def _file_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("url") is None and data.get("file_id") is not None:
            raise rule("file_id is not supported by the simulator; send url")
        return data


class ImageUrl(_UrlObject):
    """An image: an http(s) URL (accepted, not fetched) or a base64 PNG/JPEG/WebP data URI."""

    url: str = Field(pattern=IMAGE_URL)


class VideoUrl(_UrlObject):
    """An input video: a clip URL of this simulator or a base64 ``data:`` URI."""

    url: str = Field(pattern=VIDEO_URL)


Model = Annotated[
    str | None,
    Field(
        description="Model name (an unknown one is 400).",
        json_schema_extra={"enum": [*MODELS, *MODEL_ALIASES, None]},
    ),
]
User = Annotated[str | None, Field(description="End-user id (recorded in the ledger).")]


def _has(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": [name], "properties": {name: schema}}


# The rules across fields, as JSON Schema (the model validators below enforce the same).
_IMAGE = _has("image", {"type": "object"})
_REFS = _has("reference_images", {"type": "array", "minItems": 1})
_PROMPT: dict[str, Any] = {"properties": {"prompt": {"pattern": NON_BLANK}}}
_GENERATION_RULES: JsonDict = {
    "allOf": [
        {"anyOf": [_PROMPT, _IMAGE]},
        {
            "anyOf": [
                {"not": _REFS},
                {
                    "allOf": [
                        _PROMPT,
                        {"not": _IMAGE},
                        {"properties": {"duration": {"maximum": MAX_DURATION_WITH_REFERENCES}}},
                    ]
                },
            ]
        },
    ]
}


class GenerationRequest(BaseModel):
    """``POST /v1/videos/generations``."""

    model_config = ConfigDict(**_CONFIG, json_schema_extra=_GENERATION_RULES)

    prompt: str = Field(description="May be empty only with an image.")
    model: Model = None
    duration: int | None = Field(None, ge=DURATION_RANGE[0], le=DURATION_RANGE[1])
    resolution: Literal[RESOLUTIONS] | None = None  # type: ignore[valid-type]
    aspect_ratio: Literal[ASPECT_RATIOS] | None = None  # type: ignore[valid-type]
    image: ImageUrl | None = Field(None, description="The first frame.")
    reference_images: list[ImageUrl] | None = Field(None, max_length=MAX_REFERENCE_IMAGES)
    user: User = None

    @model_validator(mode="after")
    def _together(self) -> GenerationRequest:
        refs = self.reference_images or []
        blank = not self.prompt.strip()
        if refs and self.image is not None:
            raise rule("reference_images cannot be combined with image")
        if refs and (self.duration or DEFAULT_DURATION) > MAX_DURATION_WITH_REFERENCES:
            raise rule(
                f"duration must be at most {MAX_DURATION_WITH_REFERENCES} seconds "
                "with reference_images"
            )
        if refs and blank:
            raise rule("prompt must not be empty when reference_images are given")
        if blank and self.image is None:
            raise rule("prompt must not be empty")
        return self


class ExtensionRequest(BaseModel):
    """``POST /v1/videos/extensions``: the output is the input video plus ``duration``."""

    model_config = _CONFIG

    prompt: str = Field(pattern=NON_BLANK)
    model: Model = None
    video: VideoUrl
    duration: int | None = Field(
        None, ge=EXTENSION_DURATION_RANGE[0], le=EXTENSION_DURATION_RANGE[1]
    )
    user: User = None


class EditRequest(BaseModel):
    """``POST /v1/videos/edits``: the output keeps the input video's length."""

    model_config = _CONFIG

    prompt: str = Field(pattern=NON_BLANK)
    model: Model = None
    video: VideoUrl
    user: User = None


REQUESTS: dict[Endpoint, type[BaseModel]] = {
    "generations": GenerationRequest,
    "extensions": ExtensionRequest,
    "edits": EditRequest,
}


def parse_submission(endpoint: Endpoint, data: dict[str, Any]) -> Submission:
    """Validate a submit body for ``endpoint`` and return what the job needs."""
    try:
        request: Any = REQUESTS[endpoint].model_validate(data)
    except ValidationError as exc:
        raise _refusal(endpoint, exc) from None
    model = MODEL_ALIASES.get(request.model, request.model) or DEFAULT_MODEL
    if model not in MODELS:
        raise invalid(
            f"The model `{model}` does not exist or your team does not have access to it.",
            grpc_code="NOT_FOUND",  # the SDK documents NOT_FOUND for a model that does not exist
        )
    if isinstance(request, GenerationRequest):
        return _generation(request, model)
    duration = 0  # an edit keeps its input's length
    if isinstance(request, ExtensionRequest):
        duration = request.duration or DEFAULT_EXTENSION_DURATION
    return Submission(
        endpoint, request.prompt, model, duration, video_url=request.video.url, user=request.user
    )


def _generation(request: GenerationRequest, model: str) -> Submission:
    refs = request.reference_images or []
    for ref in refs:
        _check_image_url(ref.url, "reference_images.url")
    image_url = request.image.url if request.image else None
    image_bytes = _check_image_url(image_url, "image.url") if image_url else None
    return Submission(
        "generations",
        request.prompt,
        model,
        request.duration or DEFAULT_DURATION,
        request.resolution or "480p",
        request.aspect_ratio or "16:9",
        image_url,
        image_bytes,
        len(refs),
        user=request.user,
    )


# --- pydantic's errors as the API words them ------------------------------------------------

_SHAPE_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "a boolean",
    "list_type": "a sequence",
    "model_type": "an object",
    "dict_type": "an object",
    "model_attributes_type": "an object",
}


def _refusal(endpoint: Endpoint, exc: ValidationError) -> WireError:
    """The API's answer to the first problem: a shape problem (422) before any rule (400)."""
    errors = exc.errors(include_url=False)
    rules = [e for e in errors if e["type"] == RULE or e["type"] in _RULE_TYPES]
    shapes = [e for e in errors if e not in rules]
    if shapes:
        return undeserializable(_shape_message(shapes[0]))
    first = rules[0]
    context = first.get("ctx") or {}
    if first["type"] == RULE:
        return invalid(str(context["message"]), str(context.get("grpc_code", "INVALID_ARGUMENT")))
    return invalid(_rule_message(endpoint, first))


_RULE_TYPES = {"greater_than_equal", "less_than_equal", "too_long", "string_pattern_mismatch"}


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if not isinstance(part, int))


def _shape_message(error: Any) -> str:
    loc = tuple(error.get("loc", ()))
    where = _where(loc)
    kind = error["type"]
    if kind == "missing":
        parent = _where(loc[:-1])
        return f"{parent + ': ' if parent else ''}missing field `{loc[-1]}`"
    if kind == "literal_error":
        expected = str((error.get("ctx") or {}).get("expected", ""))
        return f"{where}: unknown variant `{error.get('input')}`, expected one of {expected}"
    expected = _SHAPE_EXPECTED.get(kind, "another type")
    return f"{where}: invalid type: {_json_type(error.get('input'))}, expected {expected}"


def _rule_message(endpoint: Endpoint, error: Any) -> str:
    loc = tuple(error.get("loc", ()))
    where = _where(loc)
    value = error.get("input")
    if where == "duration":
        lo, hi = EXTENSION_DURATION_RANGE if endpoint == "extensions" else DURATION_RANGE
        extra = " for an extension" if endpoint == "extensions" else ""
        return f"duration must be between {lo} and {hi} seconds{extra}"
    if where == "reference_images":
        return (
            f"reference_images accepts at most {MAX_REFERENCE_IMAGES} images, "
            f"got {len(value) if isinstance(value, list) else '?'}"
        )
    if where == "prompt":
        return "prompt must not be empty"
    return _url_problem(where, str(value))


def _url_problem(where: str, url: str) -> str:
    """Why ``url`` does not match its field's pattern, in words."""
    video = where.startswith("video")
    if not url:
        return f"{where} must not be empty"
    if not url.startswith(("http://", "https://", "data:")):
        kind = "a data: URI" if video else "a data:image/ URI"
        return f"{where} must be an http(s) URL or {kind}"
    if url.startswith("http"):
        return f"{where} must be an http(s) URL with a host and no spaces"
    head, sep, encoded = url.partition(",")
    if not sep or not head.endswith(";base64"):
        return f"{where}: a data URI must look like data:<type>;base64,<data>"
    mime = head[len("data:") : -len(";base64")]
    if not video and mime not in IMAGE_TYPES and mime != "image/jpg":
        return f"{where}: unsupported image type {mime!r} (allowed: PNG, JPEG, WebP)"
    if video and "/" not in mime:
        return f"{where}: {mime!r} is not a media type"
    return f"{where}: the data URI is not valid base64"


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
