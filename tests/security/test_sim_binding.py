"""The simulator listens on loopback unless told otherwise."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from promptkit.cli import main
from promptkit.sim import SimServer


def test_sim_server_binds_loopback_by_default() -> None:
    with SimServer() as sim:
        assert sim.host == "127.0.0.1" and sim.base_url.startswith("http://127.0.0.1:")
        assert sim._socket is not None and sim._socket.getsockname()[0] == "127.0.0.1"


def test_sim_command_binds_loopback_by_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Interrupted:
        def wait(self, timeout: float | None = None) -> bool:
            raise KeyboardInterrupt  # what Ctrl-C does to the command's wait

    # Only the command's own view of ``threading``: the server thread needs the real one.
    monkeypatch.setattr("promptkit.cli.sim.threading", SimpleNamespace(Event=Interrupted))
    for name in ("PROMPTKIT_SIM__HOST", "PROMPTKIT_SIM__PORT"):
        monkeypatch.delenv(name, raising=False)
    try:
        main(["sim", "--port", "0"])
    except SystemExit as exc:
        assert not exc.code
    out = capsys.readouterr().out
    assert re.search(r"serving http://127\.0\.0\.1:\d+ ", out), out
