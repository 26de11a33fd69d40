"""The key is never written, logged or printed, and a simulator never receives the real one.

- ``promptkit eval --sim-url`` with ``XAI_API_KEY`` set sends the simulator its own key only,
  and neither key reaches any file of the run folder (the SQLite journal's bytes included),
  any log record at DEBUG, stdout or stderr.
- A refused key gives a one-line error without it, and ``--debug`` tracebacks do not show it.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from promptkit.sim import SimConfig, SimServer
from tests.security.conftest import files_containing, run_cli


def test_sim_url_eval_sends_only_the_sim_key_and_writes_neither_key(
    fake_key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    sim_key = "sim-TESTKEY-" + fake_key[-12:]
    monkeypatch.setenv("XAI_API_KEY", fake_key)
    monkeypatch.setenv("PROMPTKIT_SIM_API_KEY", sim_key)
    monkeypatch.setenv("PROMPTKIT_CLIENT__RPS", "100")
    spec = tmp_path / "keys.yaml"
    spec.write_text(yaml.safe_dump({
        "version": 1, "name": "keys", "templates": ["nature_documentary"],
        "variables": {"subject": ["a red fox", "a grey heron"]}, "params": {"duration": 1},
        "replicates": 2, "lint": "off", "polling": {"interval": 0.2, "min_interval": 0.1},
    }), encoding="utf-8")  # fmt: skip
    caplog.set_level(logging.DEBUG)
    config = SimConfig(api_key=sim_key, speed=40, rps=None, rpm=None)
    with SimServer(config) as sim:
        code = run_cli(["eval", str(spec), "--sim-url", sim.base_url, "--out", str(tmp_path / "r")])
        stats = sim.stats()
    out, err = capsys.readouterr()
    assert code == 0, err
    # Every request carried the simulator's key: a wrong one would have been answered 400.
    assert stats["accepted"] == 4 and set(stats["responses"]) <= {"200", "202"}
    for key in (fake_key, sim_key):
        assert files_containing(tmp_path, key) == []
        assert key not in out and key not in err and key not in caplog.text
    assert list((tmp_path / "r").glob("*/journal.sqlite"))


@pytest.mark.parametrize("debug", [False, True])
def test_refused_key_error_and_debug_traceback_never_show_it(
    debug: bool, fake_key: str, tmp_path: Path
) -> None:
    with SimServer(SimConfig(api_key="the-right-key", rps=None, rpm=None)) as sim:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PROMPTKIT_", "XAI_"))}
        env["XAI_API_KEY"] = fake_key
        argv = [sys.executable, "-m", "promptkit", *(["--debug"] if debug else []), "status",
                "req-1", "--provider", "xai", "--base-url", sim.base_url]  # fmt: skip
        done = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=60)  # fmt: skip
    assert done.returncode != 0
    assert fake_key not in done.stdout + done.stderr
    if debug:
        assert "Traceback" in done.stderr and "AuthError" in done.stderr
    else:
        (line,) = done.stderr.splitlines()
        assert line.startswith("error: the API refused the key (HTTP 400)")
