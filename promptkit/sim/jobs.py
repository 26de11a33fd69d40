"""Job lifecycle: creation, the latency model, rendering off the event loop, progress, expiry.

A job is decided when it is submitted (its seed, its latency, whether it will fail or be
moderated) and rendered at once in a worker pool; its visible state is then a pure function of
the clock: ``pending`` with rising progress until its latency has passed and its clip is
rendered, then ``done``/``failed``, then ``expired`` once ``retention_s`` has passed. Clip URLs
stop working ``url_ttl_s`` after the job finished. Time comes from an injectable :class:`Clock`
so tests can expire things without sleeping.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from promptkit.models import FPS, cost_ticks
from promptkit.sim.config import SimConfig
from promptkit.sim.ledger import Ledger
from promptkit.sim.renderer import RenderedClip, RenderJob, VideoInfo, render_clip
from promptkit.sim.wire import Submission

Outcome = Literal["done", "failed", "moderated"]


class Clock(Protocol):
    def now(self) -> float: ...


class MonotonicClock:
    """Real time."""

    def now(self) -> float:
        return time.monotonic()


class ManualClock:
    """Time that moves only when told to (for tests)."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@dataclass
class Clip:
    """A rendered clip served at ``/clips/<token>.mp4`` until ``expires_at``."""

    token: str
    request_id: str
    data: bytes
    sidecar: dict[str, Any]
    expires_at: float


@dataclass
class Job:
    """One accepted request."""

    request_id: str
    submission: Submission
    created_at: float
    latency_s: float
    outcome: Outcome
    cost_ticks: int
    frames: int
    future: Future[RenderedClip] | None = None
    rendered_at: float | None = None
    finished_at: float | None = None
    clip: Clip | None = None
    error: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        return self.submission.endpoint

    @property
    def model(self) -> str:
        return self.submission.model

    @property
    def duration_s(self) -> int:
        return round(self.frames / FPS)


