"""The xAI video REST wire schema: request bodies and tolerant parsing of responses.

Responses follow the official API (``pending``/``done``/``failed``/``expired``; HTTP 202 with a
possibly empty body while pending; moderation = ``done`` with ``respect_moderation: false`` and
no URL; cost in ticks, 1 USD = 1e10 ticks). Parsing is tolerant on purpose: unknown fields are
ignored, ill-typed fields become ``None``, ``processing``/``queued`` mean pending, and an unknown
status keeps the job pending with a warning (as the official SDK does). Only a body that cannot
be read at all raises, and then only a :class:`~promptkit.errors.PromptkitError`.
"""

from __future__ import annotations

import json
import logging
import math
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    computed_field,
)

from promptkit.errors import ProviderError, ServerError, UncertainSubmit
from promptkit.models import TICKS_PER_USD, ticks_to_usd

log = logging.getLogger("promptkit.client")

Status = Literal["pending", "done", "failed", "expired"]
# Names other APIs, mocks and the popular blog post use for the same states.
STATUS_ALIASES: dict[str, Status] = {
    "pending": "pending",
    "processing": "pending",
    "queued": "pending",
    "in_progress": "pending",
    "running": "pending",
    "done": "done",
    "completed": "done",
    "succeeded": "done",
    "failed": "failed",
    "error": "failed",
    "expired": "expired",
}
MAX_MESSAGE = 300
MAX_COST_USD = 1000
"""The most one job can honestly cost: the dearest clip on the price table is about $2; a figure
above this (or below zero) is a provider error, never booked."""
MAX_COST_TICKS = MAX_COST_USD * TICKS_PER_USD


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _bool_or_none(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _dict_or_none(value: Any) -> Any:
    return value if isinstance(value, dict) else None


LenientInt = Annotated[int | None, BeforeValidator(_int_or_none)]
LenientStr = Annotated[str | None, BeforeValidator(_str_or_none)]
LenientBool = Annotated[bool | None, BeforeValidator(_bool_or_none)]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class WireVideo(_Wire):
    url: LenientStr = None
    duration: LenientInt = None
    respect_moderation: LenientBool = None


class WireUsage(_Wire):
    cost_in_usd_ticks: LenientInt = None


class WireError(_Wire):
    code: LenientStr = None
    message: LenientStr = None


def _error_field(value: Any) -> Any:
    if isinstance(value, str):
        return {"message": value}
    return value if isinstance(value, dict) else None


class WireStatusBody(_Wire):
    """``GET /v1/videos/{request_id}``: the fields promptkit reads (others are ignored)."""

    status: LenientStr = None
    progress: LenientInt = None
    video: Annotated[WireVideo | None, BeforeValidator(_dict_or_none)] = None
    model: LenientStr = None
    usage: Annotated[WireUsage | None, BeforeValidator(_dict_or_none)] = None
    error: Annotated[WireError | None, BeforeValidator(_error_field)] = None


class JobStatus(BaseModel):
    """One job's state as the API reported it, normalised."""

    model_config = ConfigDict(frozen=True)

    request_id: str = Field(description="The id the submit returned.")
    status: Status = Field(description="pending, done, failed or expired.")
    progress: int | None = Field(default=None, description="0–100 when the server said.")
    video_url: str | None = Field(default=None, description="Clip URL when done (expires).")
    duration: int | None = Field(default=None, description="Clip length in seconds when done.")
    moderated: bool = Field(default=False, description="Done, but withheld by moderation.")
    model: str | None = Field(default=None, description="Model actually used.")
    cost_ticks: int | None = Field(default=None, description="Cost in ticks (1 USD = 1e10).")
    error_code: str | None = Field(default=None, description="Failure code when failed.")
    error_message: str | None = Field(default=None, description="Failure message when failed.")
    raw: dict[str, Any] = Field(default_factory=dict, description="The body as received.")
    http_status: int | None = Field(default=None, description="HTTP status of the response.")
    reported_status: str | None = Field(
        default=None, description="The status string exactly as the server sent it."
    )

    @property
    def terminal(self) -> bool:
        """True once the job will not change any more (done, failed or expired)."""
        return self.status != "pending"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cost_usd(self) -> Decimal | None:
        """Exact cost in US dollars, from the ticks."""
        return None if self.cost_ticks is None else ticks_to_usd(self.cost_ticks)


def one_line(text: str, limit: int = MAX_MESSAGE) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is empty or not a JSON object."""
    if not body or not body.strip():
        return None
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def parse_status(request_id: str, http_status: int, body: bytes) -> JobStatus:
    """Normalise a 2xx status response; raises :class:`ServerError` only for an unreadable 200."""
    data = parse_json_object(body)
    if data is None:
        if http_status == 202:
            return JobStatus(request_id=request_id, status="pending", http_status=202)
        raise ServerError(
            f"status of {request_id}: HTTP {http_status} with a body that is not a JSON object",
            request_id=request_id,
            status_code=http_status,
        )
    try:
        wire = WireStatusBody.model_validate(data)
    except (ValidationError, ValueError, TypeError, RecursionError):  # pragma: no cover - lenient
        wire = WireStatusBody()
    reported = wire.status
    video = wire.video or WireVideo()
    status = _normalise_status(request_id, reported, video, http_status)
    moderated = status == "done" and (video.respect_moderation is False or not video.url)
    error = wire.error or WireError()
    cost = _cost_ticks(request_id, data, wire)
    return JobStatus(
        request_id=request_id,
        status=status,
        progress=wire.progress,
        video_url=video.url if status == "done" and not moderated else None,
        duration=video.duration,
        moderated=moderated,
        model=wire.model,
        cost_ticks=cost,
        error_code=error.code,
        error_message=one_line(error.message) if error.message else None,
        raw=data,
        http_status=http_status,
        reported_status=reported,
    )


def _cost_ticks(request_id: str, data: dict[str, Any], wire: WireStatusBody) -> int | None:
    """The reported cost, or None when none was reported; a reported cost that is not a whole
    number of ticks from 0 to :data:`MAX_COST_TICKS` raises :class:`ProviderError`: money is the
    one field parsing is strict about, since spend, the budget guard and ``--fail-on cost-usd``
    add it up."""
    usage = data.get("usage")
    raw = usage.get("cost_in_usd_ticks") if isinstance(usage, dict) else None
    if raw is None:
        return None
    cost = wire.usage.cost_in_usd_ticks if wire.usage else None
    if cost is None or not 0 <= cost <= MAX_COST_TICKS:
        shown = one_line(repr(raw), 40)
        raise ProviderError(
            f"status of {request_id}: the provider reported a cost of {shown} ticks, which cannot "
            f"be right (allowed: 0 to ${MAX_COST_USD} per job); not booked",
            request_id=request_id,
        )
    return cost


def _normalise_status(
    request_id: str, reported: str | None, video: WireVideo, http_status: int
) -> Status:
    if reported is not None:
        known = STATUS_ALIASES.get(reported.strip().lower())
        if known is not None:
            return known
    elif video.url:
        # Some proxies drop the status once the clip is there (the Vercel SDK accepts this too).
        return "done"
    elif http_status == 202:
        return "pending"
    log.warning(
        "job %s: unknown status %r (HTTP %s); still waiting",
        request_id,
        one_line(str(reported), 60),
        http_status,
    )
    return "pending"


def parse_request_id(body: bytes, *, endpoint: str, http_status: int) -> str:
    """The ``request_id`` of a submit's answer.

    A 2xx without one is *uncertain*: the server may have accepted (and billed) the job.
    """
    data = parse_json_object(body)
    rid = data.get("request_id") if data else None
    if isinstance(rid, str) and rid.strip():
        return rid.strip()
    raise UncertainSubmit(
        f"{endpoint} answered HTTP {http_status} without a request_id; the job may exist — "
        "check the xAI console before submitting again",
        status_code=http_status,
    )


def server_message(body: bytes) -> str | None:
    """The human message of an error body, whatever shape the server used.

    xAI sends ``{"code": "...", "error": "<message>"}``; OpenAI-style proxies send
    ``{"error": {"message": ...}}``; others ``{"message": ...}`` or ``{"detail": ...}``.
    """
    data = parse_json_object(body)
    if data is None:
        text = body.decode("utf-8", "replace").strip()
        # An HTML error page from a proxy says nothing useful in one line.
        if not text or text.startswith("<"):
            return None
        return one_line(text)
    error = data.get("error")
    for candidate in (
        error if isinstance(error, str) else None,
        error.get("message") if isinstance(error, dict) else None,
        data.get("message"),
        data.get("detail"),
        data.get("code"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return one_line(candidate)
    return None
