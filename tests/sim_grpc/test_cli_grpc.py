"""``promptkit sim --grpc-port``: both fronts from one process; one-line errors; REST-only
without grpcio (an import blocker stands in for an environment without the extra)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import httpx
import pytest
from xai_sdk import Client

from tests.sim_grpc.conftest import MODEL, POLL, TIMEOUT

# Runs the CLI with grpc and xai_sdk unimportable, as if promptkit[grpc] were not installed.
BLOCKED = """
import sys

class NoGrpc:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("grpc", "xai_sdk"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoGrpc())
from promptkit.cli import main
main()
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(args: list[str], blocked: bool = False) -> subprocess.Popen[str]:
    head = ["-c", BLOCKED] if blocked else ["-m", "promptkit"]
    return subprocess.Popen(
        [sys.executable, *head, "sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=60)


def test_one_process_serves_rest_and_grpc_for_the_official_sdk() -> None:
    port, grpc_port = _free_port(), _free_port()
    proc = _serve(["--port", str(port), "--grpc-port", str(grpc_port), "--api-key", "k"])
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith(f"promptkit sim serving http://127.0.0.1:{port}")
        assert f"gRPC (official xai-sdk) on 127.0.0.1:{grpc_port}" in proc.stdout.readline()
        with Client(api_key="k", api_host=f"127.0.0.1:{grpc_port}", use_insecure_channel=True) as c:
            started = c.video.start(prompt="a kite", model=MODEL, duration=1)
        stats = httpx.get(f"http://127.0.0.1:{port}/sim/stats").json()
        assert stats["by_via"] == {"grpc": 1}
        assert started.request_id
    finally:
        out, err = _stop(proc)
    assert proc.returncode == 0 and "Traceback" not in err


def test_without_grpcio_the_simulator_still_serves_rest() -> None:
    port = _free_port()
    proc = _serve(["--port", str(port), "--api-key", "k", "--speed", "0"], blocked=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith(f"promptkit sim serving http://127.0.0.1:{port}")
        r = httpx.post(
            f"http://127.0.0.1:{port}/v1/videos/generations",
            json={"prompt": "a kite", "duration": 1},
            headers={"Authorization": "Bearer k"},
        )
        assert r.status_code == 200
    finally:
        out, err = _stop(proc)
    assert proc.returncode == 0 and "Traceback" not in err


def test_without_grpcio_grpc_port_names_the_extra_in_one_line() -> None:
    proc = _serve(["--port", "0", "--grpc-port", "0"], blocked=True)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: serving gRPC (--grpc-port) needs the optional grpc extra")
    assert "pip install 'promptkit[grpc]'" in err


def test_a_busy_grpc_port_is_a_one_line_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        proc = _serve(["--port", "0", "--grpc-port", str(taken)])
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and err.count("\n") == 1
    assert err.startswith(f"error: cannot listen for gRPC on 127.0.0.1:{taken}")


@pytest.mark.parametrize("port", ["-1", "70000"])
def test_an_impossible_grpc_port_is_a_usage_error(port: str) -> None:
    proc = _serve(["--grpc-port", port])
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.strip() == f"error: --grpc-port {port} is not a port number (0-65535)"


def test_sdk_generate_against_the_fixtures_grpc_target(promptkit_sim: object) -> None:
    target = promptkit_sim.grpc_target  # type: ignore[attr-defined]
    key = promptkit_sim.api_key  # type: ignore[attr-defined]
    with Client(api_key=key, api_host=target, use_insecure_channel=True) as client:
        response = client.video.generate(
            prompt="a kite", model=MODEL, duration=1, interval=POLL, timeout=TIMEOUT
        )
    assert response.duration == 1
    assert promptkit_sim.stats()["by_via"] == {"grpc": 1}  # type: ignore[attr-defined]


def test_the_grpc_port_can_come_from_the_settings() -> None:
    grpc_port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "promptkit", "sim", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "PROMPTKIT_SIM__GRPC_PORT": str(grpc_port)},
    )
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
        assert f"gRPC (official xai-sdk) on 127.0.0.1:{grpc_port}" in proc.stdout.readline()
    finally:
        _stop(proc)
    assert proc.returncode == 0
