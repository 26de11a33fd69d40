"""Per-frame detectors: small classes with one ``process_frame`` method (PySceneDetect style).

A detector sees every analysis frame exactly once, in order, keeps only a bounded ring of recent
frames, and appends one row of scalars per frame to its series. Metric keys are class constants so
the CSV writer, the verdict and the docs agree on names. The per-frame series cost a few bytes per
frame; frames themselves are never accumulated.

Frame differences here are *brightness-compensated*: both frames are mean-subtracted and the older
one is rescaled by the ratio of standard deviations, so a global gain change (flicker, a fade) does
not read as motion. Differences are taken per block on a coarse grid (about 12 px cells on the
~96 px analysis frame): the block maximum catches small moving subjects that a frame mean would
drown in a static background, while the block median measures the clip's noise floor.
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


@dataclass(frozen=True)
class ClipClock:
    """Frame rate and the lags (in frames) every detector agrees on."""

    fps: float
    lag_short: int  # ≈ 1/8 s: VBench's sampling step, and the content-rate step for frame holds
    lag_long: int  # ≈ 1 s: slow zooms and pans accumulate here, noise and shake do not

    @classmethod
    def for_fps(cls, fps: float) -> ClipClock:
        fps = fps if fps > 0 else 25.0
        return cls(fps=fps, lag_short=max(1, round(fps / 8)), lag_long=max(1, round(fps)))


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
    centred: np.ndarray  # float32, frame minus its mean
    std: float


class DiffDetector(Detector):
    """Brightness-compensated block differences at lag 1, ≈1/8 s and ≈1 s, plus exact duplicates.

    Series (grey levels on a 0–255 scale, analysis resolution; NaN where the lag reaches before
    the first frame):
    ``raw1`` plain mean |Δ| to the previous frame (duplicate test), ``diff1`` compensated mean,
    ``block1`` compensated block maximum, ``noise1`` compensated block median;
    ``diff8``/``block8`` the same at ≈1/8 s; ``diffS``/``blockS`` at ≈1 s.
    """

    RAW1 = "raw1"
    DIFF1 = "diff1"
    BLOCK1 = "block1"
    NOISE1 = "noise1"
    DIFF8 = "diff8"
    BLOCK8 = "block8"
    DIFFS = "diffS"
    BLOCKS = "blockS"
    SERIES = (RAW1, DIFF1, BLOCK1, NOISE1, DIFF8, BLOCK8, DIFFS, BLOCKS)

    def __init__(
        self,
        clock: ClipClock,
        analysis_size: tuple[int, int],
        *,
        still_ceiling: float = float("inf"),
    ) -> None:
        self.clock = clock
        # Lag block maxima are read by the freeze test only on frames whose adjacent block max is
        # at most the still threshold (never above ``still_ceiling``), and by the flow-pair
        # gating on every ``lag_short``-th frame; other frames skip the block means (NaN).
        self._gate = still_ceiling
        aw, ah = analysis_size
        self._grid = (max(1, aw // BLOCK_PX), max(1, ah // BLOCK_PX))
        # Block means are an INTER_AREA resize to the grid; at a non-integer factor OpenCV takes
        # a slow generic path (17 µs per call on 160×90), so the same area weights are applied
        # as two small matrix products instead (left @ diff @ right; equal to 1e-6).
        gw, gh = self._grid
        self._right = cv2.resize(
            np.eye(aw, dtype=np.float32), (gw, aw), interpolation=cv2.INTER_AREA
        )
        self._left = cv2.resize(
            np.eye(ah, dtype=np.float32), (ah, gh), interpolation=cv2.INTER_AREA
        )
        self._diff = np.empty((ah, aw), np.float32)
        self._ring: deque[_Prepared] = deque(maxlen=clock.lag_long + 1)
        self._prev_small: np.ndarray | None = None
        self._rows: dict[str, list[float]] = {k: [] for k in self.SERIES}
        rows = self._rows
        # The lags and their row lists, resolved once rather than on every frame.
        self._lags = (
            (clock.lag_short, rows[self.DIFF8].append, rows[self.BLOCK8].append),
            (clock.lag_long, rows[self.DIFFS].append, rows[self.BLOCKS].append),
        )
        self.mean = 0.0  # the last frame's mean luma (shared with BrightnessDetector)
        self.first: np.ndarray | None = None
        self.last: np.ndarray | None = None

    def _absdiff(self, a: _Prepared, b: _Prepared) -> np.ndarray:
        """The compensated |a − b| (``b``, the older frame, at ``a``'s gain), in a reused buffer."""
        gain = 1.0
        if a.std > 2.0 and b.std > 2.0:
            gain = min(2.0, max(0.5, a.std / b.std))
        return cv2.absdiff(a.centred, b.centred * gain if gain != 1.0 else b.centred, self._diff)

    def _blocks(self, a: _Prepared, b: _Prepared) -> np.ndarray:
        """Per-block mean of the compensated |a − b|."""
        return self._left @ self._absdiff(a, b) @ self._right  # type: ignore[no-any-return]

    def _compare(self, a: _Prepared, b: _Prepared) -> tuple[float, float, float]:
        blocks = self._blocks(a, b)
        return float(cv2.mean(blocks)[0]), float(blocks.max()), float(np.median(blocks))

    def process_frame(self, frame: Frame) -> None:
        # The hot loop: a handful of cv2 calls on ~15k-pixel arrays (µs each); no numpy
        # reductions beyond one sort, no per-frame dicts.
        small = frame.small
        mean, std = cv2.meanStdDev(small)
        self.mean = mean0 = mean[0, 0]
        centred = small.astype(np.float32)
        centred -= mean0
        cur = _Prepared(centred, float(std[0, 0]))
        rows = self._rows
        ring = self._ring
        nan = float("nan")
        sampled = frame.index % self.clock.lag_short == 0
        if self._prev_small is not None:
            rows[self.RAW1].append(
                float(cv2.norm(small, self._prev_small, cv2.NORM_L1)) / small.size
            )
            blocks = self._blocks(cur, ring[-1])
            flat = np.sort(blocks, axis=None)
            n = flat.size
            top = float(flat[-1])
            rows[self.DIFF1].append(cv2.mean(blocks)[0])
            rows[self.BLOCK1].append(top)
            rows[self.NOISE1].append(
                float(flat[n // 2]) if n % 2 else float((flat[n // 2 - 1] + flat[n // 2]) / 2)
            )
            candidate = sampled or top <= self._gate
        else:
            for key in (self.RAW1, self.DIFF1, self.BLOCK1, self.NOISE1):
                rows[key].append(nan)
            candidate = False
        for lag, add_diff, add_block in self._lags:
            if len(ring) >= lag:
                diff = self._absdiff(cur, ring[-lag])
                # The block grid tiles the frame evenly: the mean of the block means is the
                # frame mean, so only block maxima need the block means.
                add_diff(cv2.mean(diff)[0])
                if candidate:
                    add_block(cv2.minMaxLoc(self._left @ diff @ self._right)[1])
                else:
                    add_block(nan)
            else:
                add_diff(nan)
                add_block(nan)
        ring.append(cur)
        self._prev_small = small
        if self.first is None:
            self.first = centred
            self._first_std = cur.std
        self.last = centred
        self._last_std = cur.std

    def first_last(self) -> tuple[float, float]:
        """Compensated (mean, block max) difference between the first and the last frame."""
        if self.first is None or self.last is None:
            return 0.0, 0.0
        d, b, _ = self._compare(
            _Prepared(self.last, self._last_std), _Prepared(self.first, self._first_std)
        )
        return d, b

    def series(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v, dtype=np.float64) for k, v in self._rows.items()}


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
