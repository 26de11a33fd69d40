"""What every simulated API call does, whichever front carried it (REST or gRPC).

One gate (auth, rate limits, injected 5xx), one credits check, one drop roll, one submit
pipeline (validate, resolve the inputs, moderate, create the job) and one answer per job state,
all on the same :class:`~promptkit.sim.state.SimState`. The fronts only translate: ``app`` to
HTTP statuses and JSON bodies, ``grpc_service`` to gRPC status codes and protobuf messages. A
refusal therefore carries both answers, decided in one place: the REST status and body, and the
name of the gRPC status code the official SDK would see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlparse

import numpy as np

from promptkit.sim.jobs import Job
from promptkit.sim.renderer import MediaError, VideoInfo, decode_image, probe_video
from promptkit.sim.state import SimState
from promptkit.sim.wire import (
    INVALID_ARGUMENT,
    Endpoint,
    Submission,
    invalid,
    parse_submission,
    split_data_uri,
)

UNAUTHENTICATED = "The request does not have valid authentication credentials for the operation."
EXHAUSTED = "Some resource has been exhausted"
NOT_FOUND = "Some requested entity was not found"
STORAGE_UNSUPPORTED = (
    "storage_options is not supported by the simulator (it has no Files API); "
    "download the clip from its url instead"
)
# OpenAI's names for the same facts, which clients already read; see docs/simulator.md.
LIMIT_HEADER = "x-ratelimit-limit-requests"
REMAINING_HEADER = "x-ratelimit-remaining-requests"
RESET_HEADER = "x-ratelimit-reset-requests"
_CLIP_PATH = re.compile(r"/clips/([A-Za-z0-9_-]{16,})\.mp4$")
# (HTTP status, REST code, message, gRPC status): what a gateway error looks like from each side.
_5XX = (
    (500, "Internal error", "An internal error occurred (injected by the simulator).", "INTERNAL"),
    (
        502,
        "Bad gateway",
        "Upstream returned an invalid response (injected by the simulator).",
        "UNAVAILABLE",
    ),
    (
        503,
        "The service is currently unavailable",
        "The service is temporarily overloaded (injected by the simulator).",
        "UNAVAILABLE",
    ),
)


@dataclass
class Refused(Exception):
    """A call the simulator refuses, as each front answers it."""

    status: int
    body: dict[str, Any]
    grpc_code: str
    retry_after: float | None = None
    account: str | None = None
    """The account whose rate limit the call met (None: refused before it was metered)."""

    @property
    def message(self) -> str:
        return str(self.body.get("error", ""))


@dataclass
class Prepared:
    """A valid submission with its inputs resolved: what :func:`accept` turns into a job."""

    sub: Submission
    input_video: bytes | None = None
    input_info: VideoInfo | None = None
    input_sidecar: dict[str, Any] | None = None
    first_frame: np.ndarray | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def admit(sim: SimState, authorization: str | None) -> str:
    """Auth, rate limits and injected 5xx shared by every API call; the key when it passes.

    A call that gets past auth is metered (it counts against the account's limit, or is refused
    by it): a refusal from then on names the account, so its answer can carry the allowance.
    """
    cfg = sim.config
    if not authorization:
        raise Refused(
            401,
            {
                "code": UNAUTHENTICATED,
                "error": "Missing API key: send the header Authorization: Bearer <key>.",
            },
            "UNAUTHENTICATED",
        )
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or cfg.api_key is not None and token != cfg.api_key:
        shown = f"{token[:2]}***{token[-2:]}" if len(token) > 6 else "***"
        message = f"Incorrect API key provided: {shown}. You can obtain an API key from https://console.x.ai."
        status = 401 if cfg.dialect == "blog" else 400
        code = UNAUTHENTICATED if status == 401 else INVALID_ARGUMENT
        # The SDK documents UNAUTHENTICATED for a missing, invalid or expired key.
        raise Refused(status, {"code": code, "error": message}, "UNAUTHENTICATED")
    now = sim.clock.now()
    # Limits count per account, as on the real API: rotating keys buys nothing.
    account = sim.account(token)
    limited = sim.limiter.check(account, cfg, now)
    random_429 = limited is None and sim.faults.roll("random_429", cfg.random_429_rate)
    if limited is not None or random_429:
        sim.counters.add("rate_limited")
        if limited is None:
            wait, message = 1.0, "Too many requests: the service is busy; retry shortly."
        else:
            wait, window = limited
            limit = cfg.rps if window == "second" else cfg.rpm
            message = (
                f"Too many requests: your team is limited to {limit:g} requests "
                f"per {window}; slow down and retry."
            )
        told = sim.faults.roll("retry_after", cfg.retry_after_rate)
        raise Refused(
            429,
            {"code": EXHAUSTED, "error": message},
            "RESOURCE_EXHAUSTED",
            retry_after=wait if told else None,
            account=account,
        )
    sim.counters.add("metered")
    if sim.faults.roll("error_5xx", cfg.error_5xx_rate):
        sim.counters.add("errors_5xx_injected")
        status, code, message, grpc_code = sim.faults.rng("error_5xx_kind").choice(_5XX)
        raise Refused(status, {"code": code, "error": message}, grpc_code, account=account)
    return token


def allowance_headers(sim: SimState, account: str) -> dict[str, str]:
    """The rate-limit headers of a metered answer: what the account may still send.

    Only metered answers carry them (API calls, refused ones included), never a clip download:
    a client tells from them which of its requests the provider counts.
    """
    allowance = sim.limiter.allowance(account, sim.config, sim.clock.now())
    if allowance is None:
        return {}
    return {
        LIMIT_HEADER: str(allowance.limit),
        REMAINING_HEADER: str(allowance.remaining),
        RESET_HEADER: f"{allowance.reset_s:g}s",
    }


def check_credits(sim: SimState) -> None:
    """Refuse every submit while the team's credits are exhausted."""
    if not sim.config.credits_exhausted:
        return
    sim.counters.add("credits_exhausted")
    raise Refused(
        429,
        {
            "code": EXHAUSTED,
            "error": (
                f"Your team {sim.team_id} has either used all available credits or reached its "
                "monthly spending limit. To continue making API requests, please purchase more "
                "credits or raise your spending limit."
            ),
        },
        "RESOURCE_EXHAUSTED",
    )


