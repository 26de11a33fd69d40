"""Per-frame detectors: small classes with one ``process_frame`` method (PySceneDetect style).

A detector sees every analysis frame exactly once, in order, keeps only a bounded ring of recent
frames (about one second), and appends one row of scalars per frame to its series. Metric keys
are class constants so the CSV writer, the events and the docs agree on names. Frames themselves
are never accumulated.

Frame differences here are *brightness-compensated*: both frames are mean-subtracted and the older
one is rescaled by the ratio of standard deviations, so a global gain change (flicker, a fade) does
not read as motion. Differences are taken per block on a coarse grid (about 12 px cells on the
~96 px analysis frame): the block maximum catches small moving subjects that a frame mean would
drown in a static background, while the block median measures the clip's noise floor.

Motion is looked for at four spans besides adjacent frames: ≈1/8, 1/4, 1/2 and 1 s (multiples of
the ≈1/8 s step, on every step-th frame). Slow motion that no adjacent difference shows adds up
over the longer spans; codec noise, grain and flicker do not. At each span the detector also
estimates the global motion between the two frames in one Lucas–Kanade step (translation, zoom and
roll from the image gradients and the signed difference): about 10 µs per span on top of the
difference itself, sensitive to a few hundredths of a pixel, blind to brightness changes.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from promptkit.metrics.frames import Frame
from promptkit.metrics.opencv import cv2

BLOCK_PX = 12
# Luma of a black pixel (FFmpeg blackdetect: pix_th=0.10 of the nominal range).
BLACK_PIX_TH = 0.10
BORDER = 0.08  # fraction of each side left out of the global-motion estimate (edges, bars)
SPANS = (1, 2, 4, 8)  # lags in ≈1/8 s steps: ≈1/8, 1/4, 1/2 and 1 s
# Each span is looked at every max(1, span / 2) steps: consecutive pairs of a span overlap by at
# least half, so any stretch of a span's length holds one pair of it, at 11 pairs per 4 steps
# instead of 16.
STRIDES = tuple(max(1, k // 2) for k in SPANS)
SPAN_KEYS = ("8", "4", "2", "S")  # series suffixes: 1/8 s, 1/4 s, 1/2 s, 1 s ("S": a second)
EXPLAINED = 0.1  # share of a pair's difference its global motion must explain to count


@dataclass(frozen=True)
class ClipClock:
    """Frame rate and the lags (in frames) every detector agrees on.

    ``lag_short`` (≈1/8 s) is the step on which the spans and the flow are sampled; ``lag_long``
    (8 steps, ≈1 s) is the longest span. On a variable-frame-rate clip the lags follow the
    average rate; rates and times are computed from the frames' own timestamps.
    """

    fps: float
    lag_short: int  # ≈ 1/8 s: VBench's sampling step, and the content-rate step for frame holds
    lag_long: int  # ≈ 1 s: slow zooms and pans accumulate here, noise and shake do not

    @classmethod
    def for_fps(cls, fps: float) -> ClipClock:
        fps = fps if fps > 0 else 25.0
        step = max(1, round(fps / 8))
        return cls(fps=fps, lag_short=step, lag_long=SPANS[-1] * step)

    @property
    def spans(self) -> tuple[int, ...]:
        """The lags, in frames, of the multi-span differences."""
        return tuple(k * self.lag_short for k in SPANS)


class Detector:
    """Base class: consume analysis frames one at a time, then expose per-frame series."""

    #: names of the per-frame series this detector fills, in CSV column order
    SERIES: tuple[str, ...] = ()

    def process_frame(self, frame: Frame) -> None:
        raise NotImplementedError

    def series(self) -> dict[str, np.ndarray]:
        raise NotImplementedError


@dataclass
class _Prepared:
    # The analysis frame as decoded (uint8) and its statistics: a ring of a second of these is
    # a quarter of the size of float copies, which matters because the decoder has just swept
    # the caches (the detectors ran 2.3x slower between decodes than on their own).
    small: np.ndarray
    mean: float
    std: float


class _GlobalMotion:
    """One Lucas–Kanade step for a similarity motion between the current frame and an older one.

    With ``g`` the current frame's gradient and ``d`` = older − current (compensated), the content
    displacement ``u`` solves ``g·u = d`` in least squares over the frame's interior, with
    ``u = (tx + a·x − b·y, ty + b·x + a·y)`` and x, y in half short sides from the centre: ``tx``,
    ``ty``, ``a`` (zoom) and ``b`` (roll) all come out as pixels of displacement at the edge of
    the inscribed circle. One linearised step under-reads large motions, which the shorter spans
    measure instead; its job is to notice small ones.
    """

    def __init__(self, size: tuple[int, int]) -> None:
        aw, ah = size
        bx, by = max(1, int(aw * BORDER)), max(1, int(ah * BORDER))
        # Every third pixel each way: a ninth of the work, a third of the precision (still a
        # few hundredths of a pixel), and the same share of the difference explained.
        self.window = (slice(by, ah - by, 3), slice(bx, aw - bx, 3))
        half = min(aw, ah) / 2
        ys, xs = np.mgrid[self.window]
        self.x = ((xs - (aw - 1) / 2) / half).astype(np.float32)
        self.y = ((ys - (ah - 1) / 2) / half).astype(np.float32)
        self.ok = xs.size >= 16
        self._g: np.ndarray | None = None
        self._inv: np.ndarray | None = None

    def prepare(self, cur: np.ndarray) -> None:
        """The design of the current frame (its gradients), shared by every span."""
        self._g = self._inv = None
        if not self.ok:
            return
        gx = cv2.Sobel(cur, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)[self.window]
        gy = cv2.Sobel(cur, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)[self.window]
        x, y = self.x, self.y
        g = np.stack([gx, gy, gx * x + gy * y, gy * x - gx * y]).reshape(4, -1)
        normal = g @ g.T
        # A flat frame (black, a colour card) has no gradient to measure motion by.
        if min(normal[0, 0], normal[1, 1]) <= 1e-3 * g.shape[1]:
            return
        try:
            self._g, self._inv = g, np.linalg.inv(normal)
        except np.linalg.LinAlgError:
            self._g = None

    def displacement(self, signed: np.ndarray) -> float:
        """Largest of the shift, zoom and roll displacements (analysis px) for ``older − cur``.

        Zero unless the motion explains at least ``EXPLAINED`` of the pair's difference: a pan
        or zoom explains 35–70 % of it even under grain and flicker, while on a still the model
        fits noise, grain, flicker or a keyframe's requantisation to under 1 % (and on a dark,
        noisy picture it would otherwise read a few tenths of a pixel of drift from nothing).
        """
        g, inv = self._g, self._inv
        if g is None or inv is None:
            return 0.0
        d = signed[self.window].ravel()
        gd = g @ d
        params = inv @ gd
        total = float(d @ d)
        # The residual's energy without forming it: |d − gᵀp|² = |d|² − p·(g d) at the
        # least-squares solution p = (g gᵀ)⁻¹ g d.
        if total <= 0 or total - float(params @ gd) > (1.0 - EXPLAINED) * total:
            return 0.0
        tx, ty, zoom, roll = (float(p) for p in params)
        return max(float(np.hypot(tx, ty)), abs(zoom), abs(roll))


def _cell(side: int) -> int:
    """The block size, near ``BLOCK_PX``, that leaves the smallest remainder of ``side``."""
    if side <= BLOCK_PX:
        return max(1, side)
    return min(range(BLOCK_PX - 2, BLOCK_PX + 3), key=lambda c: (side % c, abs(c - BLOCK_PX)))


class DiffDetector(Detector):
    """Brightness-compensated block differences at lag 1 and four spans, plus exact duplicates.

    Series (grey levels on a 0–255 scale, analysis resolution; NaN where the lag reaches before
    the first frame, or, for the spans, off the ≈1/8 s step): ``contrast`` the frame's standard
    deviation; ``raw1`` plain mean |Δ| to the previous frame (duplicate test), ``diff1``
    compensated mean, ``block1`` compensated block maximum, ``noise1`` compensated block
    median; for each span ``diffX``/``blockX``/``medX`` the same at ≈1/8 s (``8``), 1/4 s
    (``4``), 1/2 s (``2``) and 1 s (``S``), and ``shiftX`` the global motion between the two
    frames (analysis px).
    """

    CONTRAST = "contrast"
    RAW1 = "raw1"
    DIFF1 = "diff1"
    BLOCK1 = "block1"
    NOISE1 = "noise1"
    DIFF8, DIFF4, DIFF2, DIFFS = (f"diff{k}" for k in SPAN_KEYS)
    BLOCK8, BLOCK4, BLOCK2, BLOCKS = (f"block{k}" for k in SPAN_KEYS)
    MED8, MED4, MED2, MEDS = (f"med{k}" for k in SPAN_KEYS)
    SHIFT8, SHIFT4, SHIFT2, SHIFTS = (f"shift{k}" for k in SPAN_KEYS)
    SPAN_SERIES = tuple((f"diff{k}", f"block{k}", f"med{k}", f"shift{k}") for k in SPAN_KEYS)
    SERIES = (CONTRAST, RAW1, DIFF1, BLOCK1, NOISE1) + tuple(
        s for group in SPAN_SERIES for s in group
    )

    def __init__(self, clock: ClipClock, analysis_size: tuple[int, int]) -> None:
        self.clock = clock
        aw, ah = analysis_size
        # Block means are an area resize to the grid. Blocks of a whole number of pixels (the
        # cell size nearest BLOCK_PX that tiles each side, the remainder of at most a few
        # pixels left out) take OpenCV's integer-factor path: 5 µs on 160×90, where a
        # fractional factor costs 17 µs and two matrix products 10 µs and a BLAS thread pool.
        cw, ch = _cell(aw), _cell(ah)
        self._grid = (max(1, aw // cw), max(1, ah // ch))
        self._tiled = (slice(0, self._grid[1] * ch), slice(0, self._grid[0] * cw))
        self._signed = np.empty((ah, aw), np.float32)
        self._diff = np.empty((ah, aw), np.float32)
        self._motion = _GlobalMotion(analysis_size)
        self._ring: deque[_Prepared] = deque(maxlen=clock.lag_long + 1)
        self._prev_small: np.ndarray | None = None
        self._rows: dict[str, list[float]] = {k: [] for k in self.SERIES[:5]}
        # Spans are kept sparse, (frame, diff, block, median, shift) where one was taken, and
        # spread into per-frame series (NaN elsewhere) at the end.
        self._spans = [
            (lag, stride * clock.lag_short, list[tuple[int, float, float, float, float]]())
            for lag, stride in zip(clock.spans, STRIDES, strict=True)
        ]
        self._count = 0
        self.mean = 0.0  # the last frame's mean luma (shared with BrightnessDetector)
        self.first: _Prepared | None = None
        self.last: _Prepared | None = None

    def _compensated(self, a: _Prepared, b: _Prepared) -> np.ndarray:
        """``b − a``, both mean-subtracted and ``b`` (the older frame) at ``a``'s gain, in a
        reused float buffer: one pass over the two uint8 frames."""
        gain = 1.0
        if a.std > 2.0 and b.std > 2.0:
            gain = min(2.0, max(0.5, a.std / b.std))
        offset = a.mean - gain * b.mean
        return cv2.addWeighted(b.small, gain, a.small, -1.0, offset, self._signed, dtype=cv2.CV_32F)

    def _blocks(self, signed: np.ndarray) -> np.ndarray:
        """Per-block mean of |signed| (``np.abs``: no zero frame streamed through the cache)."""
        magnitude: np.ndarray = np.abs(signed, out=self._diff)
        return cv2.resize(magnitude[self._tiled], self._grid, interpolation=cv2.INTER_AREA)

    @staticmethod
    def _stats(blocks: np.ndarray) -> tuple[float, float, float]:
        """(mean, max, median) of the block means (the grid tiles the frame evenly)."""
        flat = np.sort(blocks, axis=None)
        n = flat.size
        median = float(flat[n // 2]) if n % 2 else float((flat[n // 2 - 1] + flat[n // 2]) / 2)
        return float(flat.sum()) / n, float(flat[-1]), median

    def process_frame(self, frame: Frame) -> None:
        # The hot loop: a handful of cv2 calls on ~15k-pixel arrays (µs each), no per-frame
        # dicts; the spans only on every ≈1/8 s-th frame.
        small = frame.small
        mean, std = cv2.meanStdDev(small)
        self.mean = mean0 = float(mean[0, 0])
        cur = _Prepared(small, mean0, float(std[0, 0]))
        rows = self._rows
        rows[self.CONTRAST].append(cur.std)
        ring = self._ring
        nan = float("nan")
        adjacent = None
        if self._prev_small is not None:
            rows[self.RAW1].append(
                float(cv2.norm(small, self._prev_small, cv2.NORM_L1)) / small.size
            )
            adjacent = d, top, med = self._stats(self._blocks(self._compensated(cur, ring[-1])))
            rows[self.DIFF1].append(d)
            rows[self.BLOCK1].append(top)
            rows[self.NOISE1].append(med)
        else:
            for key in (self.RAW1, self.DIFF1, self.BLOCK1, self.NOISE1):
                rows[key].append(nan)
        index = frame.index
        self._count = index + 1
        if index % self.clock.lag_short == 0 and len(ring) >= self.clock.lag_short:
            self._motion.prepare(small)
            for lag, every, taken in self._spans:
                if index % every == 0 and len(ring) >= lag:
                    if lag == 1 and adjacent is not None:
                        # At 12 fps or less the ≈1/8 s span is the adjacent pair, whose
                        # difference is still in the buffer (the first span comes first).
                        signed, (d, top, med) = self._signed, adjacent
                    else:
                        signed = self._compensated(cur, ring[-lag])
                        d, top, med = self._stats(self._blocks(signed))
                    taken.append((index, d, top, med, self._motion.displacement(signed)))
        ring.append(cur)
        self._prev_small = small
        if self.first is None:
            self.first = cur
        self.last = cur

    def first_last(self) -> tuple[float, float]:
        """Compensated (mean, block max) difference between the first and the last frame."""
        if self.first is None or self.last is None:
            return 0.0, 0.0
        d, top, _ = self._stats(self._blocks(self._compensated(self.last, self.first)))
        return d, top

    def series(self) -> dict[str, np.ndarray]:
        out = {k: np.asarray(v, dtype=np.float64) for k, v in self._rows.items()}
        for (_, _, taken), names in zip(self._spans, self.SPAN_SERIES, strict=True):
            columns = np.full((len(names), self._count), np.nan)
            if taken:
                values = np.asarray(taken, dtype=np.float64)
                columns[:, values[:, 0].astype(int)] = values[:, 1:].T
            out.update(zip(names, columns, strict=True))
        return out


class BrightnessDetector(Detector):
    """Mean luma and the fraction of black pixels per frame (FFmpeg blackdetect's pixel test).

    Series: ``brightness`` mean luma 0–255; ``black`` fraction of pixels at or below the black
    level (37.9 for limited-range luma, 25.5 for full-range grey).
    """

    BRIGHTNESS = "brightness"
    BLACK = "black"
    SERIES = (BRIGHTNESS, BLACK)

    def __init__(self, diff: DiffDetector | None = None) -> None:
        self._rows: dict[str, list[float]] = {k: [] for k in self.SERIES}
        # A DiffDetector fed the same frame first has already taken the frame mean.
        self._diff = diff

    def process_frame(self, frame: Frame) -> None:
        small = frame.small
        level = 16 + BLACK_PIX_TH * 219 if frame.limited_range else BLACK_PIX_TH * 255
        mean = self._diff.mean if self._diff is not None else cv2.mean(small)[0]
        self._rows[self.BRIGHTNESS].append(float(mean))
        black = np.count_nonzero(small <= level)
        self._rows[self.BLACK].append(black / small.size)

    def series(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v, dtype=np.float64) for k, v in self._rows.items()}
