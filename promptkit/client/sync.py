"""``SyncVideoClient``: the async client behind plain blocking calls, for scripts and notebooks.

The async client lives on its own event loop in a daemon thread, so the facade also works where
a loop is already running (Jupyter). Each method blocks until its coroutine finishes there.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from promptkit.client.client import ClientStats, VideoClient
from promptkit.client.config import ClientConfig
from promptkit.client.download import Download
from promptkit.client.polling import PollPolicy
from promptkit.client.wire import JobStatus
from promptkit.models import GenerationParams

T = TypeVar("T")


class SyncVideoClient:
    """Blocking twin of :class:`VideoClient` with the same methods."""

    def __init__(self, config: ClientConfig, **client_kwargs: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="promptkit-client", daemon=True
        )
        self._thread.start()
        self._closed = False

        async def make() -> VideoClient:
            return VideoClient(config, **client_kwargs)

        self._client = self._run(make())

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._closed:
            coro.close()
            raise RuntimeError("SyncVideoClient is closed")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    @property
    def stats(self) -> ClientStats:
        return self._client.stats

    @property
    def config(self) -> ClientConfig:
        return self._client.config

    def __repr__(self) -> str:
        return f"SyncVideoClient({self._client.config!r})"

    def __enter__(self) -> SyncVideoClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        try:
            self._run(self._client.aclose())
        finally:
            self._closed = True
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop.close()

    def submit_generation(
        self, prompt: str, params: GenerationParams, *, user: str | None = None
    ) -> str:
        return self._run(self._client.submit_generation(prompt, params, user=user))

    def submit_extension(
        self, prompt: str, video_url: str | Path, duration: int | None = None, **kw: Any
    ) -> str:
        return self._run(self._client.submit_extension(prompt, video_url, duration, **kw))

    def submit_edit(self, prompt: str, video_url: str | Path, **kw: Any) -> str:
        return self._run(self._client.submit_edit(prompt, video_url, **kw))

    def get_status(self, request_id: str) -> JobStatus:
        return self._run(self._client.get_status(request_id))

    def wait(
        self,
        request_id: str,
        *,
        on_progress: Callable[[JobStatus], None] | None = None,
        policy: PollPolicy | None = None,
        raise_on_failure: bool = False,
    ) -> JobStatus:
        return self._run(
            self._client.wait(
                request_id,
                on_progress=on_progress,
                policy=policy,
                raise_on_failure=raise_on_failure,
            )
        )

    def download(self, url: str, dest: Path, *, request_id: str | None = None) -> Download:
        return self._run(self._client.download(url, dest, request_id=request_id))

    def save(self, status: JobStatus, dest_dir: Path) -> Download | None:
        return self._run(self._client.save(status, dest_dir))

    def generate(
        self, prompt: str, params: GenerationParams, dest_dir: Path, **kw: Any
    ) -> tuple[JobStatus, Download | None]:
        return self._run(self._client.generate(prompt, params, dest_dir, **kw))

    def finish(
        self, request_id: str, dest_dir: Path, **kw: Any
    ) -> tuple[JobStatus, Download | None]:
        return self._run(self._client.finish(request_id, dest_dir, **kw))
