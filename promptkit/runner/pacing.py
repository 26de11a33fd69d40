"""Pacing of the runner's requests: when to poll (learned latency) and who goes first (the gate).

:class:`LatencyModel` learns when to send a job's first poll so that it usually finds the job
done. :class:`RequestGate` sits in front of the client's shared rate limiter and lets only a few
requests queue there at a time, in priority order: downloads first (clip URLs expire), then
polls and submits as they come (putting polls before submits was measured to slow the start of a
run: fewer jobs in flight early). The limiter itself is first-come-first-served; without the
gate a download could wait behind every poll and submit of a busy run and find its URL expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

# Gate priorities: lower goes first; equal ones keep their arrival order.
DOWNLOAD_FIRST, POLL_NEXT, SUBMIT_LAST = 0, 1, 1

SHORTEST_AIM = 0.01
LONGEST_AIM = 86_400.0


@dataclass
class _Aim:
    seconds: float
    answers: int = 0


class LatencyModel:
    """When to send the first poll of a job of one kind (model, resolution, duration, inputs).

    The aim is the ``quantile`` of the time from submit to a first poll's answer that finds the
    job done, tracked by stochastic approximation (Robbins and Monro's quantile tracker, in log
    time): every job's first answer moves it. "Done" means only "done by then" (when the job
    finished is not known: a censored observation), which is exactly what the tracker needs: it
    moves the aim sooner by ``step * (1 - quantile)``. "Pending" moves it later by ``step *
    quantile``. In the long run a share ``quantile`` of first polls find their job done, however
    long the jobs take and however long requests queue at the rate limiter (the answer's time is
    what counts, queueing included).

    Two rules keep it steady when the provider is not:

    - a pending answer pushes the aim later only when its poll was aimed near the current aim
      (no more than one and a half raises below it). A stall makes every job in flight answer
      pending at once; those polls were aimed before the first of them raised the aim, so they
      are one piece of news, not one per job, and the aim rises by a few steps, not dozens;
    - the first answer of a kind sets the aim: the time it was found done, or the total its
      progress implies (``elapsed * 100 / progress``).

    A constant step is a fixed memory: each answer's pull fades geometrically with every newer
    one, so old answers age out and the aim follows a latency that changes. After a stall, first
    polls that keep finding jobs done bring the aim back by a factor e (2.7) every
    ``1 / (step * (1 - quantile))`` jobs: 71 at the defaults, 16 s of a run at 10 requests/s.
    """

    def __init__(self, quantile: float = 0.93, step: float = 0.2) -> None:
        if not 0 < quantile < 1 or not step > 0:
            raise ValueError("quantile must be in (0, 1) and step positive")
        self.quantile = quantile
        self.step = step
        self._aims: dict[tuple[Any, ...], _Aim] = {}

    def estimate(self, key: tuple[Any, ...]) -> float | None:
        """Seconds after submit to send a first poll (None while nothing is known of the kind)."""
        aim = self._aims.get(key)
        return None if aim is None else aim.seconds

    def aims(self) -> dict[tuple[Any, ...], float]:
        """The current aim of every kind seen so far (what a progress display or a benchmark
        reads)."""
        return {key: aim.seconds for key, aim in self._aims.items()}

    def answers(self, key: tuple[Any, ...]) -> int:
        """How many first answers of the kind the aim has learned from."""
        aim = self._aims.get(key)
        return 0 if aim is None else aim.answers

    def observe(
        self,
        key: tuple[Any, ...],
        elapsed: float,
        done: bool,
        progress: int | None = None,
        aimed_at: float | None = None,
    ) -> float:
        """Learn from a job's first answer, ``elapsed`` seconds after its submit; the new aim.

        ``aimed_at`` is the aim the poll was sent with (None: not aimed by this model, e.g. the
        probe of a new kind).
        """
        elapsed = max(elapsed, SHORTEST_AIM)
        aim = self._aims.get(key)
        up = self.step * self.quantile
        if aim is None:
            if done:
                first = elapsed
            elif progress:
                first = elapsed * 100.0 / progress
            else:
                first = elapsed * math.exp(up)
            aim = self._aims[key] = _Aim(first)
        elif done:
            aim.seconds *= math.exp(-self.step * (1 - self.quantile))
        elif aimed_at is None or aimed_at >= aim.seconds * math.exp(-1.5 * up):
            aim.seconds *= math.exp(up)
        aim.answers += 1
        aim.seconds = min(LONGEST_AIM, max(SHORTEST_AIM, aim.seconds))
        return aim.seconds


class RequestGate:
    """At most ``slots`` requests past the gate at once; waiters enter by priority, then FIFO."""

    def __init__(self, slots: int = 4) -> None:
        self._free = slots
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @contextlib.asynccontextmanager
    async def slot(self, priority: int) -> AsyncIterator[None]:
        if self._free > 0 and not self._waiters:
            self._free -= 1
        else:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiters, (priority, next(self._order), future))
            try:
                await future
            except asyncio.CancelledError:
                # Handed the slot just as we were cancelled: pass it on, do not leak it.
                if future.done() and not future.cancelled():
                    self._release()
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        while self._waiters:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():  # skip waiters that were cancelled meanwhile
                future.set_result(None)
                return
        self._free += 1
