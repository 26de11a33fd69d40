"""The gRPC front's translation between ``xai_api.Video`` protobuf messages and the REST JSON.

The REST API is the JSON form of the same service: a gRPC request becomes exactly the body the
REST front would have received (so it is validated, seeded, hashed and billed by the same code),
and a job's REST answer becomes the protobuf reply field for field. Only three things differ on
the wire: images are ``{"image_url"}`` in protobuf and ``{"url"}`` in JSON, enums are
``VIDEO_ASPECT_RATIO_16_9``/``VIDEO_RESOLUTION_480P`` instead of ``"16:9"``/``"480p"``, and a
GenerateVideo call carrying a ``video`` is an edit (REST's ``/v1/videos/edits``).

The message classes are the official SDK's own generated modules (``xai_sdk.proto``), pinned to
:data:`SDK_VERSION`; fields the simulator does not model (``last_frame``, ``keyframes``,
``reference_audios``, ``generate_audio``, ``storage_options``) pass through under their JSON
names, exactly as the REST front ignores them.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import json_format
from xai_sdk.proto import deferred_pb2, video_pb2

from promptkit.sim.wire import Endpoint

# The xai-sdk release whose service definitions this front serves and is tested against.
SDK_VERSION = "1.21.0"
_ASPECT_PREFIX = "VIDEO_ASPECT_RATIO_"
_RESOLUTION_PREFIX = "VIDEO_RESOLUTION_"
_IMAGE_FIELDS = ("image", "last_frame")


def generate_body(request: Any) -> tuple[Endpoint, dict[str, Any]]:
    """(REST endpoint, REST body) of a ``GenerateVideoRequest``."""
    body = _body(request)
    for name in ("aspect_ratio", "resolution"):
        value = body.pop(name, None)
        if value is not None and not value.endswith("_UNSPECIFIED"):
            body[name] = _enum_text(name, value)
    for name in _IMAGE_FIELDS:
        if name in body:
            body[name] = _image(body[name])
    if "reference_images" in body:
        body["reference_images"] = [_image(image) for image in body["reference_images"]]
    if "keyframes" in body:
        body["keyframes"] = [
            {**frame, "image": _image(frame.get("image", {}))} for frame in body["keyframes"]
        ]
    return ("edits" if "video" in body else "generations"), body


def extend_body(request: Any) -> dict[str, Any]:
    """REST body of an ``ExtendVideoRequest`` (``/v1/videos/extensions``)."""
    return _body(request)


def deferred_response(body: dict[str, Any]) -> Any:
    """The ``GetDeferredVideoResponse`` of a job's REST answer (``{"status": ..., ...}``)."""
    rest = {key: value for key, value in body.items() if key != "status" and value is not None}
    reply = video_pb2.GetDeferredVideoResponse(
        status=deferred_pb2.DeferredStatus.Value(str(body["status"]).upper())
    )
    if rest:
        json_format.ParseDict(rest, reply.response, ignore_unknown_fields=True)
    return reply


def _body(request: Any) -> dict[str, Any]:
    body: dict[str, Any] = json_format.MessageToDict(request, preserving_proto_field_name=True)
    # proto3 cannot tell an empty prompt from a missing one; REST then answers "must not be empty".
    body["prompt"] = request.prompt
    return body


def _enum_text(name: str, value: str) -> str:
    if name == "aspect_ratio":
        return value.removeprefix(_ASPECT_PREFIX).replace("_", ":")
    return value.removeprefix(_RESOLUTION_PREFIX).lower()


def _image(image: dict[str, Any]) -> dict[str, Any]:
    """``ImageUrlContent`` as REST's image object (``detail`` has no REST counterpart)."""
    out = {key: value for key, value in image.items() if key not in ("image_url", "detail")}
    if "image_url" in image:
        out["url"] = image["image_url"]
    return out
