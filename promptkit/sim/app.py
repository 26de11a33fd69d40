"""The simulator's HTTP face: an ASGI app speaking the xAI video REST API (two dialects).

Routes: ``POST /v1/videos/{generations,extensions,edits}``, ``GET /v1/videos/{request_id}``,
clip downloads at unguessable ``/clips/<token>.mp4`` (sidecar at ``.mp4.json``), ``GET /sim/stats``
and ``GET /openapi.json``. Every API call goes through the gate, submit pipeline and job answers of
:mod:`promptkit.sim.calls` (shared with the gRPC front), translated here to HTTP statuses and JSON.
Bad input is always a 4xx in the real API's shapes; only injected faults are 5xx.

A dropped connection is real over a socket (the transport is closed with no answer, or mid-body
for a truncated download); in-process under ``httpx.ASGITransport`` it surfaces as
:class:`ConnectionDropped` raised into the client.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from promptkit.sim.calls import (
    NOT_FOUND,
    Refused,
    accept,
    admit,
    allowance_headers,
    check_credits,
    find_job,
    job_body,
    prepare,
    roll_drop,
    roll_poll_drop,
)
from promptkit.sim.config import SimConfig
from promptkit.sim.jobs import Clock, Job
from promptkit.sim.openapi import openapi_document
from promptkit.sim.state import SimState
from promptkit.sim.wire import INVALID_ARGUMENT, Endpoint, WireError, parse_body, too_large

_RAW_SEND = "promptkit.sim.raw_send"
_METERED = "promptkit.sim.metered"


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
        if scope["type"] == "http":
            send = self._with_allowance(scope, send)
        await self.starlette(scope, receive, send)

    def _with_allowance(self, scope: Scope, send: Send) -> Send:
        """``send`` that adds the rate-limit headers to the answer of a metered call."""

        async def sending(message: Message) -> None:
            account = scope.get(_METERED)
            if message["type"] == "http.response.start" and account is not None:
                extra = [(k.encode(), v.encode()) for k, v in allowance_headers(
                    self.state, account).items()]  # fmt: skip
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        return sending


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


def _refused(sim: SimState, refusal: Refused) -> Response:
    headers = (
        {"Retry-After": str(int(refusal.retry_after))} if refusal.retry_after is not None else None
    )
    return _json(sim, refusal.status, refusal.body, headers)


def _gate(sim: SimState, request: Request) -> Response | str:
    """The shared gate (:func:`~promptkit.sim.calls.admit`); the key when it passes.

    A metered call (one that got past auth) is marked, so its answer carries the allowance.
    """
    try:
        token = admit(sim, request.headers.get("authorization"))
    except Refused as refusal:
        if refusal.account is not None:
            request.scope[_METERED] = refusal.account
        return _refused(sim, refusal)
    request.scope[_METERED] = sim.account(token)
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
    try:
        check_credits(sim)
    except Refused as refusal:
        return _refused(sim, refusal)
    drop = roll_drop(sim)
    try:
        raw = await _read_body(request, sim.config.max_body_bytes)
        if drop == "before":
            # Closed after the request arrived whole, as a server that fails before accepting
            # it would: bytes left unread would make the close a reset instead of an EOF.
            return _drop(request)
        data = parse_body(raw)
        prepared = await run_in_threadpool(prepare, sim, endpoint, data)
    except WireError as exc:
        return _json(sim, exc.status, exc.body)
    try:
        job = accept(sim, prepared, data, raw)
    except Refused as refusal:
        return _refused(sim, refusal)
    if sim.config.submit_delay_s:
        # A provider slow to answer: the job exists (and is billed) while the client waits.
        await asyncio.sleep(sim.config.submit_delay_s)
    if drop == "after":
        sim.counters.add("drops_after_accept")
        return _drop(request)
    return _json(sim, 200, {"request_id": job.request_id})


async def _poll(sim: SimState, request: Request) -> Response:
    gate = _gate(sim, request)
    if isinstance(gate, Response):
        return gate
    if roll_poll_drop(sim):
        return _drop(request)
    try:
        job = find_job(sim, request.path_params["request_id"])
    except Refused as refusal:
        return _refused(sim, refusal)
    return _job_response(sim, request, job)


def _job_response(sim: SimState, request: Request, job: Job) -> Response:
    body = job_body(sim, job, str(request.base_url))
    if body["status"] != "pending":
        return _json(sim, 200, body)
    if sim.faults.roll("empty_202", sim.config.empty_202_rate):
        sim.counters.add("empty_202")
        sim.counters.response(202)
        return Response(status_code=202)
    if sim.config.dialect == "blog":
        body["status"] = "processing"
    return _json(sim, 202, body)


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
