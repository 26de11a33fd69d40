"""Clip-level events found in the per-frame series: freezes, cuts, fades, black frames, flicker.

All functions here are pure: they take the series the detectors filled during the single decode
pass (plus the clip clock and the thresholds) and never touch frames, so ``rescore`` with new
thresholds only needs the saved series.

Freeze rule. The still threshold adapts to the clip: ``noise_multiplier`` × the noise floor
(median over frames of the block-median adjacent difference, i.e. what an unchanged block looks
like in this clip after compression and grain), clamped to ``[still_floor, still_ceiling]``. A
frame continues a still run when its block-max difference to the previous frame is under that
threshold *and*, once the run is long enough, its difference at ≈1/8 s and ≈1 s is too (with a
small allowance for codec drift), *and* the smoothed brightness is not ramping (a fade is a
change even though brightness-compensated differences hide it). The lag tests are what keep a
slow zoom or pan from being called frozen; the block maximum keeps a small moving subject on a
still background from being called frozen; frame holds are too short to count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from promptkit.metrics.detectors import BrightnessDetector, ClipClock, DiffDetector
from promptkit.metrics.thresholds import Thresholds

TRIM_FLOOR = 0.25  # grey levels: settling frames busier than this (and 3× the run's median) go


@dataclass(frozen=True)
class Freeze:
    """A still interval; ``end_s`` is the time of the first changed frame (or the clip end)."""

    start_s: float
    end_s: float
    start_frame: int
    end_frame: int  # last still frame, inclusive

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, float]:
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3)}


def _nanmedian(values: np.ndarray, default: float = 0.0) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else default


def moving_average(values: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average with edge padding (same length as ``values``)."""
    if values.size == 0 or width <= 1:
        return values.astype(np.float64)
    half = width // 2
    padded = np.pad(values.astype(np.float64), (half, width - 1 - half), mode="edge")
    return np.convolve(padded, np.ones(width) / width, mode="valid")


def brightness_slope(brightness: np.ndarray, clock: ClipClock) -> np.ndarray:
    """|Δ smoothed brightness| per second over the trailing ≈0.5 s (flicker averaged out)."""
    n = brightness.size
    smooth = moving_average(brightness, 2 * clock.lag_short + 1)
    lag = max(1, clock.lag_long // 2)
    slope = np.zeros(n)
    if n > lag:
        slope[lag:] = np.abs(smooth[lag:] - smooth[:-lag]) * clock.fps / lag
        slope[:lag] = slope[lag] if n > lag else 0.0
    return slope


def still_threshold(series: dict[str, np.ndarray], th: Thresholds) -> tuple[float, float]:
    """(noise floor, adjacent-frame still threshold) in grey levels."""
    noise = _nanmedian(series[DiffDetector.NOISE1])
    return noise, float(np.clip(th.noise_multiplier * noise, th.still_floor, th.still_ceiling))


def still_runs(
    series: dict[str, np.ndarray], clock: ClipClock, th: Thresholds, thr: float
) -> tuple[np.ndarray, list[Freeze]]:
    """Per-frame still mask and the freezes (still runs of at least ``freeze_min_s``).

    ``thr`` is the adjacent-frame still threshold (:func:`still_threshold`).
    """
    b1 = np.nan_to_num(series[DiffDetector.BLOCK1], nan=np.inf)
    b8 = np.nan_to_num(series[DiffDetector.BLOCK8], nan=0.0)
    bs = np.nan_to_num(series[DiffDetector.BLOCKS], nan=0.0)
    fading = brightness_slope(series[BrightnessDetector.BRIGHTNESS], clock) > th.fade_rate
    thr8, thrs = thr * th.short_lag_factor, thr * th.long_lag_factor
    n = b1.size
    still = np.zeros(n, dtype=bool)
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, n):
        ok = b1[i] <= thr and not fading[i]
        if ok and i - clock.lag_short >= start:
            ok = b8[i] <= thr8
        if ok and i - clock.lag_long >= start:
            ok = bs[i] <= thrs
        if ok:
            still[i] = True
            still[start] = True
        else:
            if i - 1 > start:
                runs.append((start, i - 1))
            start = i  # frame i may be the first frame of the next hold
    if n - 1 > start:
        runs.append((start, n - 1))
    fps = clock.fps
    duration = n / fps
    freezes = []
    for s, e in (_trim(b1, s, e, th) for s, e in runs):
        end_s = min(duration, (e + 1) / fps)
        if end_s - s / fps >= th.freeze_min_s - 1e-9:
            freezes.append(Freeze(s / fps, end_s, s, e))
    return still, freezes


