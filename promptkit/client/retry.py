"""Retry decisions: which failures are worth another attempt, and how long to wait first.

Capped exponential backoff with jitter (``backoff_base * 2**attempt``, at most ``backoff_max``,
times a random factor in [0.75, 1]), honouring a server's ``Retry-After`` up to
``max_retry_after`` seconds. Never retried: refused keys, invalid requests, exhausted credits,
and :class:`~promptkit.errors.UncertainSubmit` — a submit that may have reached the server is
never re-sent blindly, because sending it again could pay twice.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from promptkit.errors import (
    ApiError,
    DownloadError,
    RateLimited,
    ServerError,
    TransportError,
)


@dataclass
class RetryPolicy:
    """How many times and how patiently to retry transient failures."""

    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 120.0
    rand: Callable[[], float] = field(default=random.random, repr=False)

    def backoff(self, attempt: int) -> float:
        """Jittered delay before retry number ``attempt + 1`` (attempt counts from 0)."""
        base = min(self.backoff_max, self.backoff_base * (2**attempt))
        return float(base * (1 - 0.25 * self.rand()))

    def delay(self, exc: ApiError, attempt: int) -> float | None:
        """Seconds to wait before retrying after ``exc``, or None to give up and raise it."""
        if attempt >= self.max_retries or not is_retryable(exc):
            return None
        if isinstance(exc, RateLimited) and exc.retry_after is not None:
            if exc.retry_after > self.max_retry_after:
                # Waiting minutes inside one call hides the problem; let the caller decide.
                return None
            if exc.retry_after > 0:
                return exc.retry_after
            # "Retry-After: 0" (a rounded-down sub-second wait) would retry at once: back off.
        return self.backoff(attempt)


def is_retryable(exc: ApiError) -> bool:
    """True for failures that may go away on their own (and are safe to repeat)."""
    # Subclass checks are exact on purpose: CreditsExhausted, AuthError, UncertainSubmit, ...
    # are ApiErrors too but must never be retried.
    return type(exc) in (RateLimited, ServerError, TransportError) or (
        isinstance(exc, DownloadError) and exc.retryable
    )
