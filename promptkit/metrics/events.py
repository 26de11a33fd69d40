"""Clip-level events found in the per-frame series: freezes, cuts, fades, black frames, flicker.

All functions here are pure: they take the series the detectors filled during the single decode
pass (plus the clip clock, the frame times and the thresholds) and never touch frames.

Freeze rule: a freeze is a run of frames in which nothing moves at any span, judged against the
clip's own noise floor. Pairs of frames are compared at five spans (adjacent, ≈1/8, 1/4, 1/2 and
1 s); a pair *moves* when

- something in the picture changes locally: its busiest block changes by more than
  ``noise_multiplier`` × the clip's noise floor at that span, kept within ``still_floor`` and
  ``still_ceiling`` grey levels, and stands out: more than ``local_ratio`` × the pair's typical
  block (a walking person, a turning head) or more than ``uniform_change`` of the frame's
  contrast, its standard deviation (a close-up that changes everywhere). Codec noise, grain
  and a keyframe's requantisation change every block alike, by at most 1.5× the typical block
  and 18 % of the contrast, and on the stills of the development set never moved a block by
  more than 6.5 grey levels (4 outside keyframes);
- or the whole picture changes beyond what noise does: its typical block changes by more than
  ``noise_multiplier`` × the floor and by ``uniform_change`` of the contrast (a cut, a new
  picture; a keyframe's requantisation is about 10 %);
- or the picture as a whole is displaced: the global motion between the two frames (translation,
  zoom or roll at the frame's edge) exceeds ``still_shift`` and explains a tenth of the pair's
  difference. This is what sees a slow pan or zoom: 0.25 px a frame at 720p is invisible from
  one frame to the next but is 0.2 analysis px after 1/4 s and 0.75 px after a second, and
  explains 35–70 % of the difference, while on a still with grain, flicker or keyframe pumping
  the estimate stays under 0.07 px and explains under 1 %;
- or the smoothed brightness ramps faster than ``fade_rate`` (a fade is a change even though
  brightness-compensated differences hide it).

Each moving pair is blamed on the frames between its two ends by halving: if one half of it (a
pair of half the span) moves, the change happened there, and so on down to adjacent frames; if
neither half moves, the change only adds up over the whole span and all of it is blamed. A fast
pan that stops is blamed on the frames before the stop (so the freeze starts where the picture
stopped), a slow one on the shortest span that shows it. Frames blamed for nothing are still;
a single moving frame between two still runs whose pictures match at a longer span (a flash, a
glitch) joins the runs; still runs of at least ``freeze_min_s`` (container time) are freezes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from promptkit.metrics.detectors import (
    SPAN_KEYS,
    SPANS,
    BrightnessDetector,
    ClipClock,
    DiffDetector,
)
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


@dataclass(frozen=True)
class NoiseFloor:
    """The clip's own noise, per span (``"1"`` adjacent, then ``SPAN_KEYS``), in grey levels."""

    floors: dict[str, float]
    thresholds: dict[str, float]  # the local-change threshold at each span

    @property
    def adjacent(self) -> float:
        return self.floors["1"]


def median(values: np.ndarray) -> float:
    """``np.median`` of finite values, bit for bit, in one partition: ``np.median`` and
    ``np.percentile`` spend ~20 µs a call on generality, and a clip takes a few dozen of them
    (per span, per candidate cut), as much as scoring a 256×256 GIF frame."""
    n = values.size
    half = n // 2
    if n % 2:
        return float(np.partition(values, half)[half])
    part = np.partition(values, (half - 1, half))
    return float((part[half - 1] + part[half]) / 2)


def percentile(values: np.ndarray, q: float) -> float:
    """``np.percentile(values, q)`` (linear interpolation) of finite values, bit for bit."""
    n = values.size
    virtual = (n - 1) * (q / 100)
    if virtual >= n - 1:
        return float(values.max())
    lo = int(virtual)
    part = np.partition(values, (lo, lo + 1))
    a, b = float(part[lo]), float(part[lo + 1])
    t = virtual - lo
    # numpy's interpolation: from the nearer end, so q = 100 returns the maximum exactly
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def _nanmedian(values: np.ndarray, default: float = 0.0) -> float:
    finite = values[np.isfinite(values)]
    return median(finite) if finite.size else default


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


