"""Fixtures of the report tests: hand-built run folders and one headless Chromium."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from promptkit.cli import main
from promptkit.runner.results import Freeze

from . import builders as b
from .cdp import Browser, chromium_path

PK_MOTION = {
    "code": "PK101",
    "name": "no-motion-cue",
    "severity": "warning",
    "message": "the prompt names no motion",
    "help": "say what moves",
    "line": 1,
    "column": 3,
}


def hand_clips() -> list:
    """Two arms of four paired variants, XSS prompts, a failed job and a clip without series."""
    clips = []
    for i in range(4):
        frozen = i < 2
        clips.append(
            b.clip(
                f"a{i:02d}",
                1,
                arm="A",
                pair_key=f"p{i}",
                verdict="frozen" if frozen else "ok",
                motion=0.01 if frozen else 0.2,
                artifacts=True,
                freezes=[Freeze(start_s=0.5, end_s=1.25)] if frozen else [],
                prompt=b.XSS_SCRIPT if i == 0 else f"a still lake {i}",
                lint=[PK_MOTION] if frozen else [],
                tags=["calm"],
            )
        )
        clips.append(
            b.clip(
                f"b{i:02d}",
                1,
                arm="B",
                pair_key=f"p{i}",
                verdict="ok",
                motion=0.3 + 0.01 * i,
                artifacts=True,
                prompt=b.XSS_IMG if i == 0 else f"a river rushes {i}",
                tags=["busy day"],
            )
        )
    clips.append(b.clip("b00", 2, arm="B", pair_key="p0", status="failed", error="boom"))
    return clips


@pytest.fixture
def hand_results():
    return b.run(hand_clips(), arms=["A", "B"], arm_by="template")


@pytest.fixture
def hand_run(tmp_path: Path, hand_results) -> Path:
    run_dir = tmp_path / "run-1"
    run_dir.mkdir()
    b.write_run(run_dir, hand_results)
    # One clip's series is gone: the report must say so instead of failing.
    (run_dir / "series" / "a01-r1.csv").unlink()
    return run_dir


SIM_SPEC = """\
version: 1
name: report-test
templates: [nature_documentary, vague_baseline]
prompts:
  - name: xss-script
    text: '<script>window.__pwned=1</script> a cat sits perfectly still on a windowsill'
  - name: xss-img
    text: '"><img src=x onerror="window.__pwned=1"> a dog runs across a meadow, camera pans left'
variables:
  subject: [a red fox with a frost-tipped coat]
params:
  duration: 1
  resolution: 480p
arms: template
replicates: 2
lint: "off"
budget_usd: 1.00
polling: {interval: 0.2, min_interval: 0.1}
tags: [report test]
sim: {speed: 10, rps: 50, rpm: 3000}
"""


@pytest.fixture(scope="session")
def sim_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run: simulator over loopback, real MP4s, real scores and artifacts (4 arms)."""
    evaluate = pytest.importorskip("promptkit.runner.evaluate")
    pytest.importorskip("promptkit.sim.app")
    root = tmp_path_factory.mktemp("sim-run")
    spec = root / "report-test.yaml"
    spec.write_text(SIM_SPEC)
    options = evaluate.EvalOptions(out=root / "reports", yes=True, echo=lambda line: None)
    outcome = evaluate.run_eval(spec, options)
    assert outcome.complete
    return outcome.layout.root


REPO = Path(__file__).resolve().parents[2]


@dataclass
class ShippedRun:
    """A shipped example spec run end to end through ``promptkit eval`` on the simulator."""

    root: Path
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def shipped_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], ShippedRun]:
    """``shipped_run("quickstart")``: run evals/<name>.yaml once per session, as a user would."""
    pytest.importorskip("promptkit.sim.app")
    runs: dict[str, ShippedRun] = {}

    def run(name: str) -> ShippedRun:
        if name not in runs:
            out = tmp_path_factory.mktemp(name)
            stdout, stderr = io.StringIO(), io.StringIO()
            code = 0
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                try:
                    main(["eval", str(REPO / "evals" / f"{name}.yaml"), "--out", str(out), "-q"])
                except SystemExit as exc:
                    code = int(exc.code or 0)
            assert code == 0, stderr.getvalue()
            (root,) = [p for p in out.iterdir() if p.is_dir()]
            runs[name] = ShippedRun(root, stdout.getvalue(), stderr.getvalue())
        return runs[name]

    return run


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    binary = chromium_path()
    if binary is None:
        pytest.skip("chromium is not installed (CI installs it)")
    instance = Browser(binary, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield instance
    finally:
        instance.close()
