"""The OpenAPI 3.1 document of the simulator (served at ``/openapi.json``), generated.

Request bodies are the JSON Schemas of the pydantic models in :mod:`promptkit.sim.wire` that
validate every request, so what the document promises and what the server accepts cannot drift;
answers are the models below, one per body the API sends. Every route is documented (the three
submits, the poll, clip and sidecar downloads, stats and this document) with every status it can
answer, and each submit's answer links its ``request_id`` to the poll, so schema-driven tools
(schemathesis' stateful phase, Postman) can follow a job from submit to result.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from promptkit.sim.wire import REQUESTS

_REF = "#/components/schemas/"
_PARAM_REF = _REF + "{model}"
TOKEN = r"^[A-Za-z0-9_-]{16,}$"


class _Answer(BaseModel):
    # Answers may carry fields a later API version adds: clients must not reject them.
    model_config = ConfigDict(extra="allow")


class StartResponse(_Answer):
    request_id: str = Field(description="Poll it at /v1/videos/{request_id}.")


class Pending(_Answer):
    status: Literal["pending", "processing"] = Field(
        description="`pending` (official dialect) or `processing` (blog dialect)."
    )
    progress: int = Field(ge=0, le=99)


class Video(_Answer):
    url: str = Field(description="Clip URL (empty when moderated); download it at once.")
    duration: int
    respect_moderation: bool
    storage_error: str | None = None


class Usage(_Answer):
    cost_in_usd_ticks: int = Field(description="1 USD = 10^10 ticks.")


class Done(_Answer):
    status: Literal["done"]
    video: Video
    model: str
    usage: Usage
    progress: Literal[100]


class JobError(_Answer):
    code: str
    message: str


class FailedVideo(_Answer):
    duration: int
    respect_moderation: bool


class Failed(_Answer):
    status: Literal["failed"]
    video: FailedVideo
    model: str
    error: JobError
    progress: Literal[0]


class Expired(_Answer):
    status: Literal["expired"]


class Error(_Answer):
    code: str
    error: str


class DeserializeError(_Answer):
    error: str


class Stats(_Answer):
    accepted: int
    by_endpoint: dict[str, int]
    by_status: dict[str, int]
    total_cost_ticks: int


class Sidecar(_Answer):
    """What motion the clip was rendered with (the simulator's ground truth)."""


ANSWERS: tuple[type[BaseModel], ...] = (
    StartResponse,
    Pending,
    Done,
    Failed,
    Expired,
    Error,
    DeserializeError,
    Stats,
    Sidecar,
)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _json(schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **extra,
    }


def _gate_errors(key_status: int) -> dict[str, Any]:
    """What the gate shared by every API call can answer (auth, limits, injected faults)."""
    other = 401 if key_status == 400 else 400
    return {
        str(key_status): _json(_ref("Error"), "A wrong API key (or an invalid argument)."),
        str(other): _json(_ref("Error"), "Missing API key, or an invalid argument."),
        "429": _json(
            _ref("Error"),
            "Rate limited, or credits exhausted.",
            headers={
                "Retry-After": {
                    "schema": {"type": "integer"},
                    "description": "Seconds to wait (not always sent).",
                }
            },
        ),
        "500": _json(_ref("Error"), "Injected server error."),
        "502": _json(_ref("Error"), "Injected bad gateway."),
        "503": _json(_ref("Error"), "Injected unavailability."),
    }


def _submit(operation_id: str, summary: str, body: str, gate: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(body)}}},
        "responses": {
            "200": _json(
                _ref("StartResponse"),
                "Accepted: poll the request id.",
                links={
                    "Poll": {
                        "operationId": "pollVideo",
                        "parameters": {"request_id": "$response.body#/request_id"},
                        "description": "The job this submit started.",
                    }
                },
            ),
            **gate,
            "413": _json(_ref("Error"), "The request body is larger than the simulator's limit."),
            "422": _json(_ref("DeserializeError"), "Not JSON, or JSON of the wrong shape."),
        },
    }


def _clip(operation_id: str, summary: str, suffix: str, ok: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": "No key needed: the URL itself is the secret, and it expires.",
            "parameters": [
                {
                    "name": "token",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": TOKEN},
                    "description": f"The clip's token (its URL is /clips/{{token}}{suffix}).",
                }
            ],
            "responses": {
                "200": ok,
                "404": _json(_ref("Error"), "No such clip, or its URL expired."),
            },
        }
    }


def schemas() -> dict[str, Any]:
    """Every request and answer schema, under its model's name."""
    out: dict[str, Any] = {}
    for model in (*REQUESTS.values(), *ANSWERS):
        schema = model.model_json_schema(ref_template=_PARAM_REF)
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out


def openapi_document(dialect: str = "official") -> dict[str, Any]:
    """The document; a wrong key is 400 in the official dialect and 401 in the blog one."""
    gate = _gate_errors(401 if dialect == "blog" else 400)
    poll_answer = {"anyOf": [_ref("Done"), _ref("Failed"), _ref("Expired")]}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "promptkit simulator (xAI video API)",
            "version": "1.0.0",
            "description": f"Local xAI-compatible video API ({dialect} dialect).",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/v1/videos/generations": {
                "post": _submit("generateVideo", "Generate a video", "GenerationRequest", gate)
            },
            "/v1/videos/extensions": {
                "post": _submit("extendVideo", "Extend a video", "ExtensionRequest", gate)
            },
            "/v1/videos/edits": {"post": _submit("editVideo", "Edit a video", "EditRequest", gate)},
            "/v1/videos/{request_id}": {
                "get": {
                    "operationId": "pollVideo",
                    "summary": "Poll a request",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {
                            "name": "request_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": _json(poll_answer, "Finished: done, failed or expired."),
                        "202": {
                            "description": "Still running (the body may be empty).",
                            "content": {"application/json": {"schema": _ref("Pending")}},
                        },
                        **gate,
                        "404": _json(_ref("Error"), "Unknown request id."),
                    },
                }
            },
            "/clips/{token}.mp4": _clip(
                "downloadClip",
                "Download a clip",
                ".mp4",
                {
                    "description": "The H.264 MP4 (may be throttled or cut short when the "
                    "download faults are on).",
                    "content": {"video/mp4": {"schema": {"type": "string", "format": "binary"}}},
                },
            ),
            "/clips/{token}.mp4.json": _clip(
                "clipSidecar",
                "The motion a clip was rendered with",
                ".mp4.json",
                _json(_ref("Sidecar"), "The clip's sidecar."),
            ),
            "/sim/stats": {
                "get": {
                    "operationId": "simStats",
                    "summary": "Simulator counters (no key needed)",
                    "responses": {"200": _json(_ref("Stats"), "Counters.")},
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapiDocument",
                    "summary": "This document",
                    "responses": {"200": _json({"type": "object"}, "The OpenAPI document.")},
                }
            },
        },
        "components": {
            "schemas": schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