def noise_floor(series: dict[str, np.ndarray], th: Thresholds) -> NoiseFloor:
    """The clip's noise at each span: the median over frames of the block-median difference.

    The block median is what an unchanged block looks like after this clip's compression, grain
    and flicker; its median over the clip is not moved by a subject that occupies a few blocks,
    nor by the moving part of a clip that also holds still.
    """
    adjacent = _nanmedian(series[DiffDetector.NOISE1])
    floors = {"1": adjacent}
    for key in SPAN_KEYS:
        floors[key] = _nanmedian(series[f"med{key}"], default=adjacent)
    thresholds = {
        k: min(th.still_ceiling, max(th.still_floor, th.noise_multiplier * v))
        for k, v in floors.items()
    }  # within [still_floor, still_ceiling]
    return NoiseFloor(floors, thresholds)


def still_threshold(series: dict[str, np.ndarray], th: Thresholds) -> tuple[float, float]:
    """(adjacent noise floor, adjacent-frame local-change threshold) in grey levels."""
    floor = noise_floor(series, th)
    return floor.adjacent, floor.thresholds["1"]


def _moving(
    top: np.ndarray,
    med: np.ndarray,
    contrast: np.ndarray,
    floor: float,
    thr: float,
    th: Thresholds,
) -> np.ndarray:
    """Which pairs change beyond noise, locally or as a whole (NaN: not a pair)."""
    top = np.nan_to_num(top, nan=0.0)
    med = np.nan_to_num(med, nan=0.0)
    visible = th.uniform_change * np.nan_to_num(contrast, nan=0.0)
    local = (top > thr) & ((top > th.local_ratio * med) | (top > visible))
    whole = (med > th.noise_multiplier * floor) & (med > visible)
    return local | whole  # type: ignore[no-any-return]


def _span_moves(
    series: dict[str, np.ndarray], th: Thresholds, floor: NoiseFloor, shift_px: float
) -> dict[int, dict[int, bool]]:
    """For each span (in ≈1/8 s steps): {later frame of a pair: whether the pair moves}."""
    contrast = series[DiffDetector.CONTRAST]
    out: dict[int, dict[int, bool]] = {}
    for steps, key in zip(SPANS, SPAN_KEYS, strict=True):
        top = series[f"block{key}"]
        moving = _moving(top, series[f"med{key}"], contrast, floor.floors[key],
                         floor.thresholds[key], th)  # fmt: skip
        moving |= np.nan_to_num(series[f"shift{key}"], nan=0.0) > shift_px
        out[steps] = {int(q): bool(moving[q]) for q in np.flatnonzero(np.isfinite(top))}
    return out


def moving_frames(
    series: dict[str, np.ndarray],
    clock: ClipClock,
    th: Thresholds,
    short_side: float,
    floor: NoiseFloor | None = None,
) -> np.ndarray:
    """Per frame: True where something moves (see the module docstring for the rule).
    ``floor`` is :func:`noise_floor` of ``series``, when the caller has it already."""
    floor = floor or noise_floor(series, th)
    n = series[DiffDetector.BLOCK1].size
    blamed = np.zeros(n, dtype=bool)
    if n == 0:
        return blamed
    adjacent = np.zeros(n, dtype=bool)
    adjacent[1:] = _moving(
        series[DiffDetector.BLOCK1][1:], series[DiffDetector.NOISE1][1:],
        series[DiffDetector.CONTRAST][1:], floor.adjacent, floor.thresholds["1"], th,
    )  # fmt: skip
    blamed |= adjacent
    blamed |= brightness_slope(series[BrightnessDetector.BRIGHTNESS], clock) > th.fade_rate
    shift_px = th.still_shift * short_side
    spans = _span_moves(series, th, floor, shift_px)
    step = clock.lag_short

    def blame(steps: int, q: int) -> None:
        # The change a pair shows happened in whichever half of it shows change; when neither
        # half does (slow motion that only adds up over the whole span), over the whole span.
        p = q - steps * step
        if steps == 1:
            inside = adjacent[p + 1 : q + 1]
            if inside.any():
                return  # the adjacent pairs that moved are blamed already
        else:
            half = steps // 2
            first, second = spans[half].get(q - half * step), spans[half].get(q)
            if first is not None and second is not None and (first or second):
                if first:
                    blame(half, q - half * step)
                if second:
                    blame(half, q)
                return
        blamed[p + 1 : q + 1] = True

    for steps in SPANS:
        for q, moves in spans[steps].items():
            if moves:
                blame(steps, q)
    return _join_across_spikes(blamed, spans, clock)


