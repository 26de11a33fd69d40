"""The simulator's HTTP face: an ASGI app speaking the xAI video REST API (two dialects).

Routes: ``POST /v1/videos/{generations,extensions,edits}``, ``GET /v1/videos/{request_id}``,
clip downloads at unguessable ``/clips/<token>.mp4`` (sidecar at ``.mp4.json``), ``GET /sim/stats``
and ``GET /openapi.json``. Every API call goes through the same gate: auth, rate limits, injected
faults. Bad input is always a 4xx in the real API's shapes; only injected faults are 5xx.

A dropped connection is real over a socket (the transport is closed with no answer, or mid-body
for a truncated download); in-process under ``httpx.ASGITransport`` it surfaces as
:class:`ConnectionDropped` raised into the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from promptkit.sim.config import SimConfig
from promptkit.sim.jobs import Clock, Job
from promptkit.sim.openapi import openapi_document
from promptkit.sim.renderer import MediaError, VideoInfo, decode_image, probe_video
from promptkit.sim.state import SimState
from promptkit.sim.wire import (
    INVALID_ARGUMENT,
    Endpoint,
    Submission,
    WireError,
    invalid,
    parse_body,
    parse_submission,
    split_data_uri,
    too_large,
)

UNAUTHENTICATED = "The request does not have valid authentication credentials for the operation."
EXHAUSTED = "Some resource has been exhausted"
NOT_FOUND = "Some requested entity was not found"
_RAW_SEND = "promptkit.sim.raw_send"
_CLIP_PATH = re.compile(r"/clips/([A-Za-z0-9_-]{16,})\.mp4$")
_5XX = (
    (500, "Internal error", "An internal error occurred (injected by the simulator)."),
    (502, "Bad gateway", "Upstream returned an invalid response (injected by the simulator)."),
    (
        503,
        "The service is currently unavailable",
        "The service is temporarily overloaded (injected by the simulator).",
    ),
)


class ConnectionDropped(ConnectionResetError):
    """The simulator dropped the connection on purpose (seen only when running in-process)."""


class SimApp:
    """ASGI callable wrapping the Starlette routes; ``.state`` is the live :class:`SimState`."""

    def __init__(self, state: SimState, starlette: Starlette) -> None:
        self.state = state
        self.starlette = starlette

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Keep the server's own send so a drop can close the real socket, whatever wraps it.
        scope[_RAW_SEND] = send
        await self.starlette(scope, receive, send)


def create_app(config: SimConfig | None = None, *, clock: Clock | None = None) -> SimApp:
    """Build a simulator app (state lives in ``app.state``; nothing runs until it is served)."""
    sim = SimState(config or SimConfig(), clock)

    async def generations(request: Request) -> Response:
        return await _submit(sim, request, "generations")

    async def extensions(request: Request) -> Response:
        return await _submit(sim, request, "extensions")

    async def edits(request: Request) -> Response:
        return await _submit(sim, request, "edits")

    async def poll(request: Request) -> Response:
        return await _poll(sim, request)

    async def clip(request: Request) -> Response:
        return await _clip(sim, request)

    async def stats(request: Request) -> Response:
        return JSONResponse(sim.stats())

    async def openapi(request: Request) -> Response:
        return JSONResponse(openapi_document(sim.config.dialect))

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        headers = exc.headers if isinstance(exc, HTTPException) else None
        return JSONResponse(
            {
                "code": NOT_FOUND if status == 404 else INVALID_ARGUMENT,
                "error": f"No route for {request.method} {request.url.path}",
            },
            status_code=status,
            headers=headers,  # keeps Allow on a 405
        )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        sim.close()

    routes = [
        Route("/v1/videos/generations", generations, methods=["POST"]),
        Route("/v1/videos/extensions", extensions, methods=["POST"]),
        Route("/v1/videos/edits", edits, methods=["POST"]),
        Route("/v1/videos/{request_id}", poll, methods=["GET"]),
        Route("/clips/{name}", clip, methods=["GET"]),
        Route("/sim/stats", stats, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={HTTPException: http_error}
    )
    return SimApp(sim, app)


def _json(sim: SimState, status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    sim.counters.response(status)
    return JSONResponse(body, status_code=status, headers=headers)


def _drop(request: Request) -> Response:
    """Close the connection without answering (or raise, when there is no socket)."""
    raw_send = request.scope.get(_RAW_SEND)
    cycle = getattr(raw_send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionDropped("the simulator dropped the connection")
    # Mark the cycle disconnected so the server neither answers nor logs an error.
    cycle.disconnected = True  # type: ignore[union-attr]
    transport.close()
    return Response(status_code=204)


def _gate(sim: SimState, request: Request) -> Response | str:
    """Auth, rate limits and injected 5xx shared by every API call; the key when it passes."""
    cfg = sim.config
    header = request.headers.get("authorization")
    if not header:
        return _json(
            sim,
            401,
            {
                "code": UNAUTHENTICATED,
                "error": "Missing API key: send the header Authorization: Bearer <key>.",
            },
        )
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or cfg.api_key is not None and token != cfg.api_key:
        shown = f"{token[:2]}***{token[-2:]}" if len(token) > 6 else "***"
        message = f"Incorrect API key provided: {shown}. You can obtain an API key from https://console.x.ai."
        status = 401 if cfg.dialect == "blog" else 400
        code = UNAUTHENTICATED if status == 401 else INVALID_ARGUMENT
        return _json(sim, status, {"code": code, "error": message})
    now = sim.clock.now()
    # Limits count per account, as on the real API: rotating keys buys nothing.
    limited = sim.limiter.check(sim.account(token), cfg, now)
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
        headers = (
            {"Retry-After": str(int(wait))}
            if sim.faults.roll("retry_after", cfg.retry_after_rate)
            else None
        )
        return _json(sim, 429, {"code": EXHAUSTED, "error": message}, headers)
    if sim.faults.roll("error_5xx", cfg.error_5xx_rate):
        sim.counters.add("errors_5xx_injected")
        status, code, message = sim.faults.rng("error_5xx_kind").choice(_5XX)
        return _json(sim, status, {"code": code, "error": message})
    return token


async def _read_body(request: Request, limit: int) -> bytes:
    """The request body, or 413 as soon as it is known to be longer than ``limit`` bytes."""
    declared = request.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)  # refused before a byte of it is read
    # Chunked bodies declare no length: stop reading at the cap instead of buffering it all.
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def _submit(sim: SimState, request: Request, endpoint: Endpoint) -> Response:
    gate = _gate(sim, request)
    if isinstance(gate, Response):
        return gate
    cfg = sim.config
    if cfg.credits_exhausted:
        sim.counters.add("credits_exhausted")
        return _json(
            sim,
            429,
            {
                "code": EXHAUSTED,
                "error": (
                    f"Your team {sim.team_id} has either used all available credits or reached its "
                    "monthly spending limit. To continue making API requests, please purchase more "
                    "credits or raise your spending limit."
                ),
            },
        )
    drop_after = False
    if sim.faults.roll("drop", cfg.drop_rate):
        mode = cfg.drop_mode
        if mode == "both":
            mode = "before" if sim.faults.rng("drop_mode").random() < 0.5 else "after"
        if mode == "before":
            sim.counters.add("drops_before_accept")
            return _drop(request)
        drop_after = True
    try:
        raw = await _read_body(request, cfg.max_body_bytes)
        data = parse_body(raw)
        sub = parse_submission(endpoint, data)
        input_video = info = input_sidecar = first_frame = None
        if sub.video_url is not None:
            input_video, info, input_sidecar = await _input_video(sim, sub)
        if sub.image_bytes is not None:
            # Decoded here to refuse a bad image with a 400; the render reuses the frame.
            width, height = sub.size
            first_frame = await run_in_threadpool(decode_image, sub.image_bytes, width, height)
    except WireError as exc:
        return _json(sim, exc.status, exc.body)
    except MediaError as exc:
        return _json(sim, 400, {"code": INVALID_ARGUMENT, "error": f"{exc}"})
    if sim.is_moderated(sub.prompt):
        outcome = "moderated"
    else:
        outcome = "failed" if sim.faults.roll("fail", cfg.fail_rate) else "done"
    try:
        job = sim.store.create(
            sub,
            data,
            raw,
            outcome=outcome,  # type: ignore[arg-type]
            input_video=input_video,
            input_info=info,
            input_sidecar=input_sidecar,
            first_frame=first_frame,
        )
    except OSError as exc:
        # The job store could not record it (e.g. its disk is full): nothing was created.
        return _json(
            sim,
            507,
            {"code": "Internal error", "error": f"The job could not be stored ({exc.strerror}); "
             "nothing was created or billed. Retry later."},
        )  # fmt: skip
    if cfg.submit_delay_s:
        # A provider slow to answer: the job exists (and is billed) while the client waits.
        await asyncio.sleep(cfg.submit_delay_s)
    if drop_after:
        sim.counters.add("drops_after_accept")
        return _drop(request)
    return _json(sim, 200, {"request_id": job.request_id})


async def _input_video(
    sim: SimState, sub: Submission
) -> tuple[bytes, VideoInfo, dict[str, Any] | None]:
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
        clip = await run_in_threadpool(sim.store.materialize, clip)
        assert clip.data is not None
        payload, sidecar = clip.data, clip.sidecar
    info = await run_in_threadpool(probe_video, payload)
    cfg = sim.config
    limit = cfg.max_edit_input_s if sub.endpoint == "edits" else cfg.max_extension_input_s
    if info.duration_s > limit + 1e-6:
        kind = "an edit" if sub.endpoint == "edits" else "an extension"
        raise invalid(
            f"the input video is {info.duration_s:.2f} s long; {kind} accepts at most {limit:g} s"
        )
    return payload, info, sidecar


async def _poll(sim: SimState, request: Request) -> Response:
    gate = _gate(sim, request)
    if isinstance(gate, Response):
        return gate
    sim.counters.add("polls")
    if sim.faults.roll("drop_poll", sim.config.drop_rate):
        sim.counters.add("drops_poll")
        return _drop(request)
    request_id = request.path_params["request_id"]
    job = sim.store.get(request_id)
    if job is None:
        return _json(
            sim, 404, {"code": NOT_FOUND, "error": f"No video request with id {request_id!r}."}
        )
    return _job_response(sim, request, job)


def _job_response(sim: SimState, request: Request, job: Job) -> Response:
    status = sim.store.status(job)
    if status == "pending":
        if sim.faults.roll("empty_202", sim.config.empty_202_rate):
            sim.counters.add("empty_202")
            sim.counters.response(202)
            return Response(status_code=202)
        label = "processing" if sim.config.dialect == "blog" else "pending"
        return _json(sim, 202, {"status": label, "progress": sim.store.progress(job)})
    if status == "expired":
        return _json(sim, 200, {"status": "expired"})
    if status == "failed":
        return _json(
            sim,
            200,
            {
                "status": "failed",
                "video": {"duration": 0, "respect_moderation": True},
                "model": "",
                "error": job.error,
                "progress": 0,
            },
        )
    moderated = job.outcome == "moderated"
    url = ""
    if not moderated and job.clip is not None:
        url = f"{str(request.base_url).rstrip('/')}/clips/{job.clip.token}.mp4"
    return _json(
        sim,
        200,
        {
            "status": "done",
            "video": {"url": url, "duration": job.duration_s, "respect_moderation": not moderated},
            "model": job.model,
            "usage": {"cost_in_usd_ticks": job.cost_ticks},
            "progress": 100,
        },
    )


async def _clip(sim: SimState, request: Request) -> Response:
    name: str = request.path_params["name"]
    token, sidecar = name.removesuffix(".json"), name.endswith(".mp4.json")
    clip = sim.store.clip(token.removesuffix(".mp4")) if token.endswith(".mp4") else None
    if clip is None:
        return _json(
            sim, 404, {"code": NOT_FOUND, "error": "This clip URL does not exist or has expired."}
        )
    if clip.data is None:  # restored from disk: rendered again the first time it is asked for
        clip = await run_in_threadpool(sim.store.materialize, clip)
        assert clip.data is not None
    if sidecar:
        return _json(sim, 200, clip.sidecar)
    cfg = sim.config
    sim.counters.add("downloads")
    slow = sim.faults.roll("slow_download", cfg.slow_download_rate)
    truncate = sim.faults.roll("truncate_download", cfg.truncate_download_rate)
    sim.counters.add("downloads_slow", int(slow))
    sim.counters.add("downloads_truncated", int(truncate))
    sim.counters.response(200)
    return ClipResponse(
        clip.data, bytes_per_s=cfg.slow_download_bytes_per_s if slow else None, truncate=truncate
    )


class ClipResponse(Response):
    """An MP4 body that can be throttled, or cut short after promising its full length."""

    media_type = "video/mp4"

    def __init__(self, data: bytes, *, bytes_per_s: int | None, truncate: bool) -> None:
        super().__init__(content=b"", media_type=self.media_type)
        self.data = data
        self.bytes_per_s = bytes_per_s
        self.truncate = truncate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"video/mp4"),
                    (b"content-length", str(len(self.data)).encode()),
                ],
            }
        )
        if scope.get("method") == "HEAD":
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        end = len(self.data) // 2 if self.truncate else len(self.data)
        chunk = 64 * 1024 if self.bytes_per_s is None else max(1024, self.bytes_per_s // 20)
        for start in range(0, end, chunk):
            piece = self.data[start : min(end, start + chunk)]
            await send({"type": "http.response.body", "body": piece, "more_body": True})
            if self.bytes_per_s is not None:
                await asyncio.sleep(len(piece) / self.bytes_per_s)
        if self.truncate:
            _drop(Request(scope))
            return
        await send({"type": "http.response.body", "body": b"", "more_body": False})
