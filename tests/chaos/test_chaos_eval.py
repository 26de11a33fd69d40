"""Chaos: a 200-job eval against a faulty simulator, killed three times, loses and repeats nothing.

The simulator runs in this test process (so its ledger outlives every runner) with, together,
20% 429s, 5% 5xx, 5% dropped connections, 5% failed jobs, 5% moderated prompts, 5% truncated
downloads and clip URLs that live 4 s, shorter than some download delays (a killed runner stays
down for a while). The runner is ``python -m promptkit eval`` in a subprocess, SIGKILLed three
times at seeded moments (after a seeded number of accepted submits, plus a seeded jitter), each
time resumed with ``--resume``. Then the simulator's ledger (each submit carries the job key in
``user``) and the run's journal must agree: no job submitted twice, every paid job downloaded or
recorded with its reason, the reported spend equal to the ledger's, and the report renders.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from promptkit.runner.results import load_results
from promptkit.sim import SimConfig, SimServer
from tests.chaos.harness import journal_rows

pytestmark = [pytest.mark.chaos, pytest.mark.slow]

SEED = 20240917
PROMPTS = 20
REPLICATES = 10  # 20 prompts x 10 replicates = 200 jobs
MODERATION_WORD = "contraband"  # 1 prompt in 20 carries it: 5% of the jobs are moderated
SESSION_TIMEOUT_S = 240.0

SUBJECTS = [
    "a red fox",
    "a grey heron",
    "a paper kite",
    "a cyclist",
    "a sailboat",
    "a steam train",
    "a hot-air balloon",
    "a skateboarder",
    "a horse",
    "a drone",
    "a jellyfish",
    "a dancer",
    "a waterfall",
    "a fishing boat",
    "a hawk",
    "a tram",
    "a windmill",
    "a runner",
    "a deer",
]
ACTIONS = ["runs across a meadow", "glides over a lake", "turns slowly", "rushes past the camera"]
CAMERAS = ["the camera pans left", "slow dolly in", "static shot", "the camera tracks right"]

FAULTS: dict[str, Any] = {
    "random_429_rate": 0.20,
    "retry_after_rate": 0.25,  # the rest of the 429s leave the wait to the client's backoff
    "error_5xx_rate": 0.05,
    "drop_rate": 0.05,
    "fail_rate": 0.05,
    "truncate_download_rate": 0.05,
    "url_ttl_s": 4.0,
}

# The client may go as fast as it likes; the simulator only refuses by its random 429s.
CLIENT_ENV = {
    "PROMPTKIT_CLIENT__RPS": "200",
    "PROMPTKIT_CLIENT__RPM": "100000",
    "PROMPTKIT_CLIENT__MAX_RETRIES": "10",
    "PROMPTKIT_CLIENT__BACKOFF_BASE": "0.1",
    "PROMPTKIT_CLIENT__BACKOFF_MAX": "1.0",
}


def _prompts() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    out = []
    for i in range(PROMPTS - 1):
        text = f"{SUBJECTS[i]} {rng.choice(ACTIONS)}, {rng.choice(CAMERAS)}, golden hour light"
        out.append({"name": f"p{i:02d}", "text": text})
    out.append(
        {"name": "p19", "text": f"customs officers open crates of {MODERATION_WORD} on a dock"}
    )
    return out


def _write_spec(path: Path) -> Path:
    spec = {
        "version": 1,
        "name": "chaos",
        "prompts": _prompts(),
        "params": {"duration": 1, "resolution": "480p", "aspect_ratio": "1:1"},
        "replicates": REPLICATES,
        "lint": "off",
        "budget_usd": 25,
        "concurrency": 16,
        "polling": {"interval": 0.5, "min_interval": 0.2, "max_interval": 2.0, "timeout": 120},
    }
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


class _Runner:
    """Starts ``python -m promptkit eval`` sessions and kills them with SIGKILL."""

    def __init__(self, tmp: Path, sim_url: str) -> None:
        self.tmp = tmp
        self.sim_url = sim_url
        self.out = tmp / "reports"
        self.sessions = 0
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PROMPTKIT_", "XAI_"))}
        self.env = {**env, **CLIENT_ENV}

    def start(self, args: list[str]) -> subprocess.Popen[bytes]:
        self.sessions += 1
        log = (self.tmp / f"session-{self.sessions}.log").open("wb")
        argv = [sys.executable, "-m", "promptkit", "eval", *args, "--out", str(self.out),
                "--sim-url", self.sim_url, "--quiet"]  # fmt: skip
        # A session of its own: the SIGKILL takes the scoring workers down too, like a crash.
        return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                start_new_session=True, cwd=self.tmp)  # fmt: skip

    def log(self, session: int) -> str:
        return (self.tmp / f"session-{session}.log").read_text(encoding="utf-8", errors="replace")


def _kill_after(
    proc: subprocess.Popen[bytes], sim: SimServer, accepted: int, jitter: float
) -> bool:
    """SIGKILL the runner once the ledger holds ``accepted`` jobs (+ jitter s); False if done."""
    deadline = time.monotonic() + SESSION_TIMEOUT_S
    while len(sim.ledger_entries()) < accepted:
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the runner made no progress"
        time.sleep(0.05)
    time.sleep(jitter)
    if proc.poll() is not None:
        return False
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    return True


def _parses_as_html(path: Path) -> bool:
    parser = HTMLParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return "<html" in path.read_text(encoding="utf-8").lower()


def _reason(error: str | None) -> str:
    """The kind of a recorded reason (its first words, without ids and URLs)."""
    text = re.sub(r"https?://\S+|[0-9a-f-]{36}", "<x>", error or "none")
    return " ".join(text.split()[:6])


def test_killed_and_resumed_eval_under_faults_loses_and_repeats_nothing(
    tmp_path: Path, chaos_figures: dict[str, Any]
) -> None:
    rng = random.Random(SEED)
    spec = _write_spec(tmp_path / "chaos.yaml")
    config = SimConfig(seed=SEED, speed=8.0, rps=None, rpm=None, render_workers=1,
                       moderation_words=(MODERATION_WORD,), ledger_path=tmp_path / "ledger.jsonl",
                       **FAULTS)  # fmt: skip
    jobs = PROMPTS * REPLICATES
    # Kill points: a seeded number of accepted submits in three separate bands of the run.
    kills = [rng.randint(20, 50), rng.randint(80, 110), rng.randint(130, 160)]
    jitters = [round(rng.uniform(0.0, 0.5), 3) for _ in kills]
    # Time down after each kill; the last outage outlasts the clip URLs of jobs in flight.
    downtimes = [round(rng.uniform(0.2, 1.5), 3), round(rng.uniform(0.2, 1.5), 3), 8.0]
    started = time.monotonic()
    with SimServer(config) as sim:
        runner = _Runner(tmp_path, sim.base_url)
        run_dir = runner.out / "chaos-run"
        proc = runner.start([str(spec), "--run-id", "chaos-run"])
        for accepted, jitter, downtime in zip(kills, jitters, downtimes, strict=True):
            killed = _kill_after(proc, sim, accepted, jitter)
            assert killed, (
                f"the runner ended before the kill at {accepted}:\n{runner.log(runner.sessions)}"
            )
            assert proc.returncode == -signal.SIGKILL
            time.sleep(downtime)
            proc = runner.start(["--resume", str(run_dir)])
        code = proc.wait(timeout=SESSION_TIMEOUT_S)
        stats = sim.stats()
        ledger = sim.ledger_entries()
    elapsed = time.monotonic() - started

    rows = journal_rows(run_dir)
    results = load_results(run_dir)
    # Dropped answers to accepted submits stay uncertain (this simulator is not ours to ask), so
    # the run ends incomplete, says so, and exits 4; without them it would be complete and 0.
    uncertain_left = results.summary.uncertain
    assert code == (4 if uncertain_left else 0), runner.log(runner.sessions)
    assert (results.finished_at is None) == bool(uncertain_left)
    if uncertain_left:
        assert "submits are uncertain" in runner.log(runner.sessions)
    by_job = {r["job_id"]: r for r in rows}
    prefix = f"{run_dir.name}/"
    by_user: dict[str, list[dict[str, Any]]] = {}
    for entry in ledger:
        by_user.setdefault(str(entry.get("user")), []).append(entry)

    # No job submitted twice: one ledger entry per job key, and every key is one of our jobs.
    duplicates = sum(len(v) - 1 for v in by_user.values() if len(v) > 1)
    strangers = [u for u in by_user if u.removeprefix(prefix) not in by_job]
    assert duplicates == 0 and strangers == []

    # Every paid job ends downloaded or recorded with its reason; uncertain submits are counted.
    lost, uncertain_paid, uncertain_cost = [], 0, 0
    for user, (entry,) in by_user.items():
        row = by_job[user.removeprefix(prefix)]
        paid = entry["status"] in ("done", "moderated")
        if row["request_id"] is None:
            # The answer to this submit never reached the runner: uncertain, never re-sent.
            assert row["state"] == "uncertain" and row["error"], row
            uncertain_paid += paid
            uncertain_cost += int(entry.get("cost_ticks") or 0)
            continue
        assert row["request_id"] == entry["request_id"]
        if row["state"] in ("downloaded", "scored"):
            clip = run_dir / row["file"]
            assert hashlib.sha256(clip.read_bytes()).hexdigest() == row["sha256"] == entry["sha256"]
        elif not (row["state"] in ("failed", "moderated", "expired", "error") and row["error"]):
            lost.append((row["job_id"], row["state"]))
        if paid and row["state"] == "failed":
            lost.append((row["job_id"], "paid but recorded as failed"))
    # Nothing the runner knows of is still open (pending, unpolled, undownloaded, unscored).
    open_rows = [r["job_id"] for r in rows if r["state"] in ("planned", "submitting", "submitted",
                                                             "done", "downloaded")]  # fmt: skip
    assert lost == [] and open_rows == []

    # Reported spend equals the ledger's cost of the jobs the runner knows it paid for.
    known = {r["request_id"] for r in rows if r["request_id"]}
    billed = [
        e for e in ledger if e["request_id"] in known and e["status"] in ("done", "moderated")
    ]
    ledger_cost = sum(int(e.get("cost_ticks") or 0) for e in billed)
    assert results.summary.cost_ticks == ledger_cost
    assert ledger_cost + uncertain_cost == stats["total_cost_ticks"]

    # The report renders.
    index = run_dir / "index.html"
    assert index.is_file() and _parses_as_html(index)

    states = Counter(r["state"] for r in rows)
    statuses = Counter(e["status"] for e in ledger)
    expired_urls = stats["responses"].get("404", 0)
    retried = (stats["rate_limited"] + stats["errors_5xx_injected"] + stats["drops_poll"]
               + stats["downloads_truncated"] + expired_urls)  # fmt: skip
    drops = stats["drops_before_accept"] + stats["drops_after_accept"] + stats["drops_poll"]
    chaos_figures.update(
        {
            "jobs": f"{len(rows)} planned, {len(ledger)} accepted by the simulator",
            "faults injected": (
                f"429 x{stats['rate_limited']}, 5xx x{stats['errors_5xx_injected']}, dropped "
                f"x{drops}"
                f" (submit before/after accept {stats['drops_before_accept']}/"
                f"{stats['drops_after_accept']}, poll {stats['drops_poll']}), failed jobs "
                f"x{statuses['failed']}, moderated x{statuses['moderated']}, truncated downloads "
                f"x{stats['downloads_truncated']}, expired clip URLs met x{expired_urls}"
            ),
            "retried by the client": f"{retried} failed requests sent again or given up on",
            "kills, resumes": f"3 SIGKILLs (after {kills} accepted), {runner.sessions - 1} resumes",
            "journal end states": dict(sorted(states.items())),
            "reasons recorded": dict(
                Counter(
                    _reason(r["error"]) for r in rows if r["state"] not in ("downloaded", "scored")
                ).most_common()
            ),
            "uncertain submits": (
                f"{states['uncertain']} ({uncertain_paid} of them accepted and billed by the "
                "simulator, never re-sent)"
            ),
            "spend": f"results {results.summary.cost_ticks} ticks == ledger {ledger_cost} ticks",
            "duplicates": duplicates,
            "lost": len(lost),
            "wall time": f"{elapsed:.1f} s",
        }
    )
    assert len(rows) == jobs and len(kills) == 3
    # The faults really happened (else this test proves nothing).
    assert stats["rate_limited"] and stats["errors_5xx_injected"] and stats["downloads_truncated"]
    assert statuses["failed"] and statuses["moderated"] and expired_urls
    print(json.dumps(chaos_figures, indent=2, default=str))
