"""``VideoClient``: submit, poll and download xAI video jobs, carefully.

Every request goes through one path (:meth:`VideoClient._call`): the shared rate limiter, the
HTTP session (error mapping, key protection) and the retry policy. Submits are never re-sent
when they may have reached the server (:class:`~promptkit.errors.UncertainSubmit`). ``wait``
returns the terminal status and lets the caller decide what a failure means, unless asked to
raise. Typical use::

    async with VideoClient(ClientConfig.from_env()) as client:
        status, clip = await client.generate("a red kite over a beach", params, Path("out"))
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote, urlsplit

from promptkit.client.config import ClientConfig
from promptkit.client.download import Download, fetch_once, target_path
from promptkit.client.metering import Metering
from promptkit.client.polling import PollPolicy, next_poll_delay
from promptkit.client.ratelimit import Clock, RateLimiter, Sleep
from promptkit.client.retry import RetryPolicy
from promptkit.client.transport import (
    REFUSED_URL,
    AsyncBaseTransport,
    HttpResult,
    HttpSession,
    carries,
    error_for_response,
)
from promptkit.client.wire import JobStatus, parse_request_id, parse_status
from promptkit.errors import (
    ApiError,
    DownloadError,
    Expired,
    GenerationFailed,
    InvalidParamsError,
    Moderated,
    PollTimeout,
    ProviderError,
    RateLimited,
    UncertainSubmit,
)
from promptkit.models import (
    DEFAULT_MODEL,
    EXTENSION_DURATION_RANGE,
    GenerationParams,
)

log = logging.getLogger("promptkit.client")

GENERATIONS = "/v1/videos/generations"
EXTENSIONS = "/v1/videos/extensions"
EDITS = "/v1/videos/edits"
VIDEO_SUFFIXES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime"}


@dataclass
class ClientStats:
    """Counters of what one client did (for reports and tests)."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    uncertain: int = 0
    polls: int = 0
    downloads: int = 0
    bytes_downloaded: int = 0


