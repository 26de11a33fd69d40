"""Kill -9 mid-run, resume, and prove from the simulator's ledger that nothing paid was lost."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from promptkit.runner.results import load_results
from promptkit.sim import SimConfig, SimServer
from tests.runner.conftest import ledger_by_user

pytestmark = pytest.mark.slow


def _counts(journal: Path) -> tuple[int, int]:
    """(jobs with a request id, jobs with a clip) as the journal has committed them."""
    if not journal.exists():
        return 0, 0
    try:
        conn = sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=1)
        try:
            with_id = conn.execute("SELECT COUNT(*) FROM jobs WHERE request_id IS NOT NULL")
            clips = conn.execute("SELECT COUNT(*) FROM jobs WHERE state IN ('downloaded','scored')")
            return with_id.fetchone()[0], clips.fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0, 0


def _eval(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "promptkit", "eval", *args, "-q"],
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_kill_9_mid_run_then_resume_loses_and_double_pays_nothing(
    write_spec: Callable[..., Path], tmp_path: Path, repo_root: Path
) -> None:
    sim_limits = {"speed": 10.0, "rps": 6.0, "rpm": 360.0}
    spec = write_spec(replicates=3, concurrency=4, sim=sim_limits)
    out = tmp_path / "reports"
    run = out / "killed"
    args = [str(spec), "--out", str(out), "--run-id", "killed"]
    with SimServer(SimConfig(**sim_limits)) as sim:
        proc = _eval([*args, "--sim-url", sim.base_url], repo_root)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            with_id, clips = _counts(run / "journal.sqlite")
            if with_id >= 4 and clips < 12:
                break
            time.sleep(0.02)
        assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        killed_at = _counts(run / "journal.sqlite")
        assert killed_at[1] < 12

        resumed = _eval(["--resume", str(run), "--sim-url", sim.base_url], repo_root)
        _, err = resumed.communicate(timeout=120)
        uncertain = load_results(run).summary.uncertain
        # Complete (0), or incomplete (4) only while a submit cut off by the kill is unsettled.
        assert resumed.returncode == (4 if uncertain else 0), err.decode()[-2000:]
        ledger = ledger_by_user(sim)
        entries = sim.ledger_entries()

    results = load_results(run)
    clips = {f"killed/{c.job_id}": c for c in results.clips}
    # No job was submitted twice, and every submit the provider saw belongs to a journal job.
    assert all(len(e) == 1 for e in ledger.values())
    assert set(ledger) <= set(clips)
    uncertain_cost = 0
    for user, (entry,) in ledger.items():
        clip = clips[user]
        if clip.request_id is None:
            # Killed between sending the submit and committing its answer: flagged, with why.
            assert clip.status == "uncertain" and clip.error
            uncertain_cost += int(entry["cost_ticks"])
        else:
            # Paid and known: downloaded and scored, byte-identical to what the provider served.
            assert clip.request_id == entry["request_id"]
            assert clip.status == "scored"
            assert clip.sha256 == entry["sha256"]
    ledger_cost = sum(int(e["cost_ticks"]) for e in entries)
    assert results.summary.cost_ticks + uncertain_cost == ledger_cost
    # Jobs not sent before the kill were sent after it; only a submit cut off before it reached
    # the provider can be missing from the ledger, and it is flagged uncertain, not lost.
    assert all(clips[user].status == "uncertain" for user in set(clips) - set(ledger))
    assert results.summary.resumes == 1
