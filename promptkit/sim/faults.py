"""Seeded fault injection and per-key rate limiting.

Each fault kind draws from its own RNG seeded with ``(seed, kind)``, so switching one fault on
does not change when another fires, and the same request sequence always meets the same faults.
Rate limits are two token buckets per account (per second and per minute) read from the
simulator's clock, so tests can move time instead of sleeping. They meter what the provider
meters: API calls (submits and status polls, on either front), never clip downloads, which the
real API serves from a separate media host. The per-second bucket refills at ``rps`` and holds
``burst_s`` seconds of it, as a per-second limit derived from a per-minute budget does (see
:class:`~promptkit.sim.config.SimConfig`). Both are shared by the REST and gRPC fronts, which
call them from different threads, so each takes a lock.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass

from promptkit.sim.config import SimConfig


class Faults:
    """Seeded coin flips, one independent stream per fault kind."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rngs: dict[str, random.Random] = {}
        self._lock = threading.RLock()

    def rng(self, kind: str) -> random.Random:
        with self._lock:
            if kind not in self._rngs:
                self._rngs[kind] = random.Random(f"{self.seed}:{kind}")
            return self._rngs[kind]

    def roll(self, kind: str, probability: float) -> bool:
        """True with ``probability``; draws nothing when the fault is off."""
        if probability <= 0:
            return False
        if probability >= 1:
            return True
        with self._lock:
            return self.rng(kind).random() < probability


@dataclass
class TokenBucket:
    """``capacity`` tokens refilled at ``rate`` per second."""

    capacity: float
    rate: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.updated = now

    def wait(self) -> float:
        """Seconds until one token is available (0 when one is)."""
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def until_full(self) -> float:
        return max(0.0, (self.capacity - self.tokens) / self.rate)


@dataclass(frozen=True)
class Allowance:
    """What an account may still send, as the rate-limit headers say it (the tighter bucket)."""

    limit: int
    """Requests the bucket holds when full (how many may arrive together)."""
    remaining: int
    """Whole requests that may be sent now without waiting."""
    reset_s: float
    """Seconds until the bucket is full again."""


class RateLimiter:
    """Requests-per-second and requests-per-minute buckets per account; a request needs both."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def _bucket(
        self, key: str, kind: str, per_second: float, seconds: float, now: float
    ) -> TokenBucket:
        capacity = max(1.0, per_second * seconds)
        bucket = self._buckets.get((key, kind))
        if bucket is None or bucket.rate != per_second or bucket.capacity != capacity:
            bucket = TokenBucket(capacity, per_second, capacity, now)
            self._buckets[(key, kind)] = bucket
        bucket.refill(now)
        return bucket

    def check(self, key: str, config: SimConfig, now: float) -> tuple[float, str] | None:
        """None when the request may pass (and is counted); else (retry-after seconds, window)."""
        with self._lock:
            return self._check(key, config, now)

    def allowance(self, key: str, config: SimConfig, now: float) -> Allowance | None:
        """The account's tighter bucket now (None when no limit is set)."""
        with self._lock:
            buckets = [b for _, b in self._buckets_of(key, config, now)]
            if not buckets:
                return None
            tight = min(buckets, key=lambda b: (math.floor(b.tokens), -b.until_full()))
            return Allowance(
                int(tight.capacity), max(0, math.floor(tight.tokens)), round(tight.until_full(), 3)
            )

    def _buckets_of(self, key: str, config: SimConfig, now: float) -> list[tuple[str, TokenBucket]]:
        buckets = []
        if config.rps:
            buckets.append(("second", self._bucket(key, "rps", config.rps, config.burst_s, now)))
        if config.rpm:
            buckets.append(("minute", self._bucket(key, "rpm", config.rpm / 60.0, 60.0, now)))
        return buckets

    def _check(self, key: str, config: SimConfig, now: float) -> tuple[float, str] | None:
        buckets = self._buckets_of(key, config, now)
        waits = [(b.wait(), name) for name, b in buckets if b.wait() > 0]
        if waits:
            wait, name = max(waits)
            return max(1.0, math.ceil(wait)), name
        for _, bucket in buckets:
            bucket.tokens -= 1
        return None
