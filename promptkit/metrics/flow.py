"""Optical flow on pairs ≈1/8 s apart, and the global camera model fitted to it.

Flow is DIS (preset ULTRAFAST) on the ~96 px analysis frames: about 0.1 ms per pair, within
10–20 % of Farneback's magnitudes at 1/35 of the cost. Pairs are taken every ``lag_short`` frames
(VBench samples at 8 fps for the same reason): motion is then measured at the content rate, so a
generator's frame holds (each frame shown 2–3 times) do not halve the motion.

Each flow field is fitted with a 4-parameter similarity model, robustly (one refit without the
worst residuals) on a sparse grid away from the borders::

    u = tx + a·x − b·y        v = ty + b·x + a·y        (x, y in short sides, centred)

``tx, ty`` are the pan/tilt translation, ``a`` the zoom (relative scale change), ``b`` the roll
(radians). What the model does not explain is the subject's own motion.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from promptkit.metrics.detectors import ClipClock, Detector
from promptkit.metrics.frames import Frame
from promptkit.metrics.opencv import cv2

GRID_STEP = 8  # px between the model's sample points (the flow field is smooth at ~16 px)
BORDER = 0.08  # fraction of each side ignored by the model fit (flow is unreliable at the edges)


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


class FlowDetector(Detector):
    """Dense DIS flow every ≈1/8 s and its camera/subject decomposition."""

    MEAN = "flow_mean"
    TOP5 = "flow_top5"
    SERIES = (MEAN, TOP5)

    def __init__(self, clock: ClipClock, analysis_size: tuple[int, int]) -> None:
        self.clock = clock
        self._dis = cv2.DISOpticalFlow_create(  # type: ignore[attr-defined]
            cv2.DISOPTICAL_FLOW_PRESET_ULTRAFAST
        )
        aw, ah = analysis_size
        self.short = float(min(aw, ah))
        bx, by = int(aw * BORDER), int(ah * BORDER)
        # The model's sample points: a plain strided view of the flow field (no fancy indexing).
        self._window = (slice(by, ah - by, GRID_STEP), slice(bx, aw - bx, GRID_STEP))
        ys, xs = np.mgrid[self._window]
        gy, gx = ys.ravel(), xs.ravel()
        # Coordinates in short sides, centred: parameters do not depend on resolution.
        x = (gx - (aw - 1) / 2) / self.short
        y = (gy - (ah - 1) / 2) / self.short
        n = x.size
        self._n = n
        design = np.zeros((2 * n, 4))
        design[:n, 0] = 1
        design[:n, 2] = x
        design[:n, 3] = -y
        design[n:, 1] = 1
        design[n:, 2] = y
        design[n:, 3] = x
        self._design = design
        self._design_t = np.ascontiguousarray(design.T)
        self._pinv = np.linalg.pinv(design) if n else np.zeros((4, 0))
        self._ring: deque[np.ndarray] = deque(maxlen=clock.lag_short + 1)
        self.pairs: list[FlowPair] = []
        self._count = 0

    def process_frame(self, frame: Frame) -> None:
        self._ring.append(frame.small)
        lag = self.clock.lag_short
        self._count += 1
        if self._count <= lag or (self._count - 1) % lag:
            return
        prev, cur = self._ring[0], self._ring[-1]
        flow = self._dis.calc(prev, cur, None)
        # ULTRAFAST solves patches at a quarter of the frame's size and spreads them over 16 px:
        # every second vector carries the same distribution at a quarter of the cost.
        sub = flow[::2, ::2]
        mag = cv2.magnitude(sub[..., 0], sub[..., 1]).ravel()
        k = max(1, int(mag.size * 0.05))
        mean = cv2.mean(mag)[0]
        mag.partition(mag.size - k)  # in place: mag is ours and its order no longer matters
        top5 = float(mag[-k:].mean())
        tx, ty, zoom, roll, residual = self._fit(flow)
        self.pairs.append(
            FlowPair(
                index=frame.index,
                dt=lag / self.clock.fps,
                mean=mean,
                top5=top5,
                tx=tx,
                ty=ty,
                zoom=zoom,
                roll=roll,
                residual=residual,
            )
        )

    def _fit(self, flow: np.ndarray) -> tuple[float, float, float, float, float]:
        n = self._n
        if n < 8:
            return 0.0, 0.0, 0.0, 0.0, 0.0
        # obs = [u of every point, then v of every point], in short sides.
        obs = flow[self._window].reshape(-1, 2).T.ravel() / self.short
        params = self._pinv @ obs
        resid = np.abs(obs - self._design @ params)
        per_point = resid[:n] + resid[n:]
        # The median by partition (np.median's generic path costs more than the fit itself).
        part = np.partition(per_point, ((n - 1) // 2, n // 2))
        cut = max(3.0 * float((part[(n - 1) // 2] + part[n // 2]) / 2), 1e-4)
        keep = per_point <= cut
        kept = int(np.count_nonzero(keep))
        if kept >= 8 and kept < n:
            # Least squares on the kept points, via the 4×4 normal equations (the design is
            # well conditioned; 10× cheaper than lstsq on the masked copy).
            weighted = self._design_t * np.concatenate([keep, keep])
            params = np.linalg.solve(weighted @ self._design, weighted @ obs)
            resid = np.abs(obs - self._design @ params)
        res_mag = float(np.hypot(resid[:n], resid[n:]).mean()) * self.short
        tx, ty, zoom, roll = (float(p) for p in params)
        return tx * self.short, ty * self.short, zoom, roll, res_mag

    def series(self) -> dict[str, np.ndarray]:
        """Flow magnitudes on the frames where a pair ended (NaN elsewhere), in analysis px."""
        n = self._count
        mean = np.full(n, np.nan)
        top5 = np.full(n, np.nan)
        for p in self.pairs:
            mean[p.index] = p.mean
            top5[p.index] = p.top5
        return {self.MEAN: mean, self.TOP5: top5}
