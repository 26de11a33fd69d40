"""The "Using the official SDK" example of docs/simulator.md runs as written (only its address
changes) against a simulator started with the settings the docs give."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from promptkit.sim import SimConfig, SimServer
from tests.sim_grpc.conftest import decoded_frames

HEADING = "## Using the official SDK"
DOC_TARGET = "127.0.0.1:50051"


def _example(repo_root: Path) -> str:
    section = (repo_root / "docs" / "simulator.md").read_text(encoding="utf-8")
    section = section.split(HEADING, 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, f"no python block under {HEADING!r}"
    return match.group(1)


def test_the_sdk_example_runs_against_the_simulator(repo_root: Path, tmp_path: Path) -> None:
    code = _example(repo_root)
    assert code.count(DOC_TARGET) == 1
    # As started in the docs: promptkit sim --speed 20 --grpc-port 50051 (any key), so with the
    # default limits, which must let the SDK's submit-then-poll-at-once flow through.
    config = SimConfig(speed=20, frozen_rate=0.0, drift_rate=0.0)
    with SimServer(config, grpc_port=0) as sim:
        assert sim.grpc_target is not None
        out = subprocess.run(
            [sys.executable, "-c", code.replace(DOC_TARGET, sim.grpc_target)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        stats = sim.stats()
    first, second = out.stdout.splitlines()
    url, duration, cost = first.split()
    assert url.startswith(f"{sim.base_url}/clips/") and (duration, cost) == ("2", "0.1")
    assert second == "4"
    assert len(decoded_frames(tmp_path / "clip.mp4")) == 48
    assert (
        stats["rate_limited"] == 0
        and stats["by_via"] == {"grpc": 2}
        and stats["by_endpoint"]
        == {
            "extensions": 1,
            "generations": 1,
        }
    )
