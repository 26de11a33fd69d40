"""The runner's guards: the run lock, settling uncertain submits, costs that must not move the
books, a poll deadline a trickle cannot defeat, the disk guard, storage errors and leftovers."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from promptkit.client import ClientConfig, PollPolicy, VideoClient
from promptkit.errors import InputError, RunInUse, StorageError
from promptkit.models import GenerationParams
from promptkit.runner.expand import Job, Variant
from promptkit.runner.journal import Journal, map_sqlite_error
from promptkit.runner.layout import RunLayout, check_run_id, list_runs
from promptkit.runner.lock import LOCK_NAME, RunLock, read_holder
from promptkit.runner.resume import SKIPPED_UNCERTAIN, plan_resume
from promptkit.runner.scheduler import DOWNLOAD, POLL, SUBMIT, Scheduler, SchedulerOptions
from tests.runner.test_scheduler import _Quiet

HOLD = """
import sys, time
from promptkit.runner.lock import RunLock
lock = RunLock(sys.argv[1]).acquire()
print("held", flush=True)
time.sleep(3600)
"""


def _holder(folder: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    proc = _holder(tmp_path / "run")
    try:
        with pytest.raises(
            RunInUse, match=rf"in use by another promptkit process \(pid {proc.pid},"
        ):
            RunLock(tmp_path / "run").acquire()
    finally:
        proc.kill()
        proc.wait()


def test_a_lock_left_by_a_killed_process_is_taken_over_and_named(tmp_path: Path) -> None:
    proc = _holder(tmp_path / "run")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert read_holder(tmp_path / "run").pid == proc.pid  # type: ignore[union-attr]
    with RunLock(tmp_path / "run") as lock:
        assert lock.stale is not None and lock.stale.pid == proc.pid
        assert read_holder(tmp_path / "run").pid == os.getpid()  # type: ignore[union-attr]
    # Released cleanly: no pid is left to look stale.
    assert (tmp_path / "run" / LOCK_NAME).read_text() == ""
    assert read_holder(tmp_path / "run") is None


def test_the_lock_is_not_inherited_by_child_processes(tmp_path: Path) -> None:
    lock = RunLock(tmp_path / "run").acquire()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
    try:
        lock.release()
        # The child lives on, yet the lock is free: it never held a copy of the descriptor.
        with RunLock(tmp_path / "run"):
            pass
    finally:
        child.kill()
        child.wait()


def test_runs_tells_a_running_run_from_one_whose_session_died(tmp_path: Path) -> None:
    for name in ("live", "dead"):
        layout = RunLayout(tmp_path / name).create()
        with Journal.open(layout.journal) as journal:
            journal.set_meta({"status": "open"})
    live = _holder(tmp_path / "live")
    dead = _holder(tmp_path / "dead")
    os.kill(dead.pid, signal.SIGKILL)
    dead.wait()
    try:
        assert {r.run_id: r.status for r in list_runs(tmp_path)} == {
            "dead": "interrupted",
            "live": "running",
        }
    finally:
        live.kill()
        live.wait()


@pytest.mark.parametrize("name", ["20240101T000000Z-t-abc123", "my.run_2", "A"])
def test_plain_names_are_run_ids(name: str) -> None:
    assert check_run_id(name) == name


def _journal(tmp_path: Path, n: int, state: str = "planned") -> tuple[Journal, RunLayout]:
    layout = RunLayout(tmp_path / "run").create()
    journal = Journal.open(layout.journal)
    variants = [Variant(f"{i:010x}", f"A fox runs, take {i}.", GenerationParams(duration=1))
                for i in range(n)]  # fmt: skip
    journal.add_jobs((Job(v, 1), [], "planned", None) for v in variants)
    if state != "planned":
        for row in journal.jobs():
            journal.transition(row.job_id, "submitting", attempt=True)
    return journal, layout


def test_uncertain_submits_are_settled_from_the_providers_records(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 3, state="submitting")
    a, b, c = (r.job_id for r in journal.jobs())
    held = {f"run/{a}": ["req-a"], f"run/{b}": [], f"run/{c}": ["req-c1", "req-c2"]}
    stages = dict(
        (row.job_id, (row, stage))
        for row, stage in plan_resume(journal, layout, lookup=held.__getitem__, user_prefix="run/")
    )
    assert stages[a][0].state == "submitted" and stages[a][0].request_id == "req-a"
    assert stages[a][1] == POLL
    assert stages[b][0].state == "planned" and stages[b][1] == SUBMIT  # never received
    assert stages[c][0].state == "uncertain" and stages[c][1] is None  # cannot tell: left alone
    assert any(e["kind"] == "unsettled" for e in journal.events(c))


def test_skip_uncertain_gives_them_up_for_good(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 2, state="submitting")
    stages = plan_resume(journal, layout, skip_uncertain=True)
    assert [(r.state, s, r.error) for r, s in stages] == [("skipped", None, SKIPPED_UNCERTAIN)] * 2


def test_a_restarted_built_in_simulator_means_finished_jobs_are_polled_for_new_urls(
    tmp_path: Path,
) -> None:
    journal, layout = _journal(tmp_path, 1)
    (row,) = journal.jobs()
    journal.transition(row.job_id, "submitting")
    journal.transition(row.job_id, "submitted", request_id="r1")
    journal.transition(row.job_id, "done", video_url="http://127.0.0.1:1/clips/x.mp4")
    assert plan_resume(journal, layout)[0][1] == DOWNLOAD
    assert plan_resume(journal, layout, fresh_urls=True)[0][1] == POLL


class _Provider:
    """A mock API: accepts submits, answers statuses with ``status`` (or trickles them)."""

    def __init__(self, status: dict[str, object] | None = None, trickle: bool = False) -> None:
        self.status, self.trickle = status, trickle
        self.submits = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            self.submits += 1
            return httpx.Response(200, json={"request_id": f"r{self.submits}"})
        if self.trickle:
            return httpx.Response(200, content=self._forever())
        return httpx.Response(200, json=self.status)

    async def _forever(self) -> AsyncIterator[bytes]:
        yield b"{"
        await asyncio.sleep(3600)


def _schedule(journal: Journal, layout: RunLayout, provider: _Provider, **options: object):
    async def go() -> Scheduler:
        config = ClientConfig(base_url="https://api.example.com", api_key="xai-TESTKEY-guards",
                              rps=1000, rpm=100000, max_retries=0)  # fmt: skip
        async with VideoClient(config, transport=httpx.MockTransport(provider)) as client:
            sched = Scheduler(journal, layout, client, SchedulerOptions(**options),  # type: ignore[arg-type]
                              progress=_Quiet())  # fmt: skip
            await sched.run(plan_resume(journal, layout))
            return sched

    return asyncio.run(go())


def test_a_negative_cost_is_refused_and_never_booked(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 2)
    status = {"status": "done", "video": {"url": "https://cdn.example.com/a.mp4"},
              "usage": {"cost_in_usd_ticks": -5 * 10**10}}  # fmt: skip
    poll = PollPolicy(interval=0.05, min_interval=0.05, adaptive=False)
    sched = _schedule(journal, layout, _Provider(status), score=False, poll=poll,
                      budget_ticks=10**10)  # fmt: skip
    rows = journal.jobs()
    assert {r.state for r in rows} == {"error"}
    assert all("which cannot be right" in str(r.error) and r.request_id for r in rows)
    assert journal.spend_ticks() == 0 and sched.spent_ticks == 0


def test_a_trickled_status_cannot_hold_a_job_past_its_poll_timeout(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 1)
    poll = PollPolicy(interval=0.05, min_interval=0.05, max_interval=0.1, timeout=0.5,
                      adaptive=False)  # fmt: skip
    _schedule(journal, layout, _Provider(trickle=True), score=False, poll=poll)
    (row,) = journal.jobs()
    assert row.state == "error" and row.request_id
    assert "no complete status within the 0.5 s poll timeout" in str(row.error)


def test_the_disk_guard_stops_submits_with_its_reason(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 2)
    sched = _schedule(journal, layout, _Provider({"status": "pending"}), score=False,
                      min_free_bytes=2**62)  # fmt: skip
    assert sched.stats.stop_reason and sched.stats.stop_reason.startswith("disk guard")
    assert {r.state for r in journal.jobs()} == {"planned"}
    assert all("free space, then resume" in str(r.error) for r in journal.jobs())


def test_a_cost_never_goes_down_once_booked(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 1)
    sched = Scheduler(journal, layout, None, SchedulerOptions(), progress=_Quiet())  # type: ignore[arg-type]
    assert sched._charge("j", 100) == 100
    assert sched._charge("j", 40) == 100 and sched.spent_ticks == 100
    assert [e["detail"] for e in journal.events("j")] == ["40 ticks after 100"]


@pytest.mark.parametrize(
    ("message", "kind"),
    [("database or disk is full", StorageError), ("attempt to write a readonly database",
      StorageError), ("file is not a database", InputError),
     ("database disk image is malformed", InputError)],
)  # fmt: skip
def test_sqlite_failures_are_one_line_storage_or_damage_errors(message: str, kind: type) -> None:
    import sqlite3

    error = map_sqlite_error(sqlite3.OperationalError(message), Path("run/journal.sqlite"))
    assert isinstance(error, kind) and "\n" not in str(error)
    assert str(error).startswith("run/journal.sqlite: ")


def test_a_full_disk_at_commit_spends_the_reserve_and_records_the_change(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 1)
    layout.keep_reserve()
    assert layout.reserve.stat().st_size > 0
    real = journal._conn
    calls = {"n": 0}

    class Full:
        """A connection whose first COMMIT finds the disk full."""

        def __getattr__(self, name: str) -> object:
            return getattr(real, name)

        def cursor(self) -> object:
            cur = real.cursor()

            class Cursor:
                def __getattr__(self, name: str) -> object:
                    return getattr(cur, name)

                def execute(self, sql: str, *args: object) -> object:
                    if sql == "COMMIT" and calls["n"] == 0:
                        calls["n"] += 1
                        import sqlite3

                        raise sqlite3.OperationalError("database or disk is full")
                    return cur.execute(sql, *args)

            return Cursor()

    journal._conn = Full()  # type: ignore[assignment]
    journal.on_full = layout.release_reserve
    (row,) = journal.jobs()
    journal.transition(row.job_id, "submitting")
    assert journal.get(row.job_id).state == "submitting"
    assert journal.disk_full and not layout.reserve.exists()


def test_leftover_temp_files_of_a_killed_session_are_found_and_removed(tmp_path: Path) -> None:
    layout = RunLayout(tmp_path / "run").create()
    part = layout.clips / ".abc-r1.mp4.x1y2.part"
    tmp = layout.root / ".results.json-k3j4.tmp"
    keep = layout.clips / "abc-r1.mp4"
    for path in (part, tmp, keep):
        path.write_bytes(b"x")
    assert layout.clean_leftovers() == sorted([part, tmp])
    assert keep.exists() and not part.exists() and not tmp.exists()


def test_scoring_workers_exit_when_their_parent_dies(tmp_path: Path) -> None:
    script = (
        "import os, sys\n"
        "from promptkit.runner.scoring import make_pool\n"
        "pool = make_pool(2)\n"
        "pids = [pool.submit(os.getpid).result() for _ in range(4)]\n"
        "print(' '.join(map(str, sorted(set(pids)))), flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr
    workers = [int(p) for p in done.stdout.split()]
    assert workers
    from tests.chaos.harness import wait_gone

    assert wait_gone(set(workers)) == []


def test_meta_of_a_new_run_says_whether_it_uses_the_built_in_simulator(tmp_path: Path) -> None:
    from tests.runner.conftest import run_eval

    spec = tmp_path / "s.yaml"
    spec.write_text(json.dumps({"version": 1, "name": "s", "prompts": ["a fox runs"],
                                "params": {"duration": 1}, "lint": "off",
                                "sim": {"speed": 40}}))  # fmt: skip
    assert run_eval([str(spec), "--out", str(tmp_path / "r"), "--run-id", "b", "-q"]) == 0
    with Journal.open(tmp_path / "r" / "b" / "journal.sqlite") as journal:
        assert journal.meta()["sim_builtin"] is True
    assert (tmp_path / "r" / "b" / "sim" / "jobs.jsonl").is_file()