def request_seed(seed: int, endpoint: str, body: dict[str, Any], occurrence: int = 0) -> int:
    """The render seed of a request: same body, simulator seed and occurrence, same clip.

    ``occurrence`` counts earlier identical requests to this simulator: like a real model, the
    same prompt submitted again (a replicate) is a new sample, while a fresh simulator with the
    same seed replays the same sequence of clips byte for byte.
    """
    canonical = json.dumps({k: v for k, v in body.items() if k != "user"}, sort_keys=True)
    salt = f":{occurrence}" if occurrence else ""
    digest = hashlib.sha256(f"{seed}:{endpoint}:{canonical}{salt}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def body_sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


class JobStore:
    """All jobs and clips of one simulator, with the render pool."""

    def __init__(self, config: SimConfig, clock: Clock, ledger: Ledger) -> None:
        self.config = config
        self.clock = clock
        self.ledger = ledger
        self.jobs: dict[str, Job] = {}
        self.clips: dict[str, Clip] = {}
        self._stored_bytes = 0
        self._lock = threading.Lock()
        self._advance_lock = threading.RLock()
        self._pool = ThreadPoolExecutor(config.render_workers, thread_name_prefix="sim-render")
        self._occurrences: Counter[int] = Counter()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def create(
        self,
        sub: Submission,
        body: dict[str, Any],
        raw: bytes,
        *,
        outcome: Outcome,
        input_video: bytes | None = None,
        input_info: VideoInfo | None = None,
        input_sidecar: dict[str, Any] | None = None,
        first_frame: np.ndarray | None = None,
        via: str = "rest",
    ) -> Job:
        """Create, record and start rendering a job; returns it (``via``: the front it came by)."""
        cfg = self.config
        key = request_seed(cfg.seed, sub.endpoint, body)
        with self._lock:
            occurrence = self._occurrences[key]
            self._occurrences[key] += 1
        # A first submission's seed is its key; only replicates hash the body again.
        seed = key if occurrence == 0 else request_seed(cfg.seed, sub.endpoint, body, occurrence)
        width, height = sub.size
        resolution = sub.resolution
        if input_info is not None:
            width, height = input_info.width, input_info.height
            resolution = "720p" if min(width, height) >= 720 else "480p"
        new_frames = sub.duration * FPS
        frames = new_frames + (input_info.frames if input_info else 0)
        if sub.endpoint == "edits" and input_info is not None:
            frames, new_frames = input_info.frames, 0
        billed = sub.duration if sub.endpoint != "edits" else frames / FPS
        jitter = ((seed >> 8) % 2001) / 1000.0 - 1.0
        latency = cfg.latency_s(frames / FPS, resolution, jitter)
        job = Job(
            request_id=str(uuid.uuid4()),
            submission=sub,
            created_at=self.clock.now(),
            latency_s=latency,
            outcome=outcome,
            cost_ticks=cost_ticks(sub.model, resolution, round(billed, 3)),
            frames=frames,
        )
        job.extra["resolution"] = resolution
        with self._lock:
            self.jobs[job.request_id] = job
        self.ledger.accepted(
            {
                "ts": time.time(),
                "request_id": job.request_id,
                "endpoint": sub.endpoint,
                "via": via,
                "user": sub.user,
                "body_sha256": body_sha256(raw),
                "prompt": sub.prompt,
                "model": sub.model,
                "duration": job.duration_s,
                "resolution": resolution,
                "aspect_ratio": sub.aspect_ratio if sub.endpoint == "generations" else None,
                "cost_ticks": job.cost_ticks,
                "latency_s": round(latency, 3),
                "status": "pending",
            }
        )
        if outcome == "done":
            render = RenderJob(
                kind={"generations": "generation", "extensions": "extension", "edits": "edit"}[
                    sub.endpoint
                ],  # type: ignore[arg-type]
                prompt=sub.prompt,
                width=width,
                height=height,
                frames=new_frames,
                seed=seed,
                image=sub.image_bytes,
                first_frame=first_frame,
                input_video=input_video,
                input_sidecar=input_sidecar,
                frozen_rate=cfg.frozen_rate,
                drift_rate=cfg.drift_rate,
                preset=cfg.x264_preset,
                crf=cfg.x264_crf,
            )
            job.future = self._pool.submit(render_clip, render)
            job.future.add_done_callback(self._rendered_callback(job))
        return job

    def _rendered_callback(self, job: Job) -> Callable[[Future[RenderedClip]], None]:
        def done(_: Future[RenderedClip]) -> None:
            # The clip counts as ready at this clock time (a manual clock makes it exact).
            job.rendered_at = self.clock.now()

        return done

    def get(self, request_id: str) -> Job | None:
        with self._lock:
            job = self.jobs.get(request_id)
        if job is not None:
            self._advance(job)
        return job

    def refresh(self) -> None:
        """Bring every job up to date with the clock (finishing those that are due)."""
        with self._lock:
            jobs = list(self.jobs.values())
        for job in jobs:
            self._advance(job)
        now = self.clock.now()
        with self._lock:
            for token in [t for t, c in self.clips.items() if c.expires_at <= now]:
                self._stored_bytes -= len(self.clips.pop(token).data)

    def progress(self, job: Job) -> int:
        """0–99 while pending: the share of the expected latency that has passed."""
        if job.latency_s <= 0:
            return 99
        elapsed = self.clock.now() - job.created_at
        return max(0, min(99, int(99 * elapsed / job.latency_s)))

    def status(self, job: Job) -> str:
        """pending, done, failed or expired (moderated jobs are ``done``)."""
        if job.finished_at is None:
            return "pending"
        if self.clock.now() >= job.finished_at + self.config.retention_s:
            return "expired"
        return "failed" if job.outcome == "failed" or job.error else "done"

    def clip(self, token: str) -> Clip | None:
        with self._lock:
            clip = self.clips.get(token)
        if clip is None or self.clock.now() >= clip.expires_at:
            return None
        return clip

    def _advance(self, job: Job) -> None:
        if job.finished_at is not None:
            return
        with self._advance_lock:
            self._advance_locked(job)

    def _advance_locked(self, job: Job) -> None:
        if job.finished_at is not None:
            return
        now = self.clock.now()
        due = job.created_at + job.latency_s
        if now < due:
            return
        if job.outcome == "failed":
            job.error = {
                "code": "internal_error",
                "message": "Video generation failed (simulated failure); retry the request.",
            }
            self._finish(job, due, status="failed")
            return
        if job.outcome == "moderated":
            self._finish(job, due, status="moderated")
            return
        assert job.future is not None
        if not job.future.done():
            return
        finished = max(due, job.rendered_at or due)
        exc = job.future.exception()
        if exc is not None:
            job.error = {"code": "internal_error", "message": f"Rendering failed: {exc}"}
            self._finish(job, finished, status="failed")
            return
        rendered = job.future.result()
        token = secrets.token_urlsafe(24)
        job.clip = Clip(
            token,
            job.request_id,
            rendered.data,
            rendered.sidecar,
            expires_at=finished + self.config.url_ttl_s,
        )
        job.future = None  # the clip holds the bytes now
        with self._lock:
            self.clips[token] = job.clip
            self._stored_bytes += len(rendered.data)
            # Bound memory on long runs: the oldest clips go first (their URLs then 404,
            # as an expired URL would).
            while self._stored_bytes > self.config.max_stored_bytes and len(self.clips) > 1:
                oldest = next(iter(self.clips))
                self._stored_bytes -= len(self.clips.pop(oldest).data)
        self._finish(
            job,
            finished,
            status="done",
            sidecar=rendered.sidecar,
            bytes=len(rendered.data),
            sha256=hashlib.sha256(rendered.data).hexdigest(),
        )

    def _finish(self, job: Job, at: float, *, status: str, **fields: Any) -> None:
        with self._lock:
            if job.finished_at is not None:
                return
            job.finished_at = at
        charged = job.cost_ticks if status in ("done", "moderated") else 0
        self.ledger.finished(
            job.request_id, status=status, cost_ticks=charged, error=job.error, **fields
        )