def roll_drop(sim: SimState) -> Literal["before", "after"] | None:
    """Whether this submit's connection drops, and when; a drop before accepting is counted."""
    cfg = sim.config
    if not sim.faults.roll("drop", cfg.drop_rate):
        return None
    mode = cfg.drop_mode
    if mode == "both":
        mode = "before" if sim.faults.rng("drop_mode").random() < 0.5 else "after"
    if mode == "before":
        sim.counters.add("drops_before_accept")
        return "before"
    return "after"


def roll_poll_drop(sim: SimState) -> bool:
    """Count a poll and say whether its connection drops."""
    sim.counters.add("polls")
    if sim.faults.roll("drop_poll", sim.config.drop_rate):
        sim.counters.add("drops_poll")
        return True
    return False


def prepare(sim: SimState, endpoint: Endpoint, data: dict[str, Any]) -> Prepared:
    """Validate a submit body and resolve its inputs (blocking: decodes media); or WireError."""
    sub = parse_submission(endpoint, data)
    prepared = Prepared(sub)
    if data.get("storage_options") is not None:
        # The answer's video.storage_error is the API's own way to say storage did not happen.
        prepared.extra["storage_error"] = STORAGE_UNSUPPORTED
    try:
        if sub.video_url is not None:
            prepared.input_video, prepared.input_info, prepared.input_sidecar = _input_video(
                sim, sub
            )
        if sub.image_bytes is not None:
            # Decoded here to refuse a bad image with a 400; the render reuses the frame.
            width, height = sub.size
            prepared.first_frame = decode_image(sub.image_bytes, width, height)
    except MediaError as exc:
        raise invalid(f"{exc}") from None
    return prepared


