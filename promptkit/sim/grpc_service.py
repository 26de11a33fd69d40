"""The simulator's gRPC face: the official SDK's ``xai_api.Video`` service on its own port.

``xai-sdk`` speaks gRPC for video (GenerateVideo, ExtendVideo, GetDeferredVideo), so this front
serves that service, with the handlers the SDK's own generated module registers
(``video_pb2_grpc.add_VideoServicer_to_server``), over the same :class:`SimState` as the REST
front: one job store, ledger, fault model and rate limiter. Every call runs the shared pipeline
of :mod:`promptkit.sim.calls`; a refusal becomes the gRPC status code that pipeline names for it
(``UNAUTHENTICATED``, ``RESOURCE_EXHAUSTED`` with a ``google.rpc.RetryInfo`` when the REST answer
would carry ``Retry-After``, ``INVALID_ARGUMENT``, ``NOT_FOUND``, ``INTERNAL``, ``UNAVAILABLE``).
A dropped connection is answered ``UNAVAILABLE``, which is what a client sees when its
connection is reset, and which the SDK's retry policy resubmits on its own.

Importing this module needs the optional ``grpc`` extra (``grpcio`` and ``xai-sdk``); the REST
simulator never imports it.
"""

from __future__ import annotations

import math
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NoReturn

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import error_details_pb2, status_pb2
from xai_sdk.proto import deferred_pb2, video_pb2_grpc

from promptkit.errors import SimulatorError
from promptkit.sim.calls import (
    Refused,
    accept,
    admit,
    check_credits,
    find_job,
    job_body,
    prepare,
    roll_drop,
    roll_poll_drop,
)
from promptkit.sim.grpc_wire import deferred_response, extend_body, generate_body
from promptkit.sim.state import SimState
from promptkit.sim.wire import Endpoint, WireError

DROPPED = "the simulator dropped the connection (injected by drop_rate)"
_WORKERS = 8


class VideoService:
    """The three RPCs of ``xai_api.Video`` on one simulator's state.

    ``clip_base_url`` is the REST front's base URL: it serves the clips whose URLs the replies
    carry (the SDK returns that URL; downloading it is the caller's job, as on the real API).
    """

    def __init__(self, state: SimState, clip_base_url: str) -> None:
        self.state = state
        self.clip_base_url = clip_base_url

    def GenerateVideo(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        endpoint, body = generate_body(request)
        return self._submit(endpoint, body, request, context)

    def ExtendVideo(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        return self._submit("extensions", extend_body(request), request, context)

    def GetDeferredVideo(self, request: Any, context: grpc.ServicerContext) -> Any:  # noqa: N802
        sim = self.state
        try:
            admit(sim, _authorization(context))
            if roll_poll_drop(sim):
                self._abort(context, "UNAVAILABLE", DROPPED)
            job = find_job(sim, request.request_id)
        except Refused as refusal:
            self._refuse(context, refusal)
        reply = deferred_response(job_body(sim, job, self.clip_base_url))
        sim.counters.grpc_response("OK")
        return reply

    def _submit(
        self, endpoint: Endpoint, body: dict[str, Any], request: Any, context: grpc.ServicerContext
    ) -> Any:
        sim = self.state
        try:
            admit(sim, _authorization(context))
            check_credits(sim)
        except Refused as refusal:
            self._refuse(context, refusal)
        drop = roll_drop(sim)
        if drop == "before":
            self._abort(context, "UNAVAILABLE", DROPPED)
        try:
            prepared = prepare(sim, endpoint, body)
        except WireError as exc:
            self._abort(context, exc.grpc_code, str(exc))
        # The serialized request is this front's "raw body" (the ledger's body_sha256).
        raw = request.SerializeToString(deterministic=True)
        try:
            job = accept(sim, prepared, body, raw, via="grpc")
        except Refused as refusal:
            self._refuse(context, refusal)
        if sim.config.submit_delay_s:
            # A provider slow to answer (a worker thread of this front waits, as REST's task does).
            time.sleep(sim.config.submit_delay_s)
        if drop == "after":
            sim.counters.add("drops_after_accept")
            self._abort(context, "UNAVAILABLE", DROPPED)
        sim.counters.grpc_response("OK")
        return deferred_pb2.StartDeferredResponse(request_id=job.request_id)

    def _refuse(self, context: grpc.ServicerContext, refusal: Refused) -> NoReturn:
        self._abort(context, refusal.grpc_code, refusal.message, refusal.retry_after)

    def _abort(
        self,
        context: grpc.ServicerContext,
        code_name: str,
        message: str,
        retry_after: float | None = None,
    ) -> NoReturn:
        code = grpc.StatusCode[code_name]
        self.state.counters.grpc_response(code_name)
        if retry_after is not None:
            # The gRPC form of Retry-After: google.rpc.RetryInfo in the rich status details.
            delay = duration_pb2.Duration(seconds=math.ceil(retry_after))
            detail = any_pb2.Any()
            detail.Pack(error_details_pb2.RetryInfo(retry_delay=delay))
            status = status_pb2.Status(code=code.value[0], message=message, details=[detail])
            context.set_trailing_metadata(
                (("grpc-status-details-bin", status.SerializeToString()),)
            )
        context.abort(code, message)
        raise AssertionError("context.abort returned")  # it always raises


def _authorization(context: grpc.ServicerContext) -> str | None:
    for key, value in context.invocation_metadata() or ():
        if key.lower() == "authorization":
            return str(value)
    return None


class GrpcFront:
    """A gRPC server for one simulator's state, on ``host:port`` (0 picks a free port)."""

    def __init__(self, state: SimState, clip_base_url: str, host: str, port: int) -> None:
        self.state = state
        self.host = host
        self.port = port
        self._service = VideoService(state, clip_base_url)
        self._server: grpc.Server | None = None

    @property
    def target(self) -> str:
        """``host:port`` as the SDK's ``api_host`` takes it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    def start(self) -> str:
        """Bind and serve in grpc's worker threads; returns :attr:`target`."""
        if self.port:
            self._check_free()
        server = grpc.server(
            ThreadPoolExecutor(_WORKERS, thread_name_prefix="sim-grpc"),
            options=[
                # Without this Linux lets a second server share a busy port silently.
                ("grpc.so_reuseport", 0),
                # The REST front's body cap; a larger message is RESOURCE_EXHAUSTED, as in gRPC.
                ("grpc.max_receive_message_length", self.state.config.max_body_bytes),
            ],
        )
        video_pb2_grpc.add_VideoServicer_to_server(self._service, server)
        try:
            port = server.add_insecure_port(self.target)
        except RuntimeError:
            port = 0
        if not port:
            server.stop(None)
            raise SimulatorError(
                f"cannot listen for gRPC on {self.target}; choose another --grpc-port "
                "(0 picks a free one)"
            )
        self.port = port
        server.start()
        self._server = server
        return self.target

    def _check_free(self) -> None:
        # Probed first so a busy port is our one-line error, not grpc's own log line as well.
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError as exc:
                raise SimulatorError(
                    f"cannot listen for gRPC on {self.target}: {exc.strerror or exc}; "
                    "choose another --grpc-port (0 picks a free one)"
                ) from exc

    def stop(self, grace: float = 2.0) -> None:
        """Finish calls in flight (up to ``grace`` seconds) and free the port."""
        if self._server is not None:
            self._server.stop(grace).wait()
            self._server = None
