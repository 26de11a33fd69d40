"""The async client of the xAI video REST API (and of the simulator, which speaks the same API).

Public API (implementation lives in private-by-convention modules): :class:`VideoClient`
(async), :class:`SyncVideoClient` (blocking facade), :class:`ClientConfig`, :class:`JobStatus`,
:class:`Download`, :class:`PollPolicy` and :func:`next_poll_delay` (shared with the eval
runner's scheduler), :class:`RateLimiter`, :class:`RetryPolicy`. Only
:mod:`promptkit.client.transport` imports httpx.
"""

from __future__ import annotations

from promptkit.client.client import (
    ClientStats,
    VideoClient,
    raise_for_outcome,
    video_source,
)
from promptkit.client.config import DEFAULT_BASE_URL, ClientConfig
from promptkit.client.download import Download
from promptkit.client.polling import PollPolicy, next_poll_delay
from promptkit.client.ratelimit import RateLimiter
from promptkit.client.retry import RetryPolicy
from promptkit.client.sync import SyncVideoClient
from promptkit.client.wire import JobStatus, parse_status

__all__ = [
    "ClientConfig",
    "ClientStats",
    "DEFAULT_BASE_URL",
    "Download",
    "JobStatus",
    "PollPolicy",
    "RateLimiter",
    "RetryPolicy",
    "SyncVideoClient",
    "VideoClient",
    "next_poll_delay",
    "parse_status",
    "raise_for_outcome",
    "video_source",
]
