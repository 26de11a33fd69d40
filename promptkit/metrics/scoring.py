"""Scoring entry points: ``score_clip`` (one clip, one decode pass) and ``score_many`` (a pool).

``score_clip`` decodes the clip once, feeds every frame to the detectors and the artifact sampler,
then summarises: freezes, motion and camera, flags, conformance and the verdict. It never raises
for a bad video — an undecodable file scores ``unreadable`` with the reason — and raises
:class:`~promptkit.errors.InputError` only when the path is missing or a folder.

Decoding is the cost, so clips are scored in parallel processes with one decoder thread each
(faster than frame-threaded decoding of one clip at a time on small machines). ``score_clip``
runs OpenCV on one thread while it scores (and gives the caller's setting back), so it is also
safe to call from any ``ProcessPoolExecutor``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from promptkit.errors import InputError, UnreadableVideo
from promptkit.metrics import camera, conformance, events
from promptkit.metrics.artifacts import Artifacts, FrameSampler, write_artifacts
from promptkit.metrics.conformance import Expected
from promptkit.metrics.detectors import BrightnessDetector, ClipClock, DiffDetector
from promptkit.metrics.flow import FlowDetector, FlowPair
from promptkit.metrics.frames import FrameSource
from promptkit.metrics.opencv import cv2
from promptkit.metrics.thresholds import Thresholds
from promptkit.metrics.verdict import Evidence, decide, unreadable

Metric = float | int | bool


class FreezeInterval(BaseModel):
    """A still interval of the clip, in seconds."""

    model_config = ConfigDict(frozen=True)

    start_s: float
    end_s: float


class CameraMotion(BaseModel):
    """The global camera motion label and how sure the scorer is (0–1)."""

    model_config = ConfigDict(frozen=True)

    motion: str = "static"
    confidence: float = 0.0


class ClipScore(BaseModel):
    """Everything the scorer says about one clip (see docs/metrics.md for the metric keys)."""

    model_config = ConfigDict(frozen=True)

    path: Path
    verdict: str = Field(description="frozen, partial-freeze, low-motion, ok or unreadable.")
    flags: list[str] = Field(default_factory=list, description="Sorted flag names.")
    reason: str = Field(default="", description="The verdict in words, one line.")
    freezes: list[FreezeInterval] = Field(default_factory=list)
    camera: CameraMotion = Field(default_factory=CameraMotion)
    metrics: dict[str, Metric] = Field(default_factory=dict)
    duration_s: float = 0.0
    width: int = 0
    height: int = 0
    fps: float = 0.0
    frames: int = 0
    artifacts: Artifacts = Field(default_factory=Artifacts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: paths as strings, artifacts as a dict of strings or ``None``."""
        return {
            "path": str(self.path),
            "verdict": self.verdict,
            "flags": list(self.flags),
            "reason": self.reason,
            "freezes": [{"start_s": f.start_s, "end_s": f.end_s} for f in self.freezes],
            "camera": {"motion": self.camera.motion, "confidence": self.camera.confidence},
            "metrics": dict(self.metrics),
            "duration_s": self.duration_s,
            "width": self.width,
            "height": self.height,
            "fps": self.fps,
            "frames": self.frames,
            "artifacts": self.artifacts.to_dict(),
        }


