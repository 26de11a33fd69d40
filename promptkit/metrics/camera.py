"""Motion amounts and the camera label, summarised from the flow pairs of one clip.

Units: every rate is in short sides per second (zoom: relative scale change per second, roll:
radians per second), so a 480p and a 720p clip of the same shot give the same numbers.

Only the moving part of the clip counts: flow pairs that fall inside a freeze (or span a cut)
are left out of the camera estimate, so a clip that pans and then holds still is a pan, and the
headline ``motion`` counts a frozen pair as 0 (flow on an unchanged, noisy frame is texture
matching, not motion) while a slow move that the multi-span test saw keeps its measured value.

Camera label. The back-to-back ≈1/2 s camera pairs are summed over the moving part (their
displacements add up to the camera's path) and divided by the time they cover: pan, tilt, zoom
and roll rates. When the picture moves more than a pixel of the analysis frame per ≈1/8 s, the
≈1/8 s motion pairs measure the move instead: the fast move is well resolved there, while over
half a second fine texture can lose track. Zoom and roll are turned into the displacement they
cause half a short side from the centre, so all four compare in short sides per second; the
largest names the move when it is at least ``camera_static`` and steady (its mean stands out of
its pair-to-pair spread), and direction follows the content: content moving right means the
camera pans left, content moving down means it tilts up, content expanding means a zoom in. A
global shift that jitters (large spread from pair to pair) without going anywhere steadily is
``shake``. Confidence is how clearly the winning component beats the runner-up, 1 − (runner-up
/ winner)² (a near-tie between pan and tilt on oriented texture, the aperture problem, is near
0), times the share of pairs that agree with the winner's direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from promptkit.metrics.flow import FlowPair
from promptkit.metrics.thresholds import Thresholds

STEADY_T = 3.0  # a named move's mean is at least this many standard errors from zero
FAST_PX = 1.0  # analysis px per ≈1/8 s above which the ≈1/8 s pairs name the camera move

CAMERA_LABELS = (
    "static",
    "pan_left",
    "pan_right",
    "tilt_up",
    "tilt_down",
    "zoom_in",
    "zoom_out",
    "roll",
    "shake",
)


@dataclass(frozen=True)
class MotionSummary:
    """Motion metrics of one clip (see docs/metrics.md for each key)."""

    motion: float
    motion_top5: float
    dynamic: bool
    dynamic_fraction: float
    camera: str
    camera_confidence: float
    camera_motion: float
    subject_motion: float
    pan: float
    tilt: float
    zoom: float
    roll: float
    jitter: float

    def metrics(self) -> dict[str, float | int | bool]:
        return {
            "motion": round(self.motion, 5),
            "motion_top5": round(self.motion_top5, 5),
            "dynamic": self.dynamic,
            "dynamic_fraction": round(self.dynamic_fraction, 4),
            "camera_motion": round(self.camera_motion, 5),
            "subject_motion": round(self.subject_motion, 5),
            "camera_pan": round(self.pan, 5),
            "camera_tilt": round(self.tilt, 5),
            "camera_zoom": round(self.zoom, 5),
            "camera_roll": round(self.roll, 5),
            "camera_jitter": round(self.jitter, 5),
        }


def _robust_spread(tx: np.ndarray, ty: np.ndarray) -> float:
    """Pair-to-pair spread of the global shift (MAD-based: a few busy pairs do not make shake)."""
    if tx.size < 3:
        return 0.0
    mad = [1.4826 * float(np.median(np.abs(v - np.median(v)))) for v in (tx, ty)]
    return float(np.hypot(mad[0], mad[1]))


def _fast(pairs: list[FlowPair], short: float) -> bool:
    """Whether the picture moves more than ``FAST_PX`` per ≈1/8 s: then the motion pairs measure
    the camera, and half a second is long enough for fine texture to lose track."""
    if not pairs:
        return False
    steps = [np.hypot(p.tx, p.ty) + abs(p.zoom) * short / 2 for p in pairs]
    return float(np.median(steps)) > FAST_PX


def _steadiness(rates: np.ndarray, weights: np.ndarray) -> float:
    """|weighted mean| / its standard error: how far a rate stands out of its own spread."""
    if rates.size < 2:
        return float("inf")
    w = weights / weights.sum()
    mean = float((w * rates).sum())
    var = float((w * (rates - mean) ** 2).sum()) * rates.size / (rates.size - 1)
    se = np.sqrt(var / rates.size)
    return abs(mean) / se if se > 0 else float("inf")


@dataclass(frozen=True)
class _Components:
    """Camera rates over the moving part: (value, per-pair rates) per component, and weights."""

    values: dict[str, tuple[float, np.ndarray]]
    weights: np.ndarray


def _components(pairs: list[FlowPair], short: float) -> _Components:
    dt = np.array([p.dt for p in pairs])
    total = float(dt.sum())

    def comp(values: list[float], scale: float) -> tuple[float, np.ndarray]:
        arr = np.asarray(values) * scale
        return float(arr.sum()) / total, arr / dt

    return _Components(
        {
            "pan": comp([p.tx for p in pairs], 1 / short),
            "tilt": comp([p.ty for p in pairs], 1 / short),
            # The displacement a zoom or roll causes half a short side from the centre.
            "zoom": comp([p.zoom for p in pairs], 0.5),
            "roll": comp([p.roll for p in pairs], 0.5),
        },
        dt,
    )


def summarise(
    pairs: list[FlowPair],
    camera_pairs: list[FlowPair],
    short: float,
    moving: list[bool],
    camera_moving: list[bool],
    th: Thresholds,
) -> MotionSummary:
    """Summarise flow pairs; ``moving[k]`` / ``camera_moving[k]`` mark pairs in the moving part.

    ``pairs`` are the ≈1/8 s motion pairs (motion amount, subject motion, shake); the ≈1/2 s
    ``camera_pairs`` name the camera move (the motion pairs stand in when the clip is too short
    to hold one).
    """
    if not pairs:
        return MotionSummary(0.0, 0.0, False, 0.0, "static", 0.0, 0.0, 0.0, 0, 0, 0, 0, 0)
    dt = np.array([p.dt for p in pairs])
    gate = np.array([1.0 if m else 0.0 for m in moving])
    mean = np.array([p.mean for p in pairs]) / short / dt * gate
    top5 = np.array([p.top5 for p in pairs]) / short / dt * gate
    resid = np.array([p.residual for p in pairs]) / short / dt * gate
    dyn_fraction = float((top5 > th.dynamic_threshold).mean())
    # VBench: dynamic once round(4·n/16) pairs move (at least one pair); 4/16 is the default
    # ``dynamic_pair_fraction``.
    needed = max(1, round(th.dynamic_pair_fraction * len(pairs)))
    dynamic = int((top5 > th.dynamic_threshold).sum()) >= needed

    moving_motion = [p for p, m in zip(pairs, moving, strict=True) if m]
    cam = [p for p, m in zip(camera_pairs, camera_moving, strict=True) if m]
    if not cam or _fast(moving_motion, short):
        cam = moving_motion
    tx = np.array([p.tx / short / p.dt for p in moving_motion])
    ty = np.array([p.ty / short / p.dt for p in moving_motion])
    jitter = _robust_spread(tx, ty)
    subject = float(resid.mean())
    if not cam:
        return MotionSummary(float(mean.mean()), float(top5.mean()), dynamic, dyn_fraction,
                             "static", 1.0, 0.0, subject, 0, 0, 0, 0, jitter)  # fmt: skip
    comps = _components(cam, short)
    ranked = sorted(comps.values.items(), key=lambda kv: abs(kv[1][0]), reverse=True)
    name, (value, per_pair) = ranked[0]
    runner = abs(ranked[1][1][0])
    magnitude = abs(value)
    steady = _steadiness(per_pair, comps.weights) >= STEADY_T
    # Shake is jitter that goes nowhere: a handheld pan that jitters on its way is a pan.
    travels = steady and magnitude >= th.camera_static
    if jitter >= th.camera_shake and jitter > 2 * magnitude and jitter > subject and not travels:
        label, confidence = "shake", min(1.0, jitter / (2 * th.camera_shake))
    elif magnitude < th.camera_static or not steady:
        label = "static"
        confidence = max(0.0, 1.0 - magnitude / th.camera_static)
    else:
        label = {
            "pan": "pan_left" if value > 0 else "pan_right",
            "tilt": "tilt_up" if value > 0 else "tilt_down",
            "zoom": "zoom_in" if value > 0 else "zoom_out",
            "roll": "roll",
        }[name]
        # 0 for a tie (the aperture problem), 0.75 when the winner is twice the runner-up.
        margin = 1.0 - (runner / magnitude) ** 2
        agree = float(comps.weights[np.sign(per_pair) == np.sign(value)].sum())
        confidence = margin * agree / float(comps.weights.sum())
    return MotionSummary(
        motion=float(mean.mean()),
        motion_top5=float(top5.mean()),
        dynamic=dynamic,
        dynamic_fraction=dyn_fraction,
        camera=label,
        camera_confidence=round(float(min(1.0, max(0.0, confidence))), 3),
        camera_motion=magnitude,
        subject_motion=subject,
        pan=-comps.values["pan"][0],  # positive = camera pans right
        tilt=comps.values["tilt"][0],  # positive = camera tilts up
        zoom=comps.values["zoom"][0] * 2,
        roll=comps.values["roll"][0] * 2,
        jitter=jitter,
    )
