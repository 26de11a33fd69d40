"""Optical flow at two spans, and the global camera model fitted to it.

*Motion pairs*, ≈1/8 s apart on every ≈1/8 s step, measure how much the picture moves: DIS
(preset ULTRAFAST) on the ~96 px analysis frames, about 0.1 ms per pair, within 10–20 % of
Farneback's magnitudes at 1/35 of the cost. At the content rate a generator's frame holds (each
frame shown 2–3 times) do not halve the motion (VBench samples at 8 fps for the same reason).
Every step, not every other: on a 10 fps GIF whose frames are shown twice, every other pair
would always land on the same phase of the holds (its motion read 36 % low).

*Camera pairs*, ≈1/2 s apart and back to back (so their displacements add up to the camera's whole
path), measure where the camera goes: DIS solved one pyramid level finer (a 1/2-size field
instead of 1/4), which resolves the slow moves that add up to a few pixels in half a second —
0.25 px a frame at 720p is 0.4 analysis px — and zooms the coarse field blurs away. It costs
about 0.4 ms per pair, once per half second.

Each flow field is fitted with a 4-parameter similarity model on a sparse grid away from the
borders, by iteratively reweighted least squares (Cauchy weights: vectors far from the model,
walking people or a passing car, count less and less)::

    u = tx + a·x − b·y        v = ty + b·x + a·y        (x, y in short sides, centred)

``tx, ty`` are the pan/tilt translation, ``a`` the zoom (relative scale change), ``b`` the roll
(radians). What the model does not explain is the subject's own motion.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from promptkit.metrics.detectors import ClipClock, Detector
from promptkit.metrics.frames import Frame
from promptkit.metrics.opencv import cv2

GRID_STEP = 8  # px between the model's sample points (the flow field is smooth at ~16 px)
BORDER = 0.08  # fraction of each side ignored by the model fit (flow is unreliable at the edges)
CAMERA_STEPS = 4  # camera pairs span this many ≈1/8 s steps (≈1/2 s)
REWEIGHTS = 2  # IRLS passes of the model fit


@dataclass(frozen=True)
class FlowPair:
    """One flow pair; lengths are in analysis pixels over the pair's interval ``dt``."""

    index: int  # index of the later frame
    dt: float
    mean: float
    top5: float
    tx: float
    ty: float
    zoom: float
    roll: float
    residual: float
    start: int = -1  # index of the earlier frame


class _SimilarityFit:
    """Robust similarity fit of a flow field on a sparse interior grid (see the module doc).

    In complex numbers the model is one line, ``w = t + c·z`` (``z = x + iy`` a point, ``w = u +
    iv`` its flow, ``t = tx + i·ty``, ``c = zoom + i·roll``), and its weighted normal equations
    are a 2×2 complex system with a closed-form solution in five weighted sums (Σw, Σwz, Σw|z|²,
    Σw·w, Σw·z̄w), taken in one matrix product. Each reweighting is then a handful of array
    operations on ~150 points: 0.03 ms, where the real 4×4 form cost 0.07 ms — at 8–12 fps,
    where every frame starts a flow pair, that was a sixth of the analysis.
    """

    def __init__(self, analysis_size: tuple[int, int]) -> None:
        aw, ah = analysis_size
        self.short = float(min(aw, ah))
        bx, by = int(aw * BORDER), int(ah * BORDER)
        # The model's sample points: a plain strided view of the flow field (no fancy indexing).
        self.window = (slice(by, ah - by, GRID_STEP), slice(bx, aw - bx, GRID_STEP))
        ys, xs = np.mgrid[self.window]
        # Coordinates in short sides, centred: parameters do not depend on resolution.
        self.z = (xs.ravel() - (aw - 1) / 2) / self.short + 1j * (
            (ys.ravel() - (ah - 1) / 2) / self.short
        )
        self.n = self.z.size
        # The rows the weighted sums are taken over: 1, z, |z|², then per field w and z̄·w.
        self._rows = np.empty((5, self.n), np.complex128)
        self._rows[0] = 1.0
        self._rows[1] = self.z
        self._rows[2] = np.abs(self.z) ** 2

    def __call__(self, flow: np.ndarray) -> tuple[float, float, float, float, float]:
        """(tx, ty in analysis px; zoom; roll in rad; mean unexplained flow in analysis px)."""
        n = self.n
        if n < 8:
            return 0.0, 0.0, 0.0, 0.0, 0.0
        rows, z = self._rows, self.z
        field = rows[3]
        # (u, v) float32 pairs read as complex64 (the same bytes), then in short sides.
        field[:] = flow[self.window].reshape(-1, 2).view(np.complex64).ravel()
        field /= self.short
        np.multiply(z.conj(), field, out=rows[4])
        t = c = 0j
        resid = field  # the residuals of "nothing moves"
        # The reweighting starts from "nothing moves", not from a plain least-squares fit: the
        # majority of the picture decides, so a large subject walking across a still background
        # does not drag the camera along, while under a real camera move every point is far from
        # "nothing moves" alike and keeps its weight.
        for _ in range(REWEIGHTS):
            w = np.abs(resid)
            middle = np.partition(w, n // 2)[n // 2]  # the median (upper, for even n)
            # Cauchy weights at twice the robust spread: a point far from the model (a subject
            # moving on its own) pulls less and less; the noise of the field keeps its weight.
            w /= 2.0 * 1.4826 * float(middle) + 1e-5
            w *= w
            w += 1.0
            np.reciprocal(w, out=w)
            s0, sz, szz, b0, b1 = (rows @ w).tolist()
            det = s0.real * szz.real - abs(sz) ** 2
            t = (b0 * szz.real - sz * b1) / det
            c = (s0.real * b1 - sz.conjugate() * b0) / det
            resid = field - t - c * z
        res_mag = float(np.abs(resid).mean()) * self.short
        return t.real * self.short, t.imag * self.short, c.real, c.imag, res_mag


def _dis(size: tuple[int, int], finest: int) -> Any:
    """DIS (preset ULTRAFAST) solved down to pyramid level ``finest`` (0 = full size).

    DIS builds its pyramid from the larger side (levels of 2× while that side is over about
    four patches); asked to stop at a level finer than the coarsest it builds, it takes a slow
    path: on a 85×85 analysis frame (a 256×256 GIF) a pair took 0.8 ms instead of 0.06. So the
    finest level is kept within the pyramid the frame allows.
    """
    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST)  # type: ignore[attr-defined]
    coarsest = int(math.log2(max(size) / (4.0 * dis.getPatchSize())) + 0.5)
    dis.setFinestScale(max(0, min(finest, coarsest)))
    return dis


