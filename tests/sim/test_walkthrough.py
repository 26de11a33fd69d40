"""The curl walk-through of the docs runs as written against a simulator on loopback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from promptkit.sim import SimServer
from tests.sim.conftest import config

HEADING = "## curl walk-through"


def _walkthroughs(repo_root: Path) -> list[Path]:
    return [
        p
        for p in (repo_root / "docs" / "simulator.md", repo_root / "README.md")
        if p.is_file() and HEADING in p.read_text(encoding="utf-8")
    ]


def _script(path: Path) -> str:
    section = path.read_text(encoding="utf-8").split(HEADING, 1)[1]
    match = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert match, f"no bash block under {HEADING!r} in {path.name}"
    return match.group(1)


@pytest.mark.skipif(
    shutil.which("curl") is None or shutil.which("bash") is None, reason="curl and bash are needed"
)
@pytest.mark.parametrize("doc", ["docs/simulator.md", "README.md"])
def test_curl_walkthrough_runs_against_the_simulator(
    repo_root: Path, tmp_path: Path, doc: str
) -> None:
    path = repo_root / doc
    if path not in _walkthroughs(repo_root):
        pytest.skip(f"{doc} has no curl walk-through")
    script = _script(path)
    assert script.count("BASE=http://127.0.0.1:8000") == 1
    with SimServer(config(api_key=None, speed=100.0, rps=1.0, rpm=60.0)) as sim:
        script = script.replace("BASE=http://127.0.0.1:8000", f"BASE={sim.base_url}")
        out = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "XAI_API_KEY": "ignored"},
        )
        stats = sim.stats()
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "clip.mp4").read_bytes()[4:8] == b"ftyp"
    assert '"status":"done"' in (tmp_path / "poll.json").read_text()
    assert '"camera":"pan_left"' in out.stdout
    assert stats["by_status"] == {"done": 1} and stats["total_cost_ticks"] == 1_000_000_000
