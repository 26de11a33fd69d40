"""The reference guide's Python ``requests`` snippets run unmodified against the simulator.

Only ``BASE_URL`` is changed. The snippets sleep 5 s between polls; the harness caps
``time.sleep`` (a fast simulator needs no long waits) without touching the snippets' code, and
supplies the one line the guide leaves to the reader between its polling and cost snippets
(``result = poll_video(request_id)``). Runs in a subprocess, in both dialects.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from promptkit.models import cost_ticks
from promptkit.sim import SimServer
from tests.sim.conftest import config
from tests.sim.guide import python_snippets, snippet_starting

GUIDE = "reference/grok-video-api-guide.md"
ORIGINAL_BASE = 'BASE_URL = "https://api.x.ai"'

HARNESS = r"""
import json, sys, time
import requests

_real_sleep = time.sleep
time.sleep = lambda seconds: _real_sleep(min(seconds, 0.05))
steps = json.load(open(sys.argv[1]))
ns = {"__name__": "__main__"}
for kind, code in steps:
    exec(compile(code, "<guide:" + kind + ">", "exec") if kind != "glue" else code, ns)
url = ns["result"]["video"]["url"] if "result" in ns else ns["video_url"]
clip = requests.get(url)
clip.raise_for_status()
print("DOWNLOADED", len(clip.content), clip.content[4:8].decode())
"""


def _rebased(code: str, base_url: str) -> str:
    assert code.count(ORIGINAL_BASE) == 1
    return code.replace(ORIGINAL_BASE, f'BASE_URL = "{base_url}"')


def _run(steps: list[tuple[str, str]], sim: SimServer, tmp_path: Path) -> str:
    steps_file = tmp_path / "steps.json"
    steps_file.write_text(json.dumps(steps))
    env = {**os.environ, "XAI_API_KEY": sim.api_key}
    out = subprocess.run(
        [sys.executable, "-c", HARNESS, str(steps_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def _snippets(text: str) -> dict[str, str]:
    found = {}
    for code in python_snippets(text):
        if "def generate_video" in code:
            found["workflow"] = code
        elif "def poll_video" in code:
            found["poll"] = code
        elif "requests.post" in code:
            found["submit"] = code
    found["cost"] = snippet_starting(text, "cost_in_usd = ")
    assert set(found) == {"submit", "poll", "workflow", "cost"}
    return found


@pytest.fixture(scope="module")
def snippets(shared_dir: Path) -> dict[str, str]:
    """The guide's snippets by role, extracted once for every test and dialect."""
    path = shared_dir / GUIDE
    if not path.is_file():
        pytest.skip(f"{GUIDE} is absent")
    return _snippets(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("dialect", ["official", "blog"])
def test_submit_poll_and_cost_snippets_run_against_the_simulator(
    snippets: dict[str, str], tmp_path: Path, dialect: str
) -> None:
    with SimServer(config(dialect=dialect, speed=60.0)) as sim:
        steps = [
            ("submit", _rebased(snippets["submit"], sim.base_url)),
            ("poll", _rebased(snippets["poll"], sim.base_url)),
            ("glue", "result = poll_video(request_id)"),
            ("cost", snippets["cost"]),
        ]
        stdout = _run(steps, sim, tmp_path)
        stats = sim.stats()
    pending = "processing" if dialect == "blog" else "pending"
    assert "Generation started. Request ID: " in stdout
    assert f"status={pending}" in stdout and "status=done, progress=100%" in stdout
    # The guide divides by 1e7 (the real factor is 1e10); the snippet still reads the field.
    ticks = cost_ticks("grok-imagine-video", "480p", 8)  # the default 8-second clip
    assert f"Cost: ${ticks / 10_000_000:.4f}" in stdout
    assert "DOWNLOADED" in stdout and stdout.rstrip().endswith("ftyp")
    assert stats["by_endpoint"] == {"generations": 1} and stats["by_status"] == {"done": 1}


@pytest.mark.parametrize("dialect", ["official", "blog"])
def test_full_workflow_snippet_runs_against_the_simulator(
    snippets: dict[str, str], tmp_path: Path, dialect: str
) -> None:
    with SimServer(config(dialect=dialect, speed=60.0)) as sim:
        stdout = _run([("workflow", _rebased(snippets["workflow"], sim.base_url))], sim, tmp_path)
    assert f"Video ready: {sim.base_url}/clips/" in stdout
    assert "DOWNLOADED" in stdout
