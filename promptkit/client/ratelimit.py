"""One rate limiter per client, shared by every call it makes (submits, polls, downloads).

Two token buckets: requests per second (burst of ``max(1, rps)``) and requests per minute
(burst of ``rpm``). A 429 halves the effective rate (down to ``min_factor`` of the configured
one) and blocks everyone until the server's ``Retry-After`` has passed; the rate doubles back
after every ``recovery`` seconds without a 429. Time comes from an injectable clock and sleep,
so tests run without real waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class _Bucket:
    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate  # tokens per second
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def refill(self, now: float, factor: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate * factor)
        self.stamp = now

    def wait_for_token(self, factor: float) -> float:
        if self.tokens >= 1:
            return 0.0
        return (1 - self.tokens) / (self.rate * factor)


class RateLimiter:
    """Async limiter: ``await limiter.acquire()`` before each request."""

    def __init__(
        self,
        rps: float = 1.0,
        rpm: int = 60,
        *,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        min_factor: float = 0.125,
        recovery: float = 30.0,
    ) -> None:
        self.clock: Clock = clock or time.monotonic
        self._sleep: Sleep = sleep or asyncio.sleep
        now = self.clock()
        self._second = _Bucket(rps, max(1.0, rps), now)
        self._minute = _Bucket(rpm / 60.0, float(rpm), now)
        self.factor = 1.0
        self.min_factor = min_factor
        self.recovery = recovery
        self._blocked_until = now
        self._last_slowdown: float | None = None
        self._lock = asyncio.Lock()

    @property
    def rps(self) -> float:
        """The current effective requests-per-second rate (after any slowdown)."""
        return self._second.rate * self.factor

    async def acquire(self) -> None:
        """Wait until one more request fits under both limits, then take its token."""
        # The lock makes waiters queue in order: a burst of polls cannot starve a submit.
        async with self._lock:
            while True:
                now = self.clock()
                self._recover(now)
                self._second.refill(now, self.factor)
                self._minute.refill(now, self.factor)
                wait = max(
                    self._blocked_until - now,
                    self._second.wait_for_token(self.factor),
                    self._minute.wait_for_token(self.factor),
                )
                if wait <= 0:
                    self._second.tokens -= 1
                    self._minute.tokens -= 1
                    return
                await self._sleep(wait)

    def slow_down(self, retry_after: float | None = None) -> None:
        """React to a 429: halve the rate and pause everyone for ``retry_after`` seconds."""
        now = self.clock()
        self.factor = max(self.min_factor, self.factor / 2)
        self._last_slowdown = now
        if retry_after is not None and retry_after > 0:
            self._blocked_until = max(self._blocked_until, now + retry_after)
        # Drop any saved-up burst: the server just told us we were too fast.
        self._second.tokens = min(self._second.tokens, 0.0)
        self._minute.tokens = min(self._minute.tokens, self._minute.capacity / 2)

    def _recover(self, now: float) -> None:
        if self._last_slowdown is None or self.factor >= 1.0:
            return
        if now - self._last_slowdown >= self.recovery:
            self.factor = min(1.0, self.factor * 2)
            self._last_slowdown = now if self.factor < 1.0 else None
