"""Polling policy: how long to wait between status checks of a pending job.

The default interval is 5 s (the official REST examples and the Vercel AI SDK both use 5 s; see
the API notes §3). With ``adaptive`` on, the delay follows the job's own progress rate: from the
recent ``(time, progress)`` samples we estimate when progress reaches 100 and poll near that
moment, clamped to ``[min_interval, max_interval]``. :func:`next_poll_delay` is pure so the eval
runner's scheduler can reuse it for many jobs at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from promptkit.errors import ConfigError

# Only the last few samples describe the current rate; early progress is often bursty.
RATE_WINDOW = 5
MAX_INTERVAL = 300.0
"""Longest allowed wait between two polls (5 min): a job takes minutes, and a clip URL lives a
day; a longer interval only delays the download."""
MAX_TIMEOUT = 86_400.0
"""Longest allowed wait for one job (a day, the life of a clip URL)."""


@dataclass(frozen=True)
class PollPolicy:
    """When to poll a pending job and when to give up on it."""

    interval: float = 5.0
    """Delay between polls when the progress rate is unknown (seconds)."""
    min_interval: float = 1.0
    """Never poll sooner than this after the previous poll (seconds)."""
    max_interval: float = 15.0
    """Never wait longer than this between polls (seconds)."""
    timeout: float = 600.0
    """Give up waiting after this long (seconds) with :class:`~promptkit.errors.PollTimeout`."""
    adaptive: bool = True
    """Estimate completion from the progress rate and poll near it."""

    def __post_init__(self) -> None:
        for name in ("interval", "min_interval", "max_interval", "timeout"):
            value = getattr(self, name)
            top = MAX_TIMEOUT if name == "timeout" else MAX_INTERVAL
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 < value <= top  # also refuses NaN
            ):
                raise ConfigError(
                    f"poll.{name}: {value!r} must be a number of seconds above 0 and at most "
                    f"{top:g}"
                )
        if self.min_interval > self.max_interval:
            raise ConfigError(
                f"poll.min_interval ({self.min_interval}) is above "
                f"poll.max_interval ({self.max_interval})"
            )

    def clamp(self, delay: float) -> float:
        return min(self.max_interval, max(self.min_interval, delay))


def next_poll_delay(samples: Sequence[tuple[float, int | None]], policy: PollPolicy) -> float:
    """Seconds to wait before the next poll of one job.

    ``samples`` are ``(monotonic time, progress 0–100)`` pairs, oldest first, one per poll so far
    (progress ``None`` when the server did not say). Without a usable rate (fewer than two
    samples with progress, or no progress made) the fixed ``interval`` is used.
    """
    fixed = policy.clamp(policy.interval)
    if not policy.adaptive:
        return fixed
    known = [(t, p) for t, p in samples if p is not None]
    if len(known) < 2:
        return fixed
    window = known[-RATE_WINDOW:]
    (t0, p0), (t1, p1) = window[0], window[-1]
    if t1 <= t0 or p1 <= p0:
        # Stalled (or clock oddities): no estimate, fall back to the steady interval.
        return fixed
    rate = (p1 - p0) / (t1 - t0)
    remaining = max(0.0, 100 - p1) / rate
    return policy.clamp(remaining)
