"""Motion amounts and the camera label, summarised from the flow pairs of one clip.

Units: every rate is in short sides per second (zoom: relative scale change per second, roll:
radians per second), so a 480p and a 720p clip of the same shot give the same numbers.

Camera label. The per-pair similarity parameters are averaged over the clip (pairs that span a
cut are dropped). Zoom and roll are turned into the displacement they cause half a short side
from the centre so that all four components compare; the largest one names the motion when it
is above ``camera_static``. Direction follows the content: content moving right means the camera
pans left, content moving down means it tilts up, content expanding means a zoom in. A global
shift that jitters (large spread from pair to pair) without going anywhere is ``shake``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from promptkit.metrics.flow import FlowPair
from promptkit.metrics.thresholds import Thresholds

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


def _consistency(mean: float, per_pair: np.ndarray) -> float:
    """|mean| / mean(|x|): 1 when every pair moves the same way, near 0 for back-and-forth."""
    spread = float(np.abs(per_pair).mean())
    return abs(mean) / spread if spread > 0 else 0.0


def _robust_spread(tx: np.ndarray, ty: np.ndarray) -> float:
    """Pair-to-pair spread of the global shift (MAD-based: a few busy pairs do not make shake)."""
    if tx.size < 3:
        return 0.0
    mad = [1.4826 * float(np.median(np.abs(v - np.median(v)))) for v in (tx, ty)]
    return float(np.hypot(mad[0], mad[1]))


def summarise(
    pairs: list[FlowPair], short: float, still_pair: list[bool], th: Thresholds
) -> MotionSummary:
    """Summarise flow pairs; ``still_pair[k]`` marks pairs whose frames did not change beyond noise.

    Flow on an unchanged, noisy frame is random texture matching; those pairs count as zero
    motion so a frozen clip's headline motion is 0, not the noise.
    """
    if not pairs:
        return MotionSummary(0.0, 0.0, False, 0.0, "static", 0.0, 0.0, 0.0, 0, 0, 0, 0, 0)
    dt = np.array([p.dt for p in pairs])
    gate = np.array([0.0 if s else 1.0 for s in still_pair])
    mean = np.array([p.mean for p in pairs]) / short / dt * gate
    top5 = np.array([p.top5 for p in pairs]) / short / dt * gate
    tx = np.array([p.tx for p in pairs]) / short / dt * gate
    ty = np.array([p.ty for p in pairs]) / short / dt * gate
    zoom = np.array([p.zoom for p in pairs]) / dt * gate
    roll = np.array([p.roll for p in pairs]) / dt * gate
    resid = np.array([p.residual for p in pairs]) / short / dt * gate
    dyn_fraction = float((top5 > th.dynamic_threshold).mean())
    # VBench: dynamic once round(4·n/16) pairs move (at least one pair); 4/16 is the default
    # ``dynamic_pair_fraction``.
    needed = max(1, round(th.dynamic_pair_fraction * len(pairs)))
    dynamic = int((top5 > th.dynamic_threshold).sum()) >= needed

    comps = {
        "pan": (float(tx.mean()), tx),
        "tilt": (float(ty.mean()), ty),
        "zoom": (float(zoom.mean()) * 0.5, zoom * 0.5),
        "roll": (float(roll.mean()) * 0.5, roll * 0.5),
    }
    name, (value, per_pair) = max(comps.items(), key=lambda kv: abs(kv[1][0]))
    magnitude = abs(value)
    jitter = _robust_spread(tx, ty)
    subject = float(resid.mean())
    if jitter >= th.camera_shake and jitter > 2 * magnitude and jitter > subject:
        label, confidence = "shake", min(1.0, jitter / (2 * th.camera_shake))
    elif magnitude < th.camera_static:
        label = "static"
        confidence = max(0.0, 1.0 - magnitude / th.camera_static)
    else:
        label = {
            "pan": "pan_left" if value > 0 else "pan_right",
            "tilt": "tilt_up" if value > 0 else "tilt_down",
            "zoom": "zoom_in" if value > 0 else "zoom_out",
            "roll": "roll",
        }[name]
        confidence = _consistency(value, per_pair) * min(1.0, magnitude / th.camera_static)
    return MotionSummary(
        motion=float(mean.mean()),
        motion_top5=float(top5.mean()),
        dynamic=dynamic,
        dynamic_fraction=dyn_fraction,
        camera=label,
        camera_confidence=round(float(min(1.0, max(0.0, confidence))), 3),
        camera_motion=magnitude,
        subject_motion=subject,
        pan=-comps["pan"][0],  # positive = camera pans right
        tilt=comps["tilt"][0],  # positive = camera tilts up
        zoom=float(zoom.mean()),
        roll=float(roll.mean()),
        jitter=jitter,
    )
