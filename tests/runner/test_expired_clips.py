"""Clip URLs that expire before the download: each job is charged once and ends terminal.

The download is made late deterministically: the simulator runs on a manual clock, and a thin
ASGI layer in front of it moves that clock past the URL's lifetime whenever a clip is fetched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from promptkit.cli import main
from promptkit.client import ClientConfig, JobStatus, PollPolicy, VideoClient
from promptkit.errors import Expired
from promptkit.models import GenerationParams
from promptkit.runner.expand import Job, Variant
from promptkit.runner.journal import Journal
from promptkit.runner.layout import RunLayout
from promptkit.runner.progress import Counts, Progress
from promptkit.runner.resume import plan_resume
from promptkit.runner.scheduler import EXPIRED_URL, Scheduler, SchedulerOptions
from promptkit.sim import ManualClock, SimConfig, SimServer
from tests.runner.conftest import run_eval

URL_TTL_S = 1.0
# Instant jobs and no rate limits: with a frozen clock, buckets would never refill.
SIM = {"speed": 0.0, "rps": None, "rpm": None, "url_ttl_s": URL_TTL_S}


class LateDownloads:
    """Every clip fetch arrives ``URL_TTL_S`` + 1 s after the previous request (as if queued)."""

    def __init__(self, app: Any, clock: ManualClock) -> None:
        self.app = app
        self.clock = clock
        self.fetches = 0

    @property
    def state(self) -> Any:
        return self.app.state

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/clips/"):
            self.fetches += 1
            self.clock.advance(URL_TTL_S + 1.0)
        await self.app(scope, receive, send)


def late_sim() -> tuple[SimServer, LateDownloads]:
    clock = ManualClock()
    server = SimServer(SimConfig(**SIM), clock=clock)
    late = LateDownloads(server.app, clock)
    server.app = late  # type: ignore[assignment]  # served from start(), below
    return server, late


class Recorder(Progress):
    def __init__(self) -> None:
        super().__init__()
        self.spent: list[int] = []

    def update(self, counts: Counts, *, force: bool = False) -> None:
        self.spent.append(counts.spent_ticks)

    def message(self, text: str) -> None:
        pass


class FirstUrlRefused(VideoClient):
    """The first download meets an expired URL; the status polled after it carries a new one."""

    refused = 0

    async def download(self, url: str, dest: Path, *, request_id: str | None = None) -> Any:
        if not self.refused:
            self.refused += 1
            raise Expired("clip URL refused (HTTP 403), most likely expired", request_id=request_id)
        return await super().download(url, dest, request_id=request_id)

    async def get_status(self, request_id: str) -> JobStatus:
        status = await super().get_status(request_id)
        if self.refused and status.video_url:
            # The simulator hands out one URL per clip; a provider re-signs it on each status.
            return status.model_copy(update={"video_url": f"{status.video_url}?signed=2"})
        return status


def _journal(tmp_path: Path, n: int) -> tuple[Journal, RunLayout]:
    layout = RunLayout(tmp_path / "run").create()
    journal = Journal.open(layout.journal)
    variants = [
        Variant(
            f"{i:010x}",
            f"A grey heron lifts off the water, take {i}.",
            GenerationParams(duration=1),
        )
        for i in range(n)
    ]
    journal.add_jobs((Job(v, 1), [], "planned", None) for v in variants)
    return journal, layout


def _schedule(
    journal: Journal, layout: RunLayout, sim: SimServer, client_class: type[VideoClient],
    budget_ticks: int | None = None,
) -> tuple[Scheduler, Recorder]:  # fmt: skip
    progress = Recorder()
    options = SchedulerOptions(
        concurrency=2, score=False, budget_ticks=budget_ticks,
        poll=PollPolicy(interval=0.05, min_interval=0.05, adaptive=False),
    )  # fmt: skip

    async def go() -> Scheduler:
        config = ClientConfig(base_url=sim.base_url, api_key=sim.api_key, rps=200, rpm=12000)
        async with client_class(config) as client:
            scheduler = Scheduler(journal, layout, client, options, progress=progress)
            await scheduler.run(plan_resume(journal, layout))
            return scheduler

    return asyncio.run(go()), progress


def _ledger_cost(sim: SimServer) -> int:
    return sum(int(e.get("cost_ticks") or 0) for e in sim.ledger_entries())


def test_job_re_polled_after_an_expired_url_is_charged_once(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 1)
    per_clip = GenerationParams(duration=1).cost_ticks()
    with SimServer(SimConfig(speed=40, rps=100, rpm=6000)) as sim:
        # A budget of two clips: a double-counted cost would read as the whole budget.
        scheduler, progress = _schedule(journal, layout, sim, FirstUrlRefused, 2 * per_clip)
        ledger = _ledger_cost(sim)
    (row,) = journal.jobs()
    assert row.state == "downloaded" and row.polls >= 2
    assert ledger == per_clip
    assert journal.spend_ticks() == ledger
    assert progress.spent[-1] == scheduler.spent_ticks == ledger
    assert max(progress.spent) == ledger


def test_url_still_expired_after_a_re_poll_ends_the_job_as_expired_with_its_cost(
    tmp_path: Path,
) -> None:
    journal, layout = _journal(tmp_path, 2)
    server, late = late_sim()
    with server as sim:
        scheduler, progress = _schedule(journal, layout, sim, VideoClient)
        ledger = _ledger_cost(sim)
        polls_before = sim.stats()["polls"]
        # A resume finds nothing to do: terminal jobs are never polled again.
        assert [stage for _, stage in plan_resume(journal, layout)] == [None, None]
        _schedule(journal, layout, sim, VideoClient)
        assert sim.stats()["polls"] == polls_before
    rows = journal.jobs()
    assert [r.state for r in rows] == ["expired", "expired"]
    assert all(r.error == EXPIRED_URL for r in rows)
    assert all(r.cost_ticks == GenerationParams(duration=1).cost_ticks() for r in rows)
    assert late.fetches == 2  # one per job: the re-poll gave back the same dead URL
    assert journal.spend_ticks() == ledger == progress.spent[-1] == scheduler.spent_ticks


def test_run_whose_clip_urls_expired_is_complete_and_resume_polls_nothing(
    write_spec: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r"
    spec = write_spec(replicates=1, templates=["vague_baseline"])
    server, _ = late_sim()
    with server as sim:
        args = ["--out", str(out), "--sim-url", sim.base_url]
        assert run_eval([str(spec), *args, "--run-id", "x"]) == 0
        assert "run incomplete" not in capsys.readouterr().err
        polls = sim.stats()["polls"]
        assert run_eval(["--resume", str(out / "x"), *args]) == 0
        assert sim.stats()["polls"] == polls
    capsys.readouterr()
    main(["runs", "--out", str(out)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["x", "complete", "sim", "2", "$0.10", "2", "expired"]