class FlowDetector(Detector):
    """Dense DIS flow on motion pairs (≈1/8 s) and camera pairs (≈1/2 s), with their camera fits."""

    MEAN = "flow_mean"
    TOP5 = "flow_top5"
    SERIES = (MEAN, TOP5)

    def __init__(self, clock: ClipClock, analysis_size: tuple[int, int]) -> None:
        self.clock = clock
        self._dis = _dis(analysis_size, finest=2)
        self._fine = _dis(analysis_size, finest=1)
        self._fit = _SimilarityFit(analysis_size)
        # Output fields reused from pair to pair (DIS only writes them; it reads no initial
        # flow from them: the result is the same as with a fresh field).
        aw, ah = analysis_size
        self._flow = np.zeros((ah, aw, 2), np.float32)
        self._fine_flow = np.zeros((ah, aw, 2), np.float32)
        self.short = self._fit.short
        self.camera_lag = CAMERA_STEPS * clock.lag_short
        # (index, time, analysis frame): never the Frame, whose full-size plane is the decoder's.
        self._ring: deque[tuple[int, float, np.ndarray]] = deque(maxlen=self.camera_lag + 1)
        self.pairs: list[FlowPair] = []
        self.camera_pairs: list[FlowPair] = []
        self._count = 0

    def process_frame(self, frame: Frame) -> None:
        self._ring.append((frame.index, frame.time_s, frame.small))
        lag = self.clock.lag_short
        self._count += 1
        if self._count <= lag or (self._count - 1) % lag:
            return
        ring = self._ring
        prev, cur = ring[-1 - lag], ring[-1]
        flow = self._dis.calc(prev[2], cur[2], self._flow)
        # ULTRAFAST solves patches at a quarter of the frame's size and spreads them over 16 px:
        # every second vector carries the same distribution at a quarter of the cost.
        sub = flow[::2, ::2]
        mag = cv2.magnitude(sub[..., 0], sub[..., 1]).ravel()
        k = max(1, int(mag.size * 0.05))
        mean = cv2.mean(mag)[0]
        mag.partition(mag.size - k)  # in place: mag is ours and its order no longer matters
        top5 = float(mag[-k:].mean())
        self.pairs.append(self._pair(prev, cur, flow, mean, top5))
        cam = self.camera_lag
        if (self._count - 1) % cam == 0 and len(ring) > cam:
            start = ring[0]
            fine = self._fine.calc(start[2], cur[2], self._fine_flow)
            self.camera_pairs.append(self._pair(start, cur, fine, 0.0, 0.0))

    def _pair(
        self,
        prev: tuple[int, float, np.ndarray],
        cur: tuple[int, float, np.ndarray],
        flow: np.ndarray,
        mean: float,
        top5: float,
    ) -> FlowPair:
        tx, ty, zoom, roll, residual = self._fit(flow)
        dt = max(cur[1] - prev[1], 1e-6)
        return FlowPair(cur[0], dt, mean, top5, tx, ty, zoom, roll, residual, prev[0])

    def series(self) -> dict[str, np.ndarray]:
        """Flow magnitudes on the frames where a pair ended (NaN elsewhere), in analysis px."""
        n = self._count
        mean = np.full(n, np.nan)
        top5 = np.full(n, np.nan)
        for p in self.pairs:
            mean[p.index] = p.mean
            top5[p.index] = p.top5
        return {self.MEAN: mean, self.TOP5: top5}
