"""``promptkit sim``: starts on loopback, prints its URL, stops on Ctrl-C; one-line errors."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import httpx
import pytest
from click.testing import CliRunner

from promptkit.cli import cli, main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sim_serves_prints_its_url_and_stops_cleanly_on_ctrl_c() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "promptkit",
            "sim",
            "--port",
            str(port),
            "--api-key",
            "k",
            "--speed",
            "0",
            "--dialect",
            "blog",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        assert first.startswith(f"promptkit sim serving http://127.0.0.1:{port} (blog dialect")
        r = httpx.post(
            f"http://127.0.0.1:{port}/v1/videos/generations",
            json={"prompt": "x", "duration": 1},
            headers={"Authorization": "Bearer k"},
        )
        assert r.status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "Traceback" not in err


def test_sim_stops_cleanly_on_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "promptkit", "sim", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and "serving http://127.0.0.1:" in proc.stdout.readline()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "Traceback" not in err


def test_bad_option_value_is_one_line_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["sim", "--fail-rate", "1.5", "--port", "0"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "error: sim.fail_rate: Input should be less than or equal to 1 (got 1.5)"
    ]


def test_help_lists_the_fault_options() -> None:
    result = CliRunner().invoke(cli, ["sim", "--help"])
    assert result.exit_code == 0
    for option in (
        "--host",
        "--port",
        "--api-key",
        "--speed",
        "--rps",
        "--rpm",
        "--fail-rate",
        "--dialect",
        "--url-ttl",
        "--ledger",
        "--seed",
    ):
        assert option in result.output


def test_busy_port_is_one_line_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "promptkit", "sim", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: cannot listen on 127.0.0.1:{port}")
