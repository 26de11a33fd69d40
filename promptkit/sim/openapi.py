"""The OpenAPI 3.0 document of the simulator's public endpoints (served at ``/openapi.json``).

Written by hand to match ``wire.py`` and ``app.py`` exactly: every status the app can answer
for a documented operation is listed with its body shape, so API tools (Postman, schemathesis)
can import it and check the simulator against it.
"""

from __future__ import annotations

from typing import Any

from promptkit.models import ASPECT_RATIOS, MAX_REFERENCE_IMAGES, MODELS, RESOLUTIONS

_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_ERRORS: dict[str, Any] = {
    "400": _json("Error", "Invalid argument, or a wrong API key (official dialect)."),
    "401": _json("Error", "Missing API key (or a wrong one in the blog dialect)."),
    "429": {
        **_json("Error", "Rate limited, or credits exhausted."),
        "headers": {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait (not always sent).",
            }
        },
    },
    "500": _json("Error", "Injected server error."),
    "502": _json("Error", "Injected bad gateway."),
    "503": _json("Error", "Injected unavailability."),
}


def _submit(summary: str, body: str) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": [{"bearer": []}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(body)}}},
        "responses": {
            "200": _json("StartResponse", "Accepted: poll the request id."),
            **_ERRORS,
            "413": _json("Error", "The request body is larger than the simulator's limit."),
            "422": _json("DeserializeError", "The body is not valid JSON of the right shape."),
        },
    }


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    # Optional fields accept an explicit null, as the real API's deserialiser does.
    out = {**schema, "nullable": True}
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


def _url_object(description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": ["url"],
        "properties": {"url": {"type": "string", "minLength": 1, "pattern": "^(https?://|data:)"}},
    }


def _video_request(video: str, **extra: Any) -> dict[str, Any]:
    """Body of the endpoints that take an input video (extensions, edits)."""
    return {
        "type": "object",
        "required": ["prompt", "video"],
        "properties": {
            "prompt": {"type": "string", "minLength": 1},
            "model": _nullable({"type": "string", "enum": list(MODELS)}),
            "video": _url_object(video),
            **extra,
            "user": _nullable({"type": "string"}),
        },
    }


def openapi_document(dialect: str = "official") -> dict[str, Any]:
    """The document; the pending status name follows the dialect."""
    pending = "processing" if dialect == "blog" else "pending"
    schemas: dict[str, Any] = {
        "GenerationRequest": {
            "type": "object",
            "required": ["prompt"],
            "properties": {
                "prompt": {"type": "string", "description": "May be empty only with image."},
                "model": _nullable({"type": "string", "enum": list(MODELS)}),
                "duration": _nullable(
                    {"type": "integer", "minimum": 1, "maximum": 15, "default": 8}
                ),
                "resolution": _nullable(
                    {"type": "string", "enum": list(RESOLUTIONS), "default": "480p"}
                ),
                "aspect_ratio": _nullable(
                    {"type": "string", "enum": list(ASPECT_RATIOS), "default": "16:9"}
                ),
                "image": _nullable(_url_object("Source image: the first frame (URL or data URI).")),
                "reference_images": _nullable(
                    {
                        "type": "array",
                        "maxItems": MAX_REFERENCE_IMAGES,
                        "items": _url_object("Style/content reference image."),
                    }
                ),
                "user": _nullable(
                    {"type": "string", "description": "End-user id (in the ledger)."}
                ),
            },
        },
        "ExtensionRequest": _video_request(
            "Input video: a clip URL of this server or a data URI.",
            duration=_nullable({"type": "integer", "minimum": 1, "maximum": 10, "default": 6}),
        ),
        "EditRequest": _video_request("Input video (at most ~8.7 s)."),
        "StartResponse": {
            "type": "object",
            "required": ["request_id"],
            "properties": {"request_id": {"type": "string", "format": "uuid"}},
        },
        "Pending": {
            "type": "object",
            "required": ["status", "progress"],
            "properties": {
                "status": {"type": "string", "enum": [pending]},
                "progress": {"type": "integer", "minimum": 0, "maximum": 99},
            },
        },
        "Done": {
            "type": "object",
            "required": ["status", "video", "model", "usage", "progress"],
            "properties": {
                "status": {"type": "string", "enum": ["done"]},
                "video": {
                    "type": "object",
                    "required": ["url", "duration", "respect_moderation"],
                    "properties": {
                        "url": {"type": "string"},
                        "duration": {"type": "integer"},
                        "respect_moderation": {"type": "boolean"},
                        "storage_error": {"type": "string"},
                    },
                },
                "model": {"type": "string"},
                "usage": {
                    "type": "object",
                    "required": ["cost_in_usd_ticks"],
                    "properties": {"cost_in_usd_ticks": {"type": "integer"}},
                },
                "progress": {"type": "integer", "enum": [100]},
            },
        },
        "Failed": {
            "type": "object",
            "required": ["status", "error"],
            "properties": {
                "status": {"type": "string", "enum": ["failed"]},
                "video": {"type": "object"},
                "model": {"type": "string"},
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                },
                "progress": {"type": "integer", "enum": [0]},
            },
        },
        "Expired": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"type": "string", "enum": ["expired"]}},
        },
        "Error": {
            "type": "object",
            "required": ["code", "error"],
            "properties": {"code": {"type": "string"}, "error": {"type": "string"}},
        },
        "DeserializeError": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string"}},
        },
        "Stats": {
            "type": "object",
            "required": ["accepted", "by_endpoint", "by_status", "total_cost_ticks"],
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "promptkit simulator (xAI video API)",
            "version": "1.0.0",
            "description": f"Local xAI-compatible video API ({dialect} dialect).",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/v1/videos/generations": {"post": _submit("Generate a video", "GenerationRequest")},
            "/v1/videos/extensions": {"post": _submit("Extend a video", "ExtensionRequest")},
            "/v1/videos/edits": {"post": _submit("Edit a video", "EditRequest")},
            "/v1/videos/{request_id}": {
                "get": {
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
                        "200": {
                            "description": "Finished (done, failed or expired).",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "anyOf": [_ref("Done"), _ref("Failed"), _ref("Expired")]
                                    }
                                }
                            },
                        },
                        "202": {
                            "description": "Still running (the body may be empty).",
                            "content": {"application/json": {"schema": _ref("Pending")}},
                        },
                        **_ERRORS,
                        "404": _json("Error", "Unknown request id."),
                    },
                }
            },
            "/sim/stats": {
                "get": {
                    "summary": "Simulator counters",
                    "responses": {"200": _json("Stats", "Counters.")},
                }
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
