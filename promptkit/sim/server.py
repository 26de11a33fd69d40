"""Run the simulator in-process: uvicorn in a background thread on a loopback port.

``with SimServer(SimConfig(...)) as sim:`` gives ``sim.base_url`` and ``sim.api_key`` for any HTTP
client, ``sim.configure(...)`` to switch faults on while it runs, and ``sim.stats()`` /
``sim.ledger_entries()`` to check what was requested. The eval runner and the pytest plugin use
it; ``promptkit sim`` uses it too and just waits for Ctrl-C. With ``grpc_port`` (or
:meth:`SimServer.start_grpc`) it also serves the official SDK's gRPC video service over the same
state, at ``sim.grpc_target``; that front needs the optional ``grpc`` extra.
"""

from __future__ import annotations

import importlib
import os
import socket
import threading
import time
from collections.abc import Mapping
from types import ModuleType, TracebackType
from typing import Any

import uvicorn

from promptkit.config import Settings
from promptkit.errors import SimulatorError
from promptkit.sim.app import SimApp, create_app
from promptkit.sim.config import SimConfig
from promptkit.sim.jobs import Clock
from promptkit.sim.state import SimState

# Sent when no key is configured: the simulator then accepts any bearer key.
DEFAULT_CLIENT_KEY = "sim-key"
CLIENT_KEY_ENV = "PROMPTKIT_SIM_API_KEY"
GRPC_EXTRA = "pip install 'promptkit[grpc]'"


def client_key(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """The key to send to a simulator someone else started (never the real ``XAI_API_KEY``):
    ``PROMPTKIT_SIM_API_KEY``, else ``[tool.promptkit.sim] api_key`` (what ``promptkit sim``
    itself reads), else the key any simulator without a configured key accepts."""
    env = os.environ if environ is None else environ
    return env.get(CLIENT_KEY_ENV) or settings.section("sim").get("api_key") or DEFAULT_CLIENT_KEY


class SimServer:
    """A simulator listening on ``host:port`` (port 0 picks a free one) until :meth:`stop`;
    with ``grpc_port``, its gRPC front listens on ``host:grpc_port`` too."""

    def __init__(
        self,
        config: SimConfig | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock | None = None,
        grpc_port: int | None = None,
    ) -> None:
        self.config = config or SimConfig()
        self.host = host
        self.port = port
        self.grpc_port = grpc_port
        self.app: SimApp = create_app(self.config, clock=clock)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._grpc: Any = None  # a grpc_service.GrpcFront once the gRPC front runs

    @property
    def state(self) -> SimState:
        return self.app.state

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def grpc_target(self) -> str | None:
        """``host:port`` of the gRPC front (the SDK's ``api_host``), or None when it is off."""
        return None if self._grpc is None else str(self._grpc.target)

    @property
    def api_key(self) -> str:
        """The key clients should send (the configured one, else any key works)."""
        return self.state.config.api_key or DEFAULT_CLIENT_KEY

    def start(self, timeout: float = 10.0) -> SimServer:
        """Bind, serve in a daemon thread, and return once requests are being accepted."""
        if self._thread is not None:
            return self
        # Checked before binding anything, so a missing extra leaves nothing running.
        grpc_front = None if self.grpc_port is None else load_grpc_front()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            raise SimulatorError(
                f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}; "
                "choose another --port (0 picks a free one)"
            ) from exc
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="promptkit-sim", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SimulatorError(f"the simulator did not start on {self.base_url}")
            time.sleep(0.01)
        if grpc_front is not None and self.grpc_port is not None:
            try:
                self._start_grpc(grpc_front, self.grpc_port)
            except SimulatorError:
                self.stop()
                raise
        return self

    def start_grpc(self, port: int = 0) -> str:
        """Serve the gRPC front too (started with REST if REST is not up yet); its target."""
        if self._grpc is None:
            if self._thread is None:
                self.grpc_port = port
                self.start()
            else:
                self._start_grpc(load_grpc_front(), port)
        return str(self._grpc.target)

    def _start_grpc(self, module: ModuleType, port: int) -> None:
        front = module.GrpcFront(self.state, self.base_url, self.host, port)
        front.start()
        self._grpc = front
        self.grpc_port = front.port

    def stop(self) -> None:
        """Stop serving, finish renders in flight, and free the ports."""
        if self._grpc is not None:
            self._grpc.stop()
            self._grpc = None
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self.state.close()
        self._server = self._thread = self._socket = None

    def configure(self, **changes: Any) -> SimConfig:
        """Change settings while running (e.g. ``fail_rate=1.0``)."""
        return self.state.configure(**changes)

    def stats(self) -> dict[str, Any]:
        return self.state.stats()

    def ledger_entries(self) -> list[dict[str, Any]]:
        return self.state.ledger_entries()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def load_grpc_front() -> ModuleType:
    """The gRPC front's module, or a one-line :class:`SimulatorError` naming the extra."""
    try:
        return importlib.import_module("promptkit.sim.grpc_service")
    except ImportError as exc:
        if (exc.name or "").startswith("promptkit"):
            raise
        raise SimulatorError(
            f"serving gRPC (--grpc-port) needs the optional grpc extra, missing {exc.name!r}: "
            f"{GRPC_EXTRA}"
        ) from exc
