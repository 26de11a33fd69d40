"""The scheduler: drives every job from submit to score, as fast as the rate limit allows.

One :class:`~promptkit.client.VideoClient` serves the whole run, so submits, polls and
downloads share one rate limiter. Each job is a task: submit (after the budget guard), poll at
the moment it is expected to finish (learned from the progress rate of jobs of the same kind,
then from its own), download as soon as it is done, then hand the clip to the scoring pool and
free its slot for the next submit. Every state change is committed to the journal before the
next request; an error ends that job (recorded with its reason), never the run. Two things do
stop the run: the disk refusing writes (a :class:`~promptkit.errors.StorageError`: submits
stop, requests already sent are let finish and recorded, then the error is raised) and, before
that, the disk guard, which stops new submits while too little space is left for their clips.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from promptkit.client import JobStatus, PollPolicy, VideoClient, next_poll_delay
from promptkit.errors import (
    ApiError,
    AuthError,
    CreditsExhausted,
    DownloadError,
    Expired,
    PromptkitError,
    RateLimited,
    ServerError,
    StorageError,
    TransportError,
    UncertainSubmit,
)
from promptkit.runner.journal import JobRow, Journal
from promptkit.runner.layout import RunLayout
from promptkit.runner.pacing import (
    DOWNLOAD_FIRST,
    POLL_NEXT,
    SUBMIT_LAST,
    LatencyModel,
    RequestGate,
)
from promptkit.runner.progress import Counts, Progress
from promptkit.runner.scoring import score_args, score_file

log = logging.getLogger("promptkit.runner")

# Stages a job can be (re)started from; see promptkit.runner.resume.
SUBMIT, POLL, DOWNLOAD, SCORE = "submit", "poll", "download", "score"
WITH_CLIP = {"downloaded", "scored"}
NO_CLIP = {"failed", "moderated", "expired", "error", "uncertain", "skipped"}
EXPIRED_URL = "clip URL expired before download"
MiB = 1024 * 1024


@dataclass
class SchedulerOptions:
    """How hard and how long to push."""

    concurrency: int = 8
    """Jobs between submit and download at once (scoring does not hold a slot)."""
    poll: PollPolicy = field(default_factory=PollPolicy)
    budget_ticks: int | None = None
    """Stop submitting before committed + in-flight cost would pass this."""
    user_prefix: str = ""
    """Sent as the API's ``user`` field: ``<prefix><job_id>`` names the job in provider logs."""
    thresholds: dict[str, Any] | None = None
    score: bool = True
    first_poll_quantile: float = 0.93
    """Share of first polls meant to find their job done (higher: fewer polls, later
    downloads); see :class:`~promptkit.runner.pacing.LatencyModel`."""
    gate_slots: int = 4
    """Requests let into the client's rate-limiter queue at once (downloads first)."""
    min_free_bytes: int = 64 * MiB
    """Stop submitting while the run folder's disk has less than this free (room for the clips
    of jobs in flight and the journal)."""


@dataclass
class RunStats:
    """What the scheduler did in this session (the benchmark reads it)."""

    submits: int = 0
    polls: int = 0
    poll_errors: int = 0
    downloads: int = 0
    scored: int = 0
    first_submit: float | None = None
    last_download: float | None = None
    stop_reason: str | None = None


