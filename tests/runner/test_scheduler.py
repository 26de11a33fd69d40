"""The scheduler on its own: budget guard, adaptive polling, the request gate."""

from __future__ import annotations

import asyncio
from pathlib import Path

from promptkit.client import ClientConfig, PollPolicy, VideoClient
from promptkit.models import GenerationParams
from promptkit.runner.expand import Job, Variant
from promptkit.runner.journal import Journal
from promptkit.runner.layout import RunLayout
from promptkit.runner.pacing import (
    DOWNLOAD_FIRST,
    POLL_NEXT,
    SUBMIT_LAST,
    RequestGate,
)
from promptkit.runner.progress import Progress
from promptkit.runner.resume import plan_resume
from promptkit.runner.scheduler import Scheduler, SchedulerOptions
from promptkit.sim import SimConfig, SimServer


def _journal(tmp_path: Path, n: int) -> tuple[Journal, RunLayout]:
    layout = RunLayout(tmp_path / "run").create()
    journal = Journal.open(layout.journal)
    variants = [
        Variant(
            f"{i:010x}", f"A red fox runs across the snow, take {i}.", GenerationParams(duration=1)
        )
        for i in range(n)
    ]
    journal.add_jobs((Job(v, 1), [], "planned", None) for v in variants)
    return journal, layout


def _run(journal: Journal, layout: RunLayout, sim: SimServer, options: SchedulerOptions):
    async def go():
        config = ClientConfig(base_url=sim.base_url, api_key=sim.api_key, rps=100, rpm=6000)
        async with VideoClient(config) as client:
            scheduler = Scheduler(journal, layout, client, options, progress=_Quiet())
            stats = await scheduler.run(plan_resume(journal, layout))
            return scheduler, stats

    return asyncio.run(go())


class _Quiet(Progress):
    def update(self, counts, *, force: bool = False) -> None:  # noqa: ANN001
        pass

    def message(self, text: str) -> None:
        self.last = text


def test_budget_guard_stops_submits_before_the_cap(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 6)
    per_clip = GenerationParams(duration=1).cost_ticks()
    options = SchedulerOptions(
        concurrency=6,
        budget_ticks=3 * per_clip + per_clip // 2,
        score=False,
        poll=PollPolicy(interval=0.1, min_interval=0.05),
    )
    with SimServer(SimConfig(speed=40, rps=100, rpm=6000)) as sim:
        _, stats = _run(journal, layout, sim, options)
        accepted = sim.ledger_entries()
    assert len(accepted) == 3
    assert stats.stop_reason and stats.stop_reason.startswith("budget guard")
    rows = journal.jobs()
    assert sum(r.state == "downloaded" for r in rows) == 3
    held = [r for r in rows if r.state == "planned"]
    assert len(held) == 3 and all(r.error and "budget guard" in r.error for r in held)
    assert journal.spend_ticks() == 3 * per_clip <= options.budget_ticks


def test_adaptive_polling_needs_few_polls_per_clip(tmp_path: Path) -> None:
    journal, layout = _journal(tmp_path, 8)
    options = SchedulerOptions(
        concurrency=8, score=False, poll=PollPolicy(interval=0.3, min_interval=0.05)
    )
    # ~1.1 s per job: long enough that a fixed 0.3 s loop would poll each job about 4 times.
    with SimServer(SimConfig(speed=10, rps=100, rpm=6000, latency_jitter=0)) as sim:
        _, stats = _run(journal, layout, sim, options)
    assert stats.downloads == 8
    assert stats.polls / 8 <= 2.5


def test_gate_lets_downloads_in_first_then_the_rest_in_arrival_order() -> None:
    async def go() -> list[str]:
        gate = RequestGate(slots=1)
        order: list[str] = []
        release = asyncio.Event()

        async def hold() -> None:
            async with gate.slot(SUBMIT_LAST):
                await release.wait()

        async def request(name: str, priority: int) -> None:
            async with gate.slot(priority):
                order.append(name)

        holder = asyncio.create_task(hold())
        await asyncio.sleep(0)
        waiting = [
            asyncio.create_task(request(name, prio))
            for name, prio in [("submit", SUBMIT_LAST), ("poll-1", POLL_NEXT),
                               ("download", DOWNLOAD_FIRST), ("poll-2", POLL_NEXT)]
        ]  # fmt: skip
        await asyncio.sleep(0)
        assert order == []  # the one slot is taken
        release.set()
        await asyncio.gather(holder, *waiting)
        return order

    assert asyncio.run(go()) == ["download", "submit", "poll-1", "poll-2"]


def test_gate_slot_of_a_cancelled_waiter_is_not_lost() -> None:
    async def go() -> bool:
        gate = RequestGate(slots=1)
        async with gate.slot(POLL_NEXT):
            waiter = asyncio.create_task(_enter(gate))
            await asyncio.sleep(0)
            waiter.cancel()
        entered = await asyncio.wait_for(_enter(gate), timeout=1)
        return entered

    assert asyncio.run(go())


async def _enter(gate: RequestGate) -> bool:
    async with gate.slot(SUBMIT_LAST):
        return True
