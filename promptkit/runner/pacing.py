"""Pacing of the runner's requests: when to poll (learned latency) and who goes first (the gate).

:class:`LatencyModel` learns how long jobs of one kind take from their progress, so a first poll
can be aimed at the moment a job should be done. :class:`RequestGate` sits in front of the
client's shared rate limiter and lets only a few requests queue there at a time, in priority
order: downloads first (clip URLs expire), then polls and submits as they come (putting polls
before submits was measured to slow the start of a run: fewer jobs in flight early). The limiter
itself is first-come-first-served; without the gate a download could wait behind every poll and
submit of a busy run and find its URL expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import math
from collections.abc import AsyncIterator
from typing import Any

# Gate priorities: lower goes first; equal ones keep their arrival order.
DOWNLOAD_FIRST, POLL_NEXT, SUBMIT_LAST = 0, 1, 1


class LatencyModel:
    """How long jobs of one kind (model, resolution, duration) take, from progress samples.

    A pending poll at ``elapsed`` seconds with progress ``p`` implies a total of
    ``elapsed * 100 / p``. Only such estimates are kept: "done at the first poll" is just an
    upper bound, and feeding those back would push first polls ever later.
    """

    def __init__(self, keep: int = 50) -> None:
        self.keep = keep
        self._seen: dict[tuple[Any, ...], list[float]] = {}

    def observe(self, key: tuple[Any, ...], elapsed: float, progress: int | None) -> None:
        if progress is None or not 0 < progress < 100 or elapsed <= 0:
            return
        values = self._seen.setdefault(key, [])
        values.append(elapsed * 100.0 / progress)
        del values[: -self.keep]

    def estimate(self, key: tuple[Any, ...], quantile: float) -> float | None:
        values = sorted(self._seen.get(key, ()))
        if not values:
            return None
        # Nearest rank: the smallest estimate with at least ``quantile`` of them at or below it.
        rank = max(1, math.ceil(quantile * len(values)))
        return values[min(len(values), rank) - 1]


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
