"""Security-test fixtures: a recognisable fake key and loopback servers that record requests.

``serve(app)`` runs any ASGI app with uvicorn on ``127.0.0.1:<free port>`` in a thread (the way
:class:`~promptkit.sim.SimServer` does), so the real client, the CLI and the runner talk to it
over real HTTP. ``Recorder`` apps keep every request's method, path, headers and body, which is
how the tests see where the API key went.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

Handler = Callable[["Seen"], Awaitable[tuple[int, dict[str, str], bytes]]]


@pytest.fixture
def fake_key() -> str:
    """A key nobody could mistake for a real one, unique per test."""
    return "xai-TESTKEY-" + secrets.token_hex(16)


@dataclass
class Seen:
    """One request as a recorder received it."""

    method: str
    path: str
    raw_path: bytes
    query: bytes
    headers: dict[str, str]
    body: bytes


@dataclass
class Recorder:
    """An ASGI app answering with ``handler`` and remembering every request."""

    handler: Handler
    seen: list[Seen] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request = Seen(scope["method"], scope["path"], scope.get("raw_path") or b"",
                       scope.get("query_string", b""), headers, body)  # fmt: skip
        self.seen.append(request)
        status, out_headers, payload = await self.handler(request)
        await send({"type": "http.response.start", "status": status, "headers": [
            (k.encode(), v.encode()) for k, v in
            {"content-length": str(len(payload)), **out_headers}.items()]})  # fmt: skip
        await send({"type": "http.response.body", "body": payload})


@contextmanager
def serve(app: Any, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` on a free loopback port; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off",
                                           access_log=False))  # fmt: skip
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "test server did not start"
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def run_cli(argv: list[str]) -> int:
    """Run ``promptkit argv`` in-process; its exit code."""
    from promptkit.cli import main

    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def files_containing(root: Path, needle: str) -> list[Path]:
    """Every file under ``root`` whose bytes contain ``needle`` (UTF-8 or UTF-16)."""
    patterns = [needle.encode("utf-8"), needle.encode("utf-16-le")]
    hits = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if any(p in data for p in patterns):
            hits.append(path)
    return hits