def _join_across_spikes(
    blamed: np.ndarray, spans: dict[int, dict[int, bool]], clock: ClipClock
) -> np.ndarray:
    """Clear single moving frames whose neighbours match across a longer span (a transient)."""
    n = blamed.size
    out = blamed.copy()
    step = clock.lag_short
    for j in (int(i) + 1 for i in np.flatnonzero(blamed[1:-1])):
        if blamed[j - 1] or blamed[j + 1]:
            continue
        for steps in SPANS:
            # A still pair of this span with both ends still, around frame j.
            lag = steps * step
            around = (q for q, moves in spans[steps].items() if not moves and q - lag < j < q)
            if any(q < n and not blamed[q - lag] and not blamed[q] for q in around):
                out[j] = False
                break
    return out


def still_runs(
    moving: np.ndarray,
    series: dict[str, np.ndarray],
    th: Thresholds,
    times: np.ndarray,
    duration: float,
) -> tuple[np.ndarray, list[Freeze]]:
    """Per-frame still-run mask and the freezes (still runs of at least ``freeze_min_s``).

    ``moving`` is :func:`moving_frames`; ``times`` the frames' presentation times.
    """
    n = moving.size
    still = ~moving
    runs: list[tuple[int, int]] = []
    # A still frame continues the run of the frame before it; frame 0 has no "before", so a
    # run starts at the frame before its first still pair.
    start: int | None = None
    for i in range(1, n):
        if still[i]:
            if start is None:
                start = i - 1
        elif start is not None:
            runs.append((start, i - 1))
            start = None
    if start is not None:
        runs.append((start, n - 1))
    mask = np.zeros(n, dtype=bool)
    freezes = []
    b1 = np.nan_to_num(series[DiffDetector.BLOCK1], nan=np.inf)
    for s, e in runs:
        mask[s : e + 1] = True
        s, e = _trim(b1, s, e, th)
        end_s = float(times[e + 1]) if e + 1 < n else duration
        if end_s - float(times[s]) >= th.freeze_min_s - 1e-9:
            freezes.append(Freeze(float(times[s]), end_s, s, e))
    return mask, freezes


def _trim(b1: np.ndarray, s: int, e: int, th: Thresholds) -> tuple[int, int]:
    """Shrink a still run to its core: drop the settling frames at either end.

    A real clip often slows down before it freezes (and a fade starts a frame or two before the
    brightness test notices); those frames pass the clip-wide threshold but are clearly busier
    than the run's own median change.
    """
    if e - s < 3:
        return s, e
    limit = max(TRIM_FLOOR, 3.0 * median(b1[s + 1 : e + 1]))
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
        base = percentile(around, 90) if around.size else 0.0
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
    return median(np.abs(bright - moving_average(bright, 2 * clock.lag_short + 1)))


def progress(series: dict[str, np.ndarray]) -> tuple[float, float, float]:
    """(median change at ≈1/8 s, at ≈1 s, their ratio): ratio ≈ 1 means change that goes nowhere."""
    d8 = _nanmedian(series[DiffDetector.DIFF8])
    ds = _nanmedian(series[DiffDetector.DIFFS], default=d8)
    return d8, ds, ds / d8 if d8 > 1e-6 else 0.0
