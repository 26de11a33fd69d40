"""Chaos beyond faulty networks: kills with the built-in simulator and while files are written, a
second eval on a run that is busy with a slow provider, and a disk that fills up mid-run.

Each scenario ends by checking the run against the provider's ledger (``harness.audit``): no job
submitted twice, no paid job lost (expired and billed-but-uncertain jobs count as lost), spend
equal to the ledger's, the run complete with exit code 0 after the last session, no temporary
files left, and no process of a killed eval still alive.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from promptkit.sim import SimConfig, SimServer
from promptkit.sim.persist import read_ledger
from tests.chaos.harness import (
    SESSION_TIMEOUT_S,
    audit,
    clean_env,
    count_rows,
    descendants,
    journal_events,
    journal_meta,
    journal_rows,
    kill_alone,
    start_eval,
    wait_for,
    wait_gone,
)

pytestmark = [pytest.mark.chaos, pytest.mark.slow]

SEED = 20241207
FAST_POLL = {"interval": 0.3, "min_interval": 0.1, "max_interval": 1.0, "timeout": 120}


def _spec(
    path: Path, *, replicates: int, concurrency: int, sim: dict[str, Any] | None = None
) -> Path:
    spec = {
        "version": 1, "name": path.stem, "lint": "off", "concurrency": concurrency,
        "prompts": [{"name": "fox", "text": "a red fox runs across a meadow, the camera pans left"},
                    {"name": "heron", "text": "a grey heron glides over a lake, slow dolly in"}],
        "params": {"duration": 1, "resolution": "480p", "aspect_ratio": "1:1"},
        "replicates": replicates, "polling": FAST_POLL, "sim": sim or {},
    }  # fmt: skip
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def _log(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def _finish(proc: subprocess.Popen[bytes]) -> int:
    return proc.wait(timeout=SESSION_TIMEOUT_S)


def test_kills_with_the_built_in_simulator_resume_to_completion(
    tmp_path: Path, chaos_figures: dict[str, Any]
) -> None:
    """The in-process simulator dies with each killed eval; its job store in the run folder
    brings every accepted job back, and submits whose answers were lost are settled from it."""
    rng = random.Random(SEED)
    # Answers to submits come 1 s after the job is accepted, so each kill, made the moment a new
    # job is accepted, finds that submit unanswered: the resume must settle it, not lose it.
    spec = _spec(tmp_path / "builtin.yaml", replicates=8, concurrency=6,
                 sim={"speed": 2.0, "seed": SEED, "submit_delay_s": 1.0})  # fmt: skip
    run = tmp_path / "reports" / "builtin"
    log = tmp_path / "builtin.log"
    args = ["--out", str(tmp_path / "reports")]
    ledger = run / "sim"
    kills = [rng.randint(3, 6), rng.randint(9, 12)]
    orphans: list[int] = []
    children_seen = 0
    proc = start_eval([str(spec), "--run-id", "builtin", *args], tmp_path, log)
    for i, accepted in enumerate(kills):
        # The first kill waits for a scored clip, so scoring workers exist to outlive it.
        scored = 1 if i == 0 else 0
        wait_for(lambda a=accepted, n=scored: len(read_ledger(ledger)) >= a
                 and count_rows(run, "state = 'scored'") >= n,
                 proc, f"{accepted} accepted jobs")  # fmt: skip
        seen = len(read_ledger(ledger))
        wait_for(lambda s=seen: len(read_ledger(ledger)) > s, proc, "one more accepted job")
        children = kill_alone(proc)
        children_seen += len(children)
        orphans += wait_gone(children)
        proc = start_eval(["--resume", str(run), *args], tmp_path, log)
    code = _finish(proc)
    assert code == 0, _log(log)[-3000:]
    assert orphans == [] and children_seen > 0
    meta = journal_meta(run)
    assert meta["status"] == "complete" and meta["sim_builtin"] is True
    # Each resume found the lock its killed predecessor held, and took it over.
    assert len(journal_events(run, "stale-lock")) == len(kills)
    figures = audit(run, read_ledger(ledger))
    settled = [d for d in journal_events(run, "submitted") if d.startswith("settled")]
    assert len(settled) >= len(kills)  # at least the submit each kill cut off
    chaos_figures.update(figures)
    chaos_figures["kills"] = f"{len(kills)} SIGKILLs of the eval alone (after {kills} accepted)"
    chaos_figures["processes outliving a killed eval"] = f"0 of {children_seen}"
    chaos_figures["submits settled from the simulator's records"] = len(settled)


@pytest.mark.parametrize("stall_in", ["results.json", "index.html"])
def test_kill_while_writing_results_or_report_then_resume_rewrites_them(
    stall_in: str, tmp_path: Path, chaos_figures: dict[str, Any]
) -> None:
    spec = _spec(tmp_path / "writing.yaml", replicates=3, concurrency=6, sim={"speed": 8.0})
    run = tmp_path / "reports" / "writing"
    log = tmp_path / "writing.log"
    marker = tmp_path / "stalled"
    env = clean_env(PK_STALL_FILE=stall_in, PK_STALL_MARKER=str(marker))
    args = ["--out", str(tmp_path / "reports")]
    proc = start_eval([str(spec), "--run-id", "writing", *args], tmp_path, log, env, stall_in)
    wait_for(marker.exists, proc, f"the eval to start writing {stall_in}")
    # Killed with the file half-written beside its final name: the final name is untouched.
    half = [p.name for p in run.glob(f".{stall_in}-*.tmp")]
    assert len(half) == 1
    children = kill_alone(proc)
    assert wait_gone(children) == []
    proc = start_eval(["--resume", str(run), *args], tmp_path, log)
    assert _finish(proc) == 0, _log(log)[-3000:]
    assert journal_meta(run)["status"] == "complete"
    assert (run / "index.html").is_file() and (run / "results.json").is_file()
    assert journal_events(run, "cleanup") == ["removed 1 temporary files a killed session left"]
    chaos_figures.update(audit(run, read_ledger(run / "sim")))
    chaos_figures["killed while writing"] = f"{stall_in} (half-written temp {half[0]})"


def test_second_eval_on_a_busy_run_is_refused_while_slow_submits_are_in_flight(
    tmp_path: Path, chaos_figures: dict[str, Any]
) -> None:
    spec = _spec(tmp_path / "busy.yaml", replicates=4, concurrency=4)
    run = tmp_path / "reports" / "busy"
    log = tmp_path / "busy.log"
    config = SimConfig(speed=8.0, rps=None, rpm=None, submit_delay_s=2.0, seed=SEED)
    with SimServer(config) as sim:
        args = ["--out", str(tmp_path / "reports"), "--sim-url", sim.base_url]
        first = start_eval([str(spec), "--run-id", "busy", *args], tmp_path, log)
        wait_for(lambda: count_rows(run, "state = 'submitting'") >= 2 and len(
            sim.ledger_entries()) >= 2, first, "submits waiting for their answers")  # fmt: skip
        refusals = []
        for second in ([str(spec), "--run-id", "busy", *args], ["--resume", str(run), *args]):
            done = subprocess.run(
                [sys.executable, "-m", "promptkit", "eval", *second, "-q"], cwd=tmp_path,
                env=clean_env(), capture_output=True, text=True, timeout=SESSION_TIMEOUT_S,
            )  # fmt: skip
            refusals.append(done)
        # Refused in one line naming the holder, before touching a single job.
        for done in refusals:
            assert done.returncode == 2, done.stderr
            (line,) = [x for x in done.stderr.splitlines() if x.startswith("error:")]
            assert f"run busy is in use by another promptkit process (pid {first.pid}," in line
        assert not any(r["state"] == "uncertain" for r in journal_rows(run))
        wait_for(lambda: count_rows(run, "state = 'scored'") >= 1, first, "a scored clip")
        children = descendants(first.pid)  # its scoring workers, among others
        code = _finish(first)
        ledger = sim.ledger_entries()
    assert code == 0, _log(log)[-3000:]
    assert children and wait_gone(children) == []
    assert journal_meta(run)["status"] == "complete"
    figures = audit(run, ledger)
    chaos_figures.update(figures)
    chaos_figures["second evals refused"] = (
        f"{len(refusals)}, while {len(ledger)} submits were slow"
    )


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 96 MiB tmpfs of its own, so the test can fill it (needs root, as in CI)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=96m", "tmpfs", str(disk)]
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("filling a disk needs a tmpfs of its own: mount needs root (CI runs as root)")
    done = subprocess.run(mount, capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); CI can")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _fill(disk: Path) -> Path:
    """Take every free byte of ``disk``."""
    filler = disk / "filler"
    with filler.open("wb") as fh:
        with contextlib.suppress(OSError):
            os.posix_fallocate(fh.fileno(), 0, shutil.disk_usage(disk).free)
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    return filler


def test_disk_full_mid_run_stops_in_one_line_and_resume_loses_nothing(
    small_disk: Path, tmp_path: Path, chaos_figures: dict[str, Any]
) -> None:
    spec = _spec(tmp_path / "full.yaml", replicates=6, concurrency=12)
    out = small_disk / "reports"
    run = out / "full"
    log = tmp_path / "full.log"
    with SimServer(SimConfig(speed=3.0, rps=None, rpm=None, seed=SEED)) as sim:
        args = ["--out", str(out), "--sim-url", sim.base_url]
        proc = start_eval([str(spec), "--run-id", "full", *args], tmp_path, log)
        # Every job accepted and recorded, none fetched yet: then the disk fills up.
        wait_for(lambda: count_rows(run, "request_id IS NOT NULL") == 12
                 and count_rows(run, "state IN ('downloaded', 'scored')") == 0,
                 proc, "all submits recorded")  # fmt: skip
        filler = _fill(small_disk)
        children = descendants(proc.pid)
        code = _finish(proc)
        text = _log(log)
        errors = [line for line in text.splitlines() if line.startswith("error:")]
        assert code == 2 and len(errors) == 1 and "Traceback" not in text, text[-3000:]
        # The clip or the journal, whichever the full disk refused first, named in one line.
        assert "free disk space" in errors[0]
        assert "No space left on device" in errors[0] or "disk is full" in errors[0]
        assert wait_gone(children) == []
        assert journal_meta(run)["status"] != "complete"
        assert not list(run.rglob("*.part"))

        filler.unlink()
        proc = start_eval(["--resume", str(run), *args], tmp_path, log)
        code = _finish(proc)
        ledger = sim.ledger_entries()
    assert code == 0, _log(log)[-3000:]
    assert journal_meta(run)["status"] == "complete"
    figures = audit(run, ledger)
    chaos_figures.update(figures)
    chaos_figures["disk full"] = f"one line: {errors[0][:160]}"