def accept(
    sim: SimState, prepared: Prepared, data: dict[str, Any], raw: bytes, *, via: str = "rest"
) -> Job:
    """Decide the job's outcome (moderation, injected failure) and create it."""
    sub = prepared.sub
    if sim.is_moderated(sub.prompt):
        outcome = "moderated"
    else:
        outcome = "failed" if sim.faults.roll("fail", sim.config.fail_rate) else "done"
    try:
        job = sim.store.create(
            sub,
            data,
            raw,
            outcome=outcome,  # type: ignore[arg-type]
            input_video=prepared.input_video,
            input_info=prepared.input_info,
            input_sidecar=prepared.input_sidecar,
            first_frame=prepared.first_frame,
            via=via,
        )
    except OSError as exc:
        # The job store could not record it (e.g. its disk is full): nothing was created, so
        # a client may safely retry (gRPC UNAVAILABLE, which the SDK retries).
        raise Refused(
            507,
            {"code": "Internal error", "error": f"The job could not be stored ({exc.strerror}); "
             "nothing was created or billed. Retry later."},
            "UNAVAILABLE",
        ) from exc  # fmt: skip
    job.extra.update(prepared.extra)
    return job


def find_job(sim: SimState, request_id: str) -> Job:
    job = sim.store.get(request_id)
    if job is None:
        raise Refused(
            404,
            {"code": NOT_FOUND, "error": f"No video request with id {request_id!r}."},
            "NOT_FOUND",
        )
    return job


def job_body(sim: SimState, job: Job, base_url: str) -> dict[str, Any]:
    """The official answer for a job's current state (REST JSON; gRPC transcodes it).

    Clip URLs are ``<base_url>/clips/<token>.mp4``: the REST front of this simulator serves them.
    """
    status = sim.store.status(job)
    if status == "pending":
        return {"status": "pending", "progress": sim.store.progress(job)}
    if status == "expired":
        return {"status": "expired"}
    if status == "failed":
        return {
            "status": "failed",
            "video": {"duration": 0, "respect_moderation": True},
            "model": "",
            "error": job.error,
            "progress": 0,
        }
    moderated = job.outcome == "moderated"
    url = ""
    if not moderated and job.clip is not None:
        url = f"{base_url.rstrip('/')}/clips/{job.clip.token}.mp4"
    video: dict[str, Any] = {
        "url": url,
        "duration": job.duration_s,
        "respect_moderation": not moderated,
    }
    if "storage_error" in job.extra:
        video["storage_error"] = job.extra["storage_error"]
    return {
        "status": "done",
        "video": video,
        "model": job.model,
        "usage": {"cost_in_usd_ticks": job.cost_ticks},
        "progress": 100,
    }


def _input_video(sim: SimState, sub: Submission) -> tuple[bytes, VideoInfo, dict[str, Any] | None]:
    """Bytes, length and (for the simulator's own clips) sidecar of an edit/extension input."""
    url = sub.video_url
    assert url is not None  # only called for a submission with an input video
    sidecar = None
    if url.startswith("data:"):
        _, payload = split_data_uri(url, "video.url")
    else:
        try:
            path = urlparse(url).path
        except ValueError:  # e.g. "http://[": not a URL the simulator could ever serve
            path = ""
        match = _CLIP_PATH.search(path)
        clip = sim.store.clip(match.group(1)) if match else None
        if clip is None:
            raise invalid(
                "video.url could not be downloaded (HTTP 404); the simulator reads its "
                "own unexpired clip URLs and data: URIs"
            )
        clip = sim.store.materialize(clip)  # a restored clip is rendered again, byte for byte
        assert clip.data is not None
        payload, sidecar = clip.data, clip.sidecar
    info = probe_video(payload)
    cfg = sim.config
    limit = cfg.max_edit_input_s if sub.endpoint == "edits" else cfg.max_extension_input_s
    if info.duration_s > limit + 1e-6:
        kind = "an edit" if sub.endpoint == "edits" else "an extension"
        raise invalid(
            f"the input video is {info.duration_s:.2f} s long; {kind} accepts at most {limit:g} s"
        )
    return payload, info, sidecar