def _video_path(path: Path) -> Path:
    """``path`` as a Path; an :class:`InputError` when it is missing or a folder."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a video file")
    return path


@contextlib.contextmanager
def _one_opencv_thread() -> Iterator[None]:
    """OpenCV single-threaded while a clip is scored, as it was before afterwards.

    Every image the detectors touch is ~15 000 pixels: OpenCV's thread pool spends more on
    handing such work out than it saves (a 4 s 720p clip took 37 % more CPU time with two
    threads, for a 30 % shorter wall time on an idle machine and none on a busy one), and in a
    pool every core already scores a clip of its own.
    """
    before = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield
    finally:
        cv2.setNumThreads(before)


def score_clip(
    path: Path,
    *,
    expected: Expected | None = None,
    thresholds: Thresholds | None = None,
    artifacts_dir: Path | None = None,
    stem: str | None = None,
) -> ClipScore:
    """Score one clip in a single decode pass (see the module docstring for the contract)."""
    path = _video_path(path)
    th = thresholds or Thresholds()
    try:
        with _one_opencv_thread():
            return _score(path, expected, th, artifacts_dir, stem or path.stem)
    except UnreadableVideo as exc:
        v = unreadable(str(exc))
        return ClipScore(path=path, verdict=v.verdict, flags=v.flags, reason=v.reason)
    except cv2.error as exc:
        v = unreadable(f"{path.name}: the decoder failed ({str(exc).splitlines()[-1][:120]})")
        return ClipScore(path=path, verdict=v.verdict, flags=v.flags, reason=v.reason)


def _score(
    path: Path,
    expected: Expected | None,
    th: Thresholds,
    artifacts_dir: Path | None,
    stem: str,
) -> ClipScore:
    with FrameSource(path) as src:
        info = src.info
        clock = ClipClock.for_fps(info.fps)
        size = src.analysis_size
        diff = DiffDetector(clock, size)
        bright = BrightnessDetector(diff)  # after diff: it reuses the frame mean
        flow = FlowDetector(clock, size)
        times: list[float] = []
        steps: list[Any] = [diff.process_frame, bright.process_frame, flow.process_frame]
        sampler = None
        if artifacts_dir is not None:
            sampler = FrameSampler(info.declared_frames, info.width, info.height)
            steps.append(sampler.process_frame)
        for frame in src:
            times.append(frame.time_s)
            for step in steps:
                step(frame)
        n = src.frames_read
        duration = src.duration_s

    series = {**diff.series(), **bright.series()}
    t = np.asarray(times)
    fps = n / duration if duration > 0 else clock.fps
    floor = events.noise_floor(series, th)
    moving = events.moving_frames(series, clock, th, flow.short, floor)
    still, freezes = events.still_runs(moving, series, th, t, duration)
    cut_frames = events.cuts(series, clock, th)
    black = events.black_frames(series, th)
    dup_ratio, dup_run = events.duplicates(series, freezes, black, th)
    d8, ds, ratio = events.progress(series)
    flick = events.flicker_luma(series, clock)

    def keep(p: FlowPair) -> bool:  # pairs that span a cut measure the cut, not motion
        return not any(p.start < c <= p.index for c in cut_frames)

    def moves(p: FlowPair) -> bool:  # a pair with a moving frame between its ends
        return bool(moving[p.start + 1 : p.index + 1].any())

    pairs = [p for p in flow.pairs if keep(p)]
    pair_moves = [moves(p) for p in pairs]
    cam_pairs = [p for p in flow.camera_pairs if keep(p)]
    motion = camera.summarise(
        pairs, cam_pairs, flow.short, pair_moves, [moves(p) for p in cam_pairs], th
    )

    problems = conformance.check(
        expected, duration_s=duration, width=info.width, height=info.height, fps=fps, th=th
    )
    noise, thr = floor.adjacent, floor.thresholds["1"]
    d1 = series[DiffDetector.DIFF1]
    finite_d1 = d1[np.isfinite(d1)]
    first_last, _ = diff.first_last()
    still_s = sum(f.duration_s for f in freezes)
    metrics: dict[str, Metric] = {
        **motion.metrics(),
        "noise_floor": round(noise, 4),
        "still_threshold": round(thr, 4),
        "still_fraction": round(still_s / duration if duration else 1.0, 4),
        "freeze_count": len(freezes),
        "longest_freeze_s": round(max((f.duration_s for f in freezes), default=0.0), 3),
        "diff_median": round(events.median(finite_d1) if finite_d1.size else 0.0, 4),
        "diff_p90": round(events.percentile(finite_d1, 90) if finite_d1.size else 0.0, 4),
        "diff_short": round(d8, 4),
        "diff_long": round(ds, 4),
        "diff_first_last": round(first_last, 4),
        "progress_ratio": round(ratio, 4),
        "duplicate_ratio": round(dup_ratio, 4),
        "longest_duplicate_run": dup_run,
        "brightness_mean": round(float(series[BrightnessDetector.BRIGHTNESS].mean()), 3),
        "flicker_luma": round(flick, 4),
        "black_frames": int(black.sum()),
        "black_fraction": round(float(black.mean()) if n else 0.0, 4),
        "fades": events.fades(series, clock, th),
        "cuts": len(cut_frames),
        "conforming": not problems,
    }
    evidence = Evidence(
        duration_s=duration,
        frames=n,
        freezes=freezes,
        motion=motion.motion,
        camera=motion.camera,
        flicker_luma=flick,
        diff_short=d8,
        progress_ratio=ratio,
        duplicate_ratio=dup_ratio,
        cuts=len(cut_frames),
        black_s=float(black.sum()) / fps,
        nonconforming=problems,
        camera_confidence=motion.camera_confidence,
        camera_motion=motion.camera_motion,
        subject_motion=motion.subject_motion,
        camera_jitter=motion.jitter,
    )
    v = decide(evidence, th)
    metrics["flicker"] = "flicker" in v.flags

    arts = Artifacts()
    if sampler is not None and artifacts_dir is not None:
        columns = {**series, **flow.series(), "still": still, "black_frame": black}
        # The headline motion per pair (short sides/s, pairs outside the moving part as 0, as
        # the headline counts them): what reports plot, on one scale across a run.
        per_pair = np.full(n, np.nan)
        for p, is_moving in zip(pairs, pair_moves, strict=True):
            per_pair[p.index] = p.mean / flow.short / p.dt if is_moving else 0.0
        columns["motion"] = per_pair
        arts = write_artifacts(Path(artifacts_dir), stem, sampler, t, columns)
    return ClipScore(
        path=path,
        verdict=v.verdict,
        flags=v.flags,
        reason=v.reason,
        freezes=[FreezeInterval(**f.to_dict()) for f in freezes],
        camera=CameraMotion(motion=motion.camera, confidence=motion.camera_confidence),
        metrics=dict(sorted(metrics.items())),
        duration_s=round(duration, 4),
        width=info.width,
        height=info.height,
        fps=round(fps, 4),
        frames=n,
        artifacts=arts,
    )


@dataclass(frozen=True)
class ScoreJob:
    """One clip to score and how."""

    path: Path
    expected: Expected | None = None
    thresholds: Thresholds | None = None
    artifacts_dir: Path | None = None
    stem: str | None = None


def _run_job(job: ScoreJob) -> ClipScore:
    return score_clip(
        job.path,
        expected=job.expected,
        thresholds=job.thresholds,
        artifacts_dir=job.artifacts_dir,
        stem=job.stem,
    )


def _init_worker() -> None:
    cv2.setNumThreads(1)


def score_many(items: Sequence[ScoreJob], jobs: int | None = None) -> Iterator[ClipScore]:
    """Score ``items`` in a process pool (one decoder thread per process), in input order."""
    for job in items:
        _video_path(job.path)
    workers = max(1, min(jobs or os.cpu_count() or 1, len(items)))
    if workers == 1:
        for job in items:
            yield _run_job(job)
        return
    # Imported here: a single process never pays for the pool machinery.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers never inherit a parent's OpenCV/BLAS thread pools mid-flight.
    ctx = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker) as ex:
        yield from ex.map(_run_job, items, chunksize=1)