class Scheduler:
    """Runs a set of jobs (each from its resume stage) to completion against one client."""

    def __init__(
        self,
        journal: Journal,
        layout: RunLayout,
        client: VideoClient,
        options: SchedulerOptions,
        *,
        progress: Progress | None = None,
        pool: Executor | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.journal = journal
        self.layout = layout
        self.client = client
        self.options = options
        self.progress = progress or Progress()
        self.pool = pool
        self.clock = clock
        self.latency = LatencyModel(options.first_poll_quantile)
        self.gate = RequestGate(options.gate_slots)
        self.stats = RunStats()
        self._slots = asyncio.Semaphore(options.concurrency)
        self._states: dict[str, str] = {}
        # What the provider charged, per job: set (never added) so a job re-polled for a fresh
        # clip URL, or polled again on resume, is counted once in progress and the budget guard.
        self._costs: dict[str, int] = {}
        self._reserved: dict[str, int] = {}
        self._probing: set[tuple[Any, ...]] = set()
        self._learn_events: dict[tuple[Any, ...], asyncio.Event] = {}
        self.counts = Counts(budget_ticks=options.budget_ticks)
        self.fatal: StorageError | None = None
        self._unrecorded: list[str] = []
        self._halt: asyncio.Event | None = None

    # --- entry point ---------------------------------------------------------------------
    async def run(self, plan: list[tuple[JobRow, str | None]]) -> RunStats:
        """Drive every ``(job, stage)``; a stage of None means nothing is left to do."""
        for row, _ in plan:
            self._states[row.job_id] = row.state
            if row.cost_ticks is not None:
                self._costs[row.job_id] = row.cost_ticks
            elif row.state in ("submitted", "uncertain", "submitting") or (
                row.request_id and row.state == "error"
            ):
                # Possibly billed but not yet priced: hold its list price against the budget.
                self._reserved[row.job_id] = row.variant.params.cost_ticks()
        self.counts.total = len(plan)
        self._refresh()
        self.progress.start(self.counts)
        # Jobs already in flight go first: they are paid for and their URLs expire.
        order = {POLL: 0, DOWNLOAD: 0, SCORE: 1, SUBMIT: 2}
        todo = sorted((p for p in plan if p[1] is not None), key=lambda p: order[p[1] or SUBMIT])
        self._halt = asyncio.Event()
        try:
            await asyncio.gather(*(self._drive(row, stage) for row, stage in todo))
        finally:
            self.progress.stop(self.counts)
        if self.fatal is not None:
            if self._unrecorded:
                raise StorageError(
                    f"{self.fatal}; accepted but not recorded (job=request id): "
                    + ", ".join(self._unrecorded)
                )
            raise self.fatal
        return self.stats

    def _halt_run(self, exc: StorageError) -> None:
        """The disk refused a write: no new work; requests already sent finish and are kept."""
        if self.fatal is None:
            self.fatal = exc
            self.stats.stop_reason = f"the disk refused a write ({exc})"
            self.progress.message(f"stopping: {exc}")
            with contextlib.suppress(StorageError):
                self.journal.event("stop-submits", self.stats.stop_reason)
        if self._halt is not None:
            self._halt.set()

    async def _pause(self, delay: float) -> bool:
        """Sleep ``delay`` seconds; False (at once) when the run is halting."""
        if self._halt is None:
            await asyncio.sleep(delay)
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._halt.wait(), timeout=max(0.0, delay))
        return self.fatal is None

    # --- one job -------------------------------------------------------------------------
    async def _drive(self, row: JobRow, stage: str | None) -> None:
        try:
            if stage != SCORE:
                async with self._slots:
                    row_or_none = await self._until_downloaded(row, stage)
                if row_or_none is None:
                    return
                row = row_or_none
            if self.options.score and row.state == "downloaded" and self.fatal is None:
                await self._score(row)
        except StorageError as exc:
            self._halt_run(exc)
        except Exception as exc:  # one job's surprise must not end the run
            log.exception("job %s", row.job_id)
            try:
                self._fail(row.job_id, f"{type(exc).__name__}: {exc}")
            except StorageError as storage:
                self._halt_run(storage)

    async def _until_downloaded(self, row: JobRow, stage: str | None) -> JobRow | None:
        if stage == SUBMIT:
            submitted = await self._submit(row)
            if submitted is None:
                return None
            row, stage = submitted, POLL
        if stage == POLL:
            row = await self._poll(row)
            if row.state != "done":
                return None
            stage = DOWNLOAD
        if stage == DOWNLOAD and self.fatal is None:
            return await self._download(row)
        return None if self.fatal is not None else row

    async def _submit(self, row: JobRow) -> JobRow | None:
        async with self.gate.slot(SUBMIT_LAST):
            # Checked and journaled only once through the gate: a job killed while waiting
            # there has sent nothing and must not come back as "uncertain".
            if not self._may_submit(row):
                return None
            rid = await self._send(row)
            if rid is None:
                return None
        try:
            return self._tr(row.job_id, "submitted", request_id=rid, submitted_at=time.time())
        except StorageError:
            # Paid for but not in the journal: name it in the error, so it is not forgotten.
            self._unrecorded.append(f"{row.job_id}={rid}")
            raise

    def _may_submit(self, row: JobRow) -> bool:
        job_id = row.job_id
        if self.stats.stop_reason is None:
            estimate = row.variant.params.cost_ticks()
            budget = self.options.budget_ticks
            if budget is not None and self._committed() + estimate > budget:
                self._stop("budget guard: the next submit could pass the budget")
        if self.stats.stop_reason is None and self.journal.disk_full:
            self._stop(
                "the disk is full: the journal had to use its reserve; free space, then resume"
            )
        if self.stats.stop_reason is None:
            free = _free_bytes(self.layout.root)
            if free is not None and free < self.options.min_free_bytes:
                self._stop(
                    f"disk guard: {free // MiB} MiB free where the run is kept, less than the "
                    f"{self.options.min_free_bytes // MiB} MiB its clips and journal need; free "
                    "space, then resume"
                )
        if self.fatal is not None:
            return False
        if self.stats.stop_reason:
            self.journal.note(job_id, f"not submitted: {self.stats.stop_reason}")
            return False
        return True

    async def _send(self, row: JobRow) -> str | None:
        """Submit one job; None when it was not accepted for sure (the reason is journaled)."""
        job_id = row.job_id
        self._reserved[job_id] = row.variant.params.cost_ticks()
        self._tr(job_id, "submitting", attempt=True)
        if self.stats.first_submit is None:
            self.stats.first_submit = self.clock()
        self.stats.submits += 1
        try:
            return await self.client.submit_generation(
                row.variant.prompt, row.variant.params, user=f"{self.options.user_prefix}{job_id}"
            )
        except UncertainSubmit as exc:
            # It may be billed: keep its reservation, never resend it without being asked.
            self._tr(job_id, "uncertain", error=f"submit outcome unknown: {exc}")
        except CreditsExhausted as exc:
            self._reserved.pop(job_id, None)
            self._tr(job_id, "planned", error=f"not submitted: {exc}")
            self._stop(f"credits exhausted ({exc})")
        except AuthError as exc:
            self._reserved.pop(job_id, None)
            self._tr(job_id, "error", error=str(exc))
            self._stop(f"the API key was refused ({exc})")
        except PromptkitError as exc:
            self._reserved.pop(job_id, None)
            self._tr(job_id, "error", error=f"submit refused: {exc}")
        return None

    async def _poll(self, row: JobRow) -> JobRow:
        job_id, rid = row.job_id, row.request_id
        assert rid is not None
        policy = self.options.poll
        key = _kind(row)
        now = self.clock()
        # Map the journal's wall-clock submit time onto our monotonic clock.
        started = now - max(0.0, time.time() - (row.submitted_at or time.time()))
        samples: list[tuple[float, int | None]] = [(started, 0)]
        probe = False
        aimed_at = self.latency.estimate(key)
        delay = self._first_delay(key, now - started)
        if delay is None:
            probe, delay = await self._probe_or_wait(key, started)
            aimed_at = None if probe else self.latency.estimate(key)
        # Only a first poll sent at the model's aim (or the probe's) says something about it: a
        # job resumed long after its submit, or one that waited past the aim, does not.
        first = probe or (delay > 0 and self.options.poll.adaptive)
        while True:
            if not await self._pause(max(0.0, delay)):
                return row  # halting: the job stays as the journal has it, for a resume
            # The poll timeout bounds each status request too, so a provider that trickles its
            # answer cannot hold the job past it (a resumed job still gets one full poll).
            # Waiting for the gate does not count: a busy run is not the provider's fault.
            try:
                async with self.gate.slot(POLL_NEXT):
                    budget = max(policy.timeout - (self.clock() - started), policy.max_interval)
                    async with asyncio.timeout(budget):
                        status = await self.client.get_status(rid)
            except TimeoutError:
                return self._tr(
                    job_id,
                    "error",
                    error=f"no complete status within the {policy.timeout:g} s poll timeout; "
                    "resume the run to poll again",
                )
            except (RateLimited, ServerError, TransportError) as exc:
                # The client already retried; the job itself is fine. Try again later.
                self.stats.poll_errors += 1
                self.journal.event("poll-error", str(exc), job_id)
                first = False  # the answer that comes later was not aimed by the model
                if self.clock() - started > policy.timeout:
                    return self._tr(job_id, "error", error=f"polling kept failing: {exc}")
                delay = policy.max_interval
                continue
            except ApiError as exc:
                return self._tr(job_id, "error", error=f"poll refused: {exc}")
            finally:
                if probe:
                    # Whatever the answer, the other jobs of its kind stop waiting for it (they
                    # run only after this task's next await, by when the rate is recorded).
                    probe = False
                    self._learned(key).set()
            self.stats.polls += 1
            self.journal.count_poll(job_id)
            now = self.clock()
            if first:
                # Done or not, the first answer teaches the model (done: "done by then").
                first = False
                self.latency.observe(key, now - started, status.terminal, status.progress, aimed_at)
            if status.terminal:
                return self._finish(row, status)
            if row.state != "submitted":
                row = self._tr(job_id, "submitted", detail="pending again")
            samples.append((now, status.progress))
            if now - started > policy.timeout:
                return self._tr(
                    job_id,
                    "error",
                    error=f"still pending after {policy.timeout:g} s; resume the run to poll again",
                )
            delay = self._next_delay(samples)

    def _first_delay(self, key: tuple[Any, ...], elapsed: float) -> float | None:
        """Seconds until a job's first poll, or None when nothing is known about its kind yet."""
        policy = self.options.poll
        if not policy.adaptive:
            return max(0.0, policy.interval - elapsed)
        aim = self.latency.estimate(key)
        return None if aim is None else max(0.0, aim - elapsed)

    async def _probe_or_wait(self, key: tuple[Any, ...], started: float) -> tuple[bool, float]:
        """One job of an unknown kind probes early; the rest wait for its answer.

        Without this, a first wave of N jobs would each spend a poll just to learn the rate. The
        probe polls after ``min_interval``: found pending, its progress tells the rate; found
        done later (at the 5 s ``interval``), it would tell only "at most 5 s", and the first
        jobs of a fast kind would wait for polls aimed far too late.
        """
        policy = self.options.poll
        if key not in self._probing:
            self._probing.add(key)
            return True, max(0.0, policy.min_interval - (self.clock() - started))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._learned(key).wait(), timeout=policy.max_interval * 2)
        elapsed = self.clock() - started
        delay = self._first_delay(key, elapsed)
        if delay is None:  # the probe learned nothing (it was already done): poll on schedule
            delay = max(0.0, policy.clamp(policy.interval) - elapsed)
        return False, delay

    def _learned(self, key: tuple[Any, ...]) -> asyncio.Event:
        return self._learn_events.setdefault(key, asyncio.Event())

    def _next_delay(self, samples: list[tuple[float, int | None]]) -> float:
        policy = self.options.poll
        delay = next_poll_delay(samples, policy)
        if policy.adaptive and delay < policy.max_interval:
            delay = min(policy.max_interval, delay * 1.03 + 0.2)
        return delay

    def _finish(self, row: JobRow, status: JobStatus) -> JobRow:
        job_id = row.job_id
        cost = status.cost_ticks
        if cost is not None:
            cost = self._charge(job_id, cost)
        fields: dict[str, Any] = {"cost_ticks": cost, "finished_at": time.time()}
        if status.status == "done" and status.moderated:
            return self._tr(job_id, "moderated", error="withheld by moderation", **fields)
        if status.status == "done" and status.video_url:
            return self._tr(job_id, "done", video_url=status.video_url, **fields)
        if status.status == "done":
            return self._tr(job_id, "error", error="done but no clip URL was given", **fields)
        if status.status == "failed":
            reason = f"{status.error_code or 'unknown'}: {status.error_message or 'no message'}"
            return self._tr(job_id, "failed", error=f"generation failed: {reason}", **fields)
        return self._tr(job_id, "expired", error="the job expired before it was fetched", **fields)

    async def _download(self, row: JobRow) -> JobRow | None:
        job_id, rid = row.job_id, row.request_id
        rel = self.layout.clip_file(job_id)
        dest = self.layout.root / rel
        for attempt in range(2):
            assert row.video_url is not None
            try:
                async with self._download_slot(row.video_url):
                    got = await self.client.download(row.video_url, dest, request_id=rid)
            except Expired as exc:
                self.journal.event("url-expired", str(exc), job_id)
                if attempt == 1 or rid is None:
                    # Even the URL of a fresh status is gone: no clip will ever come.
                    self._expire(row, row.cost_ticks)
                    return None
                # The URL expired, maybe not the job: one fresh status may carry a new URL.
                try:
                    async with self.gate.slot(DOWNLOAD_FIRST):
                        status = await self.client.get_status(rid)
                except ApiError as poll_exc:
                    self._tr(job_id, "error", error=f"download failed: {exc}; {poll_exc}")
                    return None
                self.stats.polls += 1
                self.journal.count_poll(job_id)
                if status.status == "done" and status.video_url == row.video_url:
                    # The same dead URL again: polling on (or on every resume) cannot help.
                    cost = status.cost_ticks if status.cost_ticks is not None else row.cost_ticks
                    self._expire(row, cost)
                    return None
                row = self._finish(row, status)
                if row.state != "done":
                    return None
                continue
            except (DownloadError, ApiError) as exc:
                self._tr(job_id, "error", error=f"download failed: {exc}")
                return None
            self.stats.downloads += 1
            self.stats.last_download = self.clock()
            return self._tr(job_id, "downloaded", file=rel, sha256=got.sha256)
        return None

    def _download_slot(self, url: str) -> contextlib.AbstractAsyncContextManager[None]:
        """The gate for a download the provider meters; none for one it does not (a clip on a
        media host): holding a slot there would only keep polls and submits waiting."""
        if self.client.meters_download(url):
            return self.gate.slot(DOWNLOAD_FIRST)
        return contextlib.nullcontext()

    def _expire(self, row: JobRow, cost: int | None) -> None:
        """End a job whose clip URL expired for good: terminal, so no resume polls it again."""
        if cost is not None:
            cost = self._charge(row.job_id, cost)
        self._tr(row.job_id, "expired", error=EXPIRED_URL, cost_ticks=cost, finished_at=time.time())

    async def _score(self, row: JobRow) -> None:
        loop = asyncio.get_running_loop()
        args = score_args(self.layout, row, self.options.thresholds)
        try:
            result = await loop.run_in_executor(self.pool, score_file, *args)
        except Exception as exc:
            # The clip is safe on disk; `promptkit rescore` or a resume can score it later.
            self.journal.event("score-error", f"{type(exc).__name__}: {exc}", row.job_id)
            return
        self._tr(row.job_id, "scored", score=result)
        self.stats.scored += 1

    # --- bookkeeping ---------------------------------------------------------------------
    @property
    def spent_ticks(self) -> int:
        """What the provider has charged for this run's jobs (each job counted once)."""
        return sum(self._costs.values())

    def _charge(self, job_id: str, cost: int) -> int:
        """Book ``cost`` for the job; returns what is booked (never less than before)."""
        known = self._costs.get(job_id)
        if known is not None and cost < known:
            # A job's cost never goes down: a lower figure reported later is not booked.
            self.journal.event("cost-ignored", f"{cost} ticks after {known}", job_id)
            cost = known
        self._costs[job_id] = cost
        self._reserved.pop(job_id, None)
        return cost

    def _committed(self) -> int:
        return self.spent_ticks + sum(self._reserved.values())

    def _stop(self, reason: str) -> None:
        if self.stats.stop_reason is None:
            self.stats.stop_reason = reason
            self.journal.event("stop-submits", reason)
            self.progress.message(f"no new submits: {reason}")

    def _fail(self, job_id: str, reason: str) -> None:
        state = self._states.get(job_id)
        # Caught mid-submit: it may have reached the provider, so it is uncertain, not failed.
        target = "uncertain" if state == "submitting" else "error"
        try:
            self._tr(job_id, target, error=reason)
        except Exception:
            self.journal.event("error", reason, job_id)

    def _tr(self, job_id: str, state: str, **fields: Any) -> JobRow:
        row = self.journal.transition(job_id, state, **fields)
        self._states[job_id] = state
        self._refresh()
        return row

    def _refresh(self) -> None:
        states = list(self._states.values())
        c = self.counts
        c.submitted = sum(s not in ("planned", "submitting", "skipped") for s in states)
        c.done = sum(s in ("done", *WITH_CLIP) for s in states)
        c.downloaded = sum(s in WITH_CLIP for s in states)
        c.scored = sum(s == "scored" for s in states)
        c.failed = sum(s in NO_CLIP for s in states)
        c.spent_ticks = self.spent_ticks
        self.progress.update(c)


def _free_bytes(folder: Any) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def _kind(row: JobRow) -> tuple[Any, ...]:
    p = row.variant.params
    return (p.model, p.resolution, p.duration, bool(p.image), len(p.reference_images))