def video_source(value: str | Path, max_bytes: int) -> str:
    """An http(s)/data URL as is, or a local video file as a ``data:video/...;base64`` URL."""
    if isinstance(value, str) and value.startswith(("https://", "http://", "data:video/")):
        return value
    path = Path(value).expanduser()
    if not path.is_file():
        raise InvalidParamsError(
            f"video: {str(value)[:80]!r} is neither an http(s) URL nor an existing video file"
        )
    mime = VIDEO_SUFFIXES.get(path.suffix.lower())
    if mime is None:
        raise InvalidParamsError(f"video: {path} is not an .mp4/.m4v/.mov file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InvalidParamsError(
            f"video: {path} is {size} bytes (allowed: at most {max_bytes} bytes as a data URL; "
            "upload it and pass its URL instead)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidParamsError(f"video: cannot read {path}: {exc.strerror}") from exc
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def raise_for_outcome(status: JobStatus) -> None:
    """Raise the error a non-successful terminal status stands for (nothing when done)."""
    rid = status.request_id
    if status.status == "failed":
        code = status.error_code or "unknown"
        message = status.error_message or "no message"
        raise GenerationFailed(f"job {rid} failed: {code}: {message}", code=code, request_id=rid)
    if status.status == "expired":
        raise Expired(f"job {rid} expired: its result is no longer available", request_id=rid)
    if status.moderated:
        raise Moderated(
            f"job {rid} finished but the clip was withheld by moderation; revise the prompt",
            request_id=rid,
        )


class VideoClient:
    """Async client of the xAI video REST API (or anything speaking it, like the simulator)."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        transport: AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        sleep: Sleep | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.config = config
        self.clock: Clock = clock or time.monotonic
        self.sleep: Sleep = sleep or asyncio.sleep
        self.limiter = RateLimiter(config.rps, config.rpm, clock=self.clock, sleep=self.sleep)
        self.retry = retry or RetryPolicy(
            max_retries=config.max_retries,
            backoff_base=config.backoff_base,
            backoff_max=config.backoff_max,
            max_retry_after=config.max_retry_after,
        )
        self.stats = ClientStats()
        self.metering = Metering(config.base_url, config.meter_downloads)
        self._session = HttpSession(config, transport)

    def __repr__(self) -> str:
        return f"VideoClient({self.config!r})"

    async def __aenter__(self) -> VideoClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._session.aclose()

    # -- the one request path -------------------------------------------------------------

    async def _call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        submit: bool = False,
        request_id: str | None = None,
    ) -> HttpResult:
        attempt = 0
        while True:
            await self.limiter.acquire()
            self.stats.requests += 1
            try:
                result = await self._session.send(method, path, json=json, submit=submit)
                self.metering.saw_api_answer(result.headers)
                if not 200 <= result.status < 300:
                    raise error_for_response(
                        result,
                        endpoint=f"{method} {path}",
                        submit=submit,
                        config=self.config,
                        request_id=request_id,
                    )
                return result
            except ApiError as exc:
                if exc.request_id is None:
                    exc.request_id = request_id
                if isinstance(exc, UncertainSubmit):
                    self.stats.uncertain += 1
                    raise
                if isinstance(exc, RateLimited):
                    self.stats.rate_limited += 1
                    self.limiter.slow_down(exc.retry_after)
                await self._pause_before_retry(exc, attempt, f"{method} {path}")
                attempt += 1

    async def _pause_before_retry(self, exc: ApiError, attempt: int, what: str) -> None:
        """Sleep before retry ``attempt + 1`` after ``exc``; re-raise it if the policy gives up."""
        delay = self.retry.delay(exc, attempt)
        if delay is None:
            raise exc
        self.stats.retries += 1
        log.info("%s: %s; retry %d in %.2f s", what, exc, attempt + 1, delay)
        await self.sleep(delay)

    async def _submit(self, endpoint: str, body: dict[str, Any]) -> str:
        result = await self._call("POST", endpoint, json=body, submit=True)
        try:
            return parse_request_id(
                result.body, endpoint=f"POST {endpoint}", http_status=result.status
            )
        except UncertainSubmit:
            self.stats.uncertain += 1
            raise

    # -- submits --------------------------------------------------------------------------

    async def submit_generation(
        self, prompt: str, params: GenerationParams, *, user: str | None = None
    ) -> str:
        """Start a text/image/reference-to-video job; returns its ``request_id``."""
        body = {"prompt": _prompt(prompt), **params.to_api()}
        if user:
            body["user"] = user
        return await self._submit(GENERATIONS, body)

    async def submit_extension(
        self,
        prompt: str,
        video_url: str | Path,
        duration: int | None = None,
        *,
        user: str | None = None,
        model: str = DEFAULT_MODEL,
    ) -> str:
        """Extend a clip (URL or local file) from its last frame by ``duration`` seconds."""
        body = self._video_body(prompt, video_url, model, user)
        if duration is not None:
            lo, hi = EXTENSION_DURATION_RANGE
            if isinstance(duration, bool) or not isinstance(duration, int):
                raise InvalidParamsError(f"duration: {duration!r} must be a whole number")
            if not lo <= duration <= hi:
                raise InvalidParamsError(
                    f"duration: {duration!r} must be between {lo} and {hi} seconds for an extension"
                )
            body["duration"] = duration
        return await self._submit(EXTENSIONS, body)

    async def submit_edit(
        self,
        prompt: str,
        video_url: str | Path,
        *,
        user: str | None = None,
        model: str = DEFAULT_MODEL,
    ) -> str:
        """Edit a clip (URL or local file) as the prompt says."""
        return await self._submit(EDITS, self._video_body(prompt, video_url, model, user))

    def _video_body(
        self, prompt: str, video: str | Path, model: str, user: str | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": model,
            "prompt": _prompt(prompt),
            "video": {"url": video_source(video, self.config.max_upload_bytes)},
        }
        if user:
            body["user"] = user
        return body

    # -- status and waiting ---------------------------------------------------------------

    async def get_status(self, request_id: str) -> JobStatus:
        """One status check of a job."""
        rid = _request_id(request_id)
        path = f"/v1/videos/{quote(rid, safe='')}"
        result = await self._call("GET", path, request_id=rid)
        self.stats.polls += 1
        status = parse_status(rid, result.status, result.body)
        if status.video_url == REFUSED_URL:
            raise ProviderError(
                f"status of {rid}: the clip URL carries the API key; refused (not stored, not "
                "fetched) — the provider must not echo your key",
                request_id=rid,
            )
        return status

    async def wait(
        self,
        request_id: str,
        *,
        on_progress: Callable[[JobStatus], None] | None = None,
        policy: PollPolicy | None = None,
        raise_on_failure: bool = False,
    ) -> JobStatus:
        """Poll until the job is terminal and return that status.

        With ``raise_on_failure`` a failed, expired or moderated outcome raises instead.
        Raises :class:`PollTimeout` (keeping the request id) after ``policy.timeout`` seconds.
        """
        policy = policy or self.config.poll
        start = self.clock()
        samples: list[tuple[float, int | None]] = []
        while True:
            # The poll timeout bounds every status request too: a server that trickles its
            # answer a byte at a time cannot hold the wait past it.
            left = max(policy.timeout - (self.clock() - start), policy.min_interval)
            try:
                async with asyncio.timeout(left):
                    status = await self.get_status(request_id)
            except TimeoutError:
                raise PollTimeout(
                    f"gave up waiting for job {request_id} after {policy.timeout:g} s (its status "
                    f"never arrived in full); it may still finish — check it with "
                    f"`promptkit status {request_id}`",
                    request_id=request_id,
                ) from None
            now = self.clock()
            samples.append((now, status.progress))
            if on_progress is not None:
                on_progress(status)
            if status.terminal:
                break
            left = policy.timeout - (now - start)
            if left <= 0:
                shown = f", {status.progress}%" if status.progress is not None else ""
                raise PollTimeout(
                    f"gave up waiting for job {status.request_id} after {policy.timeout:g} s "
                    f"(still pending{shown}); it may still finish — check it with "
                    f"`promptkit status {status.request_id}`",
                    request_id=status.request_id,
                )
            await self.sleep(min(next_poll_delay(samples, policy), left))
        if raise_on_failure:
            raise_for_outcome(status)
        return status

    # -- downloads ------------------------------------------------------------------------

    def meters_download(self, url: str) -> bool:
        """Whether downloading ``url`` counts against the provider's rate limit (and so waits
        for the shared limiter); see :mod:`promptkit.client.metering`."""
        return self.metering.meters_download(url)

    async def download(self, url: str, dest: Path, *, request_id: str | None = None) -> Download:
        """Fetch a clip to ``dest`` (a file path, or a folder to put it in), verified.

        A URL that is not a well-formed http(s) URL, or that carries the API key, is refused.
        """
        check_clip_url(url, self.config.api_key, request_id)
        path = target_path(url, Path(dest))
        attempt = 0
        while True:
            # Only a download the provider counts waits for a token (see client.metering).
            if self.metering.meters_download(url):
                await self.limiter.acquire()
            self.stats.requests += 1
            try:
                got = await fetch_once(
                    self._session,
                    url,
                    path,
                    max_bytes=self.config.max_download_bytes,
                    request_id=request_id,
                    timeout=self.config.download_timeout,
                    on_headers=lambda headers: self.metering.saw_download(url, headers),
                )
            except ApiError as exc:  # DownloadError is one too
                if exc.status_code == 429:
                    self.stats.rate_limited += 1
                    self.metering.saw_refusal(url)
                    self.limiter.slow_down()
                await self._pause_before_retry(exc, attempt, f"download {path.name}")
                attempt += 1
                continue
            self.stats.downloads += 1
            self.stats.bytes_downloaded += got.size
            return got

    async def generate(
        self,
        prompt: str,
        params: GenerationParams,
        dest_dir: Path,
        *,
        user: str | None = None,
        on_progress: Callable[[JobStatus], None] | None = None,
        policy: PollPolicy | None = None,
        raise_on_failure: bool = False,
    ) -> tuple[JobStatus, Download | None]:
        """Submit, wait and download at once (URLs expire): ``(status, download or None)``."""
        rid = await self.submit_generation(prompt, params, user=user)
        return await self.finish(
            rid, dest_dir, on_progress=on_progress, policy=policy, raise_on_failure=raise_on_failure
        )

    async def finish(
        self,
        request_id: str,
        dest_dir: Path,
        *,
        on_progress: Callable[[JobStatus], None] | None = None,
        policy: PollPolicy | None = None,
        raise_on_failure: bool = False,
    ) -> tuple[JobStatus, Download | None]:
        """Wait for a submitted job and download its clip as ``<dest_dir>/<request_id>.mp4``."""
        status = await self.wait(
            request_id, on_progress=on_progress, policy=policy, raise_on_failure=raise_on_failure
        )
        return status, await self.save(status, dest_dir)

    async def save(self, status: JobStatus, dest_dir: Path) -> Download | None:
        """Download a finished job's clip as ``<dest_dir>/<request_id>.mp4`` (None: no clip)."""
        if status.status != "done" or not status.video_url:
            return None
        dest = Path(dest_dir) / f"{_safe_name(status.request_id)}.mp4"
        return await self.download(status.video_url, dest, request_id=status.request_id)


def check_clip_url(url: str, secret: str | None, request_id: str | None = None) -> None:
    """Refuse a clip URL that is not a well-formed http(s) URL, or that carries the API key."""
    if url == REFUSED_URL or carries(url, secret):
        raise ProviderError(
            "the clip URL carries the API key; refused (it was not fetched)", request_id=request_id
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        raise DownloadError(f"not a valid clip URL ({exc})", request_id=request_id) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = url if len(url) <= 80 else url[:77] + "..."
        raise DownloadError(f"not an http(s) clip URL: {shown!r}", request_id=request_id)


def _prompt(prompt: str) -> str:
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidParamsError("prompt: must not be empty")
    return prompt


def _request_id(request_id: str) -> str:
    if not isinstance(request_id, str) or not request_id.strip():
        raise InvalidParamsError("request_id: must not be empty")
    return request_id.strip()


def _safe_name(request_id: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in request_id).strip(".") or "clip"
