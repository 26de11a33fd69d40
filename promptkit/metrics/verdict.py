"""The verdict of one clip — ``frozen``, ``partial-freeze``, ``low-motion``, ``ok`` (or
``unreadable``) — its flags, and the reason in words.

Order matters: a clip that is mostly still is ``frozen`` whatever else it does; any freeze of at
least ``freeze_min_s`` makes it ``partial-freeze``; then the motion amount decides between
``low-motion`` and ``ok``. Change that does not go anywhere (frames flicker or jitter but the
picture at 1 s is no more different than at 1/8 s) is not motion, so a flickering clip is
``low-motion`` even when its raw frame differences are large. Flags never change the verdict;
they say what else a reviewer should look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from promptkit.metrics.events import Freeze
from promptkit.metrics.thresholds import Thresholds

VERDICTS = ("frozen", "partial-freeze", "low-motion", "ok", "unreadable")
FLAGS = ("flicker", "cuts", "black-frames", "duplicate-frames", "nonconforming", "unreadable")


@dataclass(frozen=True)
class Evidence:
    """What the verdict is decided from (all clip-level, already summarised)."""

    duration_s: float
    frames: int
    freezes: list[Freeze]
    motion: float
    camera: str
    flicker_luma: float
    diff_short: float
    progress_ratio: float
    duplicate_ratio: float
    cuts: int
    black_s: float
    nonconforming: list[str] = field(default_factory=list)
    camera_confidence: float = 0.0
    camera_motion: float = 0.0
    subject_motion: float = 0.0
    camera_jitter: float = 0.0


@dataclass(frozen=True)
class Verdict:
    verdict: str
    flags: list[str]
    reason: str


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


STEERED = ("pan_left", "pan_right", "tilt_up", "tilt_down", "zoom_in", "zoom_out", "roll")


def steady_camera(ev: Evidence) -> bool:
    """A camera move that goes somewhere and explains most of the motion (confident, steady)."""
    return (
        ev.camera in STEERED
        and ev.camera_confidence >= 0.8
        and ev.camera_motion >= 2 * ev.subject_motion
        and ev.camera_jitter < ev.camera_motion
    )


def flicker_kind(ev: Evidence, th: Thresholds) -> str | None:
    """``"brightness"``, ``"texture"`` or ``None``: which flicker test fired.

    The texture test (change at 1 s no larger than at 1/8 s) cannot tell flicker from a steady
    pan over fine texture, which stops correlating after a few pixels; the flow can, so a steady
    camera move is exempt. Flicker proper moves the flow at random (jitter, subject motion).
    """
    if ev.flicker_luma >= th.flicker_luma:
        return "brightness"
    if (
        ev.diff_short >= th.flicker_texture
        and ev.progress_ratio < th.progress_ratio
        and ev.camera != "shake"
        and not steady_camera(ev)
    ):
        return "texture"
    return None


def decide(ev: Evidence, th: Thresholds) -> Verdict:
    """Verdict, sorted flags and a one-line reason."""
    flags: list[str] = []
    notes: list[str] = []
    flicker = flicker_kind(ev, th)
    if flicker == "brightness":
        flags.append("flicker")
        notes.append(f"brightness flickers by {ev.flicker_luma:.1f} grey levels frame to frame")
    elif flicker == "texture":
        flags.append("flicker")
        notes.append(
            f"frames change ({ev.diff_short:.1f} grey levels per 1/8 s) without going anywhere"
        )
    if ev.cuts:
        flags.append("cuts")
        notes.append(f"{ev.cuts} scene cut{'s' if ev.cuts > 1 else ''}")
    if ev.black_s >= th.black_min_s and ev.black_s > 0:
        flags.append("black-frames")
        notes.append(f"{ev.black_s:.2f} s of black frames")
    if ev.duplicate_ratio > th.duplicate_ratio:
        flags.append("duplicate-frames")
        notes.append(f"{_pct(ev.duplicate_ratio)} of frames repeat the previous one")
    if ev.nonconforming:
        flags.append("nonconforming")
        notes.append("; ".join(ev.nonconforming))

    still = sum(f.duration_s for f in ev.freezes)
    coverage = still / ev.duration_s if ev.duration_s > 0 else 1.0
    if ev.frames < 2:
        verdict, reason = "frozen", "a single frame: nothing can move"
    elif coverage >= th.frozen_fraction:
        verdict = "frozen"
        reason = f"no change beyond the clip's noise floor for {still:.2f} of {ev.duration_s:.2f} s"
    elif ev.freezes:
        verdict = "partial-freeze"
        spans = ", ".join(f"{f.start_s:.2f}–{f.end_s:.2f} s" for f in ev.freezes[:4])
        more = f" and {len(ev.freezes) - 4} more" if len(ev.freezes) > 4 else ""
        reason = f"still at {spans}{more} ({_pct(coverage)} of the clip)"
    elif ev.motion < th.low_motion:
        verdict = "low-motion"
        reason = (
            f"mean motion {_pct(ev.motion)} of the short side per second "
            f"(below {_pct(th.low_motion)})"
        )
    elif flicker is not None and ev.progress_ratio < th.progress_ratio:
        verdict = "low-motion"
        reason = "the picture flickers but does not move on over a second"
    else:
        verdict = "ok"
        reason = f"motion {_pct(ev.motion)} of the short side per second, camera {ev.camera}"
    if notes:
        reason = f"{reason}; " + "; ".join(notes)
    return Verdict(verdict=verdict, flags=sorted(flags), reason=reason)


def unreadable(message: str) -> Verdict:
    return Verdict(verdict="unreadable", flags=["unreadable"], reason=message)
