"""Job lifecycle: creation, the latency model, rendering off the event loop, progress, expiry.

A job is decided when it is submitted (its seed, its latency, whether it will fail or be
moderated) and rendered at once in a worker pool; its visible state is then a pure function of
the clock: ``pending`` with rising progress until its latency has passed and its clip is
rendered, then ``done``/``failed``, then ``expired`` once ``retention_s`` has passed. Clip URLs
stop working ``url_ttl_s`` after the job finished. Time comes from an injectable :class:`Clock`
so tests can expire things without sleeping. With a :class:`~promptkit.sim.persist.JobFile`
the store survives a restart: jobs are recorded before they are answered and restored at start
(their clips rendered again when first asked for).
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
from promptkit.sim.persist import JobFile, Saved
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
    """A rendered clip served at ``/clips/<token>.mp4`` until ``expires_at``.

    ``data`` and ``sidecar`` are None for a clip restored from disk until
    :meth:`JobStore.materialize` renders it again.
    """

    token: str
    request_id: str
    data: bytes | None
    sidecar: dict[str, Any] | None
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
    render: RenderJob | None = None
    """What a restored job's clip is rendered from (None once its bytes are in memory)."""

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

    def __init__(
        self, config: SimConfig, clock: Clock, ledger: Ledger, persist: JobFile | None = None
    ) -> None:
        self.config = config
        self.clock = clock
        self.ledger = ledger
        self.persist = persist
        self.jobs: dict[str, Job] = {}
        self.clips: dict[str, Clip] = {}
        self._stored_bytes = 0
        self._lock = threading.Lock()
        self._advance_lock = threading.RLock()
        self._render_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(config.render_workers, thread_name_prefix="sim-render")
        self._occurrences: Counter[int] = Counter()
        if persist is not None:
            self._restore(persist.load())

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
        entry = {
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
        render = None
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
        if self.persist is not None:
            # On disk before it exists anywhere else: if this write fails, no job was created.
            try:
                self.persist.accepted(
                    request_id=job.request_id, submission=sub, latency_s=latency,
                    outcome=outcome, cost_ticks=job.cost_ticks, frames=frames, seed_key=key,
                    extra=job.extra, ledger=entry, render=render,
                )  # fmt: skip
            except OSError:
                with self._lock:
                    self._occurrences[key] -= 1
                raise
        with self._lock:
            self.jobs[job.request_id] = job
        self.ledger.accepted(entry)
        if render is not None:
            self._start_render(job, render)
        return job

    def _start_render(self, job: Job, render: RenderJob) -> None:
        job.future = self._pool.submit(render_clip, render)
        job.future.add_done_callback(self._rendered_callback(job))

    def _restore(self, saved: list[Saved]) -> None:
        """Bring back the jobs of an earlier run of this simulator (see ``persist``)."""
        now, wall = self.clock.now(), time.time()
        for s in saved:
            created = now - max(0.0, wall - s.created_wall)
            job = Job(
                request_id=s.request_id, submission=s.submission, created_at=created,
                latency_s=s.latency_s, outcome=s.outcome,  # type: ignore[arg-type]
                cost_ticks=s.cost_ticks, frames=s.frames, extra=s.extra, render=s.render,
            )  # fmt: skip
            self._occurrences[s.seed_key] += 1
            self.jobs[job.request_id] = job
            self.ledger.restore(job.request_id, s.ledger)
            if s.finished is None:
                continue  # still pending: it finishes (and renders) when it is due
            fields = dict(s.finished.get("ledger") or {})
            job.finished_at = created + float(s.finished.get("after_s") or 0.0)
            job.error = fields.get("error")
            token = s.finished.get("token")
            if token and job.outcome == "done" and not job.error:
                job.clip = Clip(token, job.request_id, None, None,
                                expires_at=job.finished_at + self.config.url_ttl_s)  # fmt: skip
                self.clips[token] = job.clip
            self.ledger.restore(job.request_id, fields)

    def materialize(self, clip: Clip) -> Clip:
        """``clip`` with its bytes, rendering a restored clip again when first needed (blocking:
        call it off the event loop)."""
        with self._render_lock:
            if clip.data is None:
                job = self.jobs[clip.request_id]
                assert job.render is not None  # a restored clip keeps what it renders from
                rendered = render_clip(job.render)
                clip.data, clip.sidecar = rendered.data, rendered.sidecar
                job.render = None
                with self._lock:
                    self._stored_bytes += len(rendered.data)
        return clip

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

    def by_user(self, user: str) -> list[str]:
        """Request ids of the jobs whose submit carried ``user``, oldest first."""
        with self._lock:
            return [j.request_id for j in self.jobs.values() if j.submission.user == user]

    def refresh(self) -> None:
        """Bring every job up to date with the clock (finishing those that are due)."""
        with self._lock:
            jobs = list(self.jobs.values())
        for job in jobs:
            self._advance(job)
        now = self.clock.now()
        with self._lock:
            for token in [t for t, c in self.clips.items() if c.expires_at <= now]:
                self._stored_bytes -= len(self.clips.pop(token).data or b"")

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
        if job.future is None:
            # Restored while pending: render it now that it is due (nothing was kept on disk).
            assert job.render is not None
            render, job.render = job.render, None
            self._start_render(job, render)
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
                self._stored_bytes -= len(self.clips.pop(oldest).data or b"")
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
        if self.persist is not None:
            token = job.clip.token if job.clip is not None else None
            self.persist.finished(
                job.request_id, after_s=at - job.created_at, token=token, status=status,
                cost_ticks=charged, error=job.error, **fields,
            )  # fmt: skip