def _trim(b1: np.ndarray, s: int, e: int, th: Thresholds) -> tuple[int, int]:
    """Shrink a still run to its core: drop the settling frames at either end.

    A real clip often slows down before it freezes (and a fade starts a frame or two before the
    brightness test notices); those frames pass the clip-wide threshold but are clearly busier
    than the run's own median change.
    """
    if e - s < 3:
        return s, e
    limit = max(TRIM_FLOOR, 3.0 * float(np.median(b1[s + 1 : e + 1])))
    while s < e and b1[s + 1] > limit:
        s += 1
    while e > s and b1[e] > limit:
        e -= 1
    return s, e


def duplicates(
    series: dict[str, np.ndarray], freezes: list[Freeze], black: np.ndarray, th: Thresholds
) -> tuple[float, int]:
    """(share of adjacent pairs that repeat a frame, outside freezes and black frames (``black``,
    from :func:`black_frames`); longest repeat run)."""
    raw = series[DiffDetector.RAW1][1:]
    if raw.size == 0:
        return 0.0, 0
    dup = np.nan_to_num(raw, nan=np.inf) <= th.duplicate_eps
    inside = black[1:] & black[:-1]  # black frames repeat by nature; they are flagged apart
    for f in freezes:
        inside[max(0, f.start_frame) : f.end_frame] = True  # pair j compares frames j and j+1
    outside = ~inside
    ratio = float(dup[outside].mean()) if outside.any() else 0.0
    longest = run = 0
    for d in dup:
        run = run + 1 if d else 0
        longest = max(longest, run)
    return ratio, longest


def cuts(series: dict[str, np.ndarray], clock: ClipClock, th: Thresholds) -> list[int]:
    """Frames that start a new shot: a jump far above the surrounding content-rate change."""
    d1 = np.nan_to_num(series[DiffDetector.DIFF1], nan=0.0)
    n = d1.size
    out: list[int] = []
    window = max(2, clock.lag_long)
    min_gap = max(1, int(round(clock.fps / 2)))
    for i in np.flatnonzero(d1 >= th.cut_min):
        lo, hi = max(1, i - window), min(n, i + window + 1)
        around = np.concatenate([d1[lo : max(lo, i - 1)], d1[i + 2 : hi]])
        # The 90th percentile, not the median: with frame holds most adjacent pairs are zero and
        # every content step would otherwise look like a cut.
        base = float(np.percentile(around, 90)) if around.size else 0.0
        if d1[i] >= th.cut_ratio * max(base, 1.0) and (not out or i - out[-1] >= min_gap):
            out.append(int(i))
    return out


def black_frames(series: dict[str, np.ndarray], th: Thresholds) -> np.ndarray:
    return series[BrightnessDetector.BLACK] >= th.black_pixel_ratio


def fades(series: dict[str, np.ndarray], clock: ClipClock, th: Thresholds) -> int:
    """Number of brightness ramps (≥ 0.25 s above ``fade_rate``) that reach a dark frame."""
    bright = series[BrightnessDetector.BRIGHTNESS]
    ramp = brightness_slope(bright, clock) > th.fade_rate
    min_len = max(2, int(round(clock.fps / 4)))
    count = 0
    i, n = 0, ramp.size
    while i < n:
        if not ramp[i]:
            i += 1
            continue
        j = i
        while j < n and ramp[j]:
            j += 1
        lo, hi = max(0, i - clock.lag_long), min(n, j + clock.lag_long)
        seg = bright[lo:hi]
        steps = np.abs(np.diff(seg))
        total = float(seg.max() - seg.min()) if seg.size else 0.0
        gradual = steps.size > 0 and float(steps.max()) < 0.5 * total  # a hard cut is not a fade
        if j - i >= min_len and gradual and seg.min() <= 0.5 * max(seg.max(), 1.0):
            count += 1
        i = j
    return count


def flicker_luma(series: dict[str, np.ndarray], clock: ClipClock) -> float:
    """Median |brightness − its moving average over ≈1/4 s|, grey levels (cuts barely move it)."""
    bright = series[BrightnessDetector.BRIGHTNESS]
    if bright.size < 3:
        return 0.0
    return float(np.median(np.abs(bright - moving_average(bright, 2 * clock.lag_short + 1))))


def progress(series: dict[str, np.ndarray]) -> tuple[float, float, float]:
    """(median change at ≈1/8 s, at ≈1 s, their ratio): ratio ≈ 1 means change that goes nowhere."""
    d8 = _nanmedian(series[DiffDetector.DIFF8])
    ds = _nanmedian(series[DiffDetector.DIFFS], default=d8)
    return d8, ds, ds / d8 if d8 > 1e-6 else 0.0
