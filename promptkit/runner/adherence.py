"""Prompt adherence: did the clip do what its prompt asked?

Two questions per clip, each answered from what the prompt asks (the linter's reading of it) and
what the scorer measured (its verdict and camera label):

* **Camera**: the move the prompt asks for against the scorer's camera label: ``match``,
  ``mismatch``, ``not asked`` (the prompt names no camera move), ``not checkable`` (it names one
  that has no picture-plane signature, such as a rack focus) or ``unmeasured`` (no readable clip).
* **Motion**: a prompt that asks for motion (an action, moving surroundings, a camera move) is a
  ``miss`` when the clip is motionless (verdict frozen, partial-freeze or low-motion); a prompt
  that asks for stillness is a ``miss`` when the clip moves (verdict ok or partial-freeze).

The scorer fits one similarity transform (shift, scale, rotation) to the flow of each frame pair,
so it sees a move by its picture-plane signature, not by how the camera rig moved. A truck slides
the picture sideways like a pan, a crane or pedestal up moves it down like a tilt up, a dolly in
magnifies it like a zoom in, and an orbit around a subject sweeps the background sideways;
:data:`SIGNATURES` holds that mapping (docs/reports.md states it with reasons). Moves that
travel through the scene (tracking, aerial, fly-through, an unspecified "camera move") have no
single signature: any measured camera move matches them and a static camera is a mismatch.

:func:`prompt_intent` is the only place that reads the prompt, through ``promptkit.lint``'s
analysis, so a richer analysis is adopted by changing that one function.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from promptkit.runner.results import MEASURED_VERDICTS, MOTIONLESS_VERDICTS, Adherence

DIRECTIONS = ("left", "right", "up", "down", "in", "out")
# Labels the scorer can give (promptkit.metrics.CAMERA_LABELS), by family.
MEASURED_FAMILIES = ("static", "pan", "tilt", "zoom", "roll", "shake")
ANY_MOVE = "any"
# Requested family -> (measured family, keeps the requested direction). ANY_MOVE: any measured
# label but static. Families missing here (rack focus) move no picture: not checkable.
SIGNATURES: dict[str, tuple[str, bool]] = {
    "static": ("static", False),
    "pan": ("pan", True),
    "truck": ("pan", True),
    "orbit": ("pan", False),
    "tilt": ("tilt", True),
    "pedestal": ("tilt", True),
    "crane": ("tilt", True),
    "zoom": ("zoom", True),
    "dolly": ("zoom", True),
    "roll": ("roll", False),
    "handheld": ("shake", False),
    "shake": ("shake", False),
    "tracking": (ANY_MOVE, False),
    "aerial": (ANY_MOVE, False),
    "flythrough": (ANY_MOVE, False),
    "move": (ANY_MOVE, False),
}
# A generic family says less than any other one the prompt names for the same shot.
GENERIC = frozenset({"move"})
KNOWN_FAMILIES = tuple(sorted({*SIGNATURES, "focus"}))


@dataclass(frozen=True)
class Move:
    """A camera move as a family and, when it has one, a direction."""

    family: str
    direction: str | None = None

    @property
    def words(self) -> str:
        """``pan left``, ``orbit``: how the report names a requested move."""
        return f"{self.family} {self.direction}" if self.direction else self.family


@dataclass(frozen=True)
class Intent:
    """What a prompt asks of the clip: a camera move, motion, stillness (with the phrases)."""

    camera: Move | None = None
    camera_phrase: str | None = None
    motion: bool = False
    stillness: str | None = None

    @property
    def motion_asked(self) -> str | None:
        if self.stillness is not None:
            return "stillness"
        return "motion" if self.motion else None


@lru_cache(maxsize=4096)
def prompt_intent(text: str) -> Intent:
    """Read what ``text`` asks for, through the linter's prompt analysis (cached per text).

    The camera move is the first one the prompt names, after dropping moves another one of the
    same phrase makes more specific ("pans" inside "pans left", a generic "camera moves" beside
    "handheld").
    """
    from promptkit.lint.analysis import Analysis
    from promptkit.lint.engine import default_config

    analysis = Analysis(text, default_config().vocabulary())
    reading = analysis.reading
    found: list[tuple[Move, int, int, str]] = []
    for m in reading.camera_moves:
        family, direction, _ = cast(tuple[str, "str | None", bool], m.payload)
        found.append((Move(family, direction), m.start, m.end, analysis.phrase(m)))
    camera = _first_specific(found)
    stillness = reading.stillness
    return Intent(
        camera=camera[0] if camera else None,
        camera_phrase=camera[1] if camera else None,
        motion=reading.has_motion,
        stillness=analysis.phrase(stillness) if stillness is not None else None,
    )


def _first_specific(found: list[tuple[Move, int, int, str]]) -> tuple[Move, str] | None:
    kept = []
    for move, start, end, phrase in found:
        overlaps = [
            other
            for other, s, e, _ in found
            if other is not move and s < end and start < e and other.family == move.family
        ]
        if move.direction is None and any(o.direction for o in overlaps):
            continue  # "pans" inside "pans left"
        kept.append((move, phrase))
    specific = [k for k in kept if k[0].family not in GENERIC] or kept
    return specific[0] if specific else None


def parse_move(text: str) -> Move | None:
    """A move from words or a scorer label: ``pan left``, ``pan_left``, ``Dolly-In``, ``orbit``.

    The first known family word names the family and the first direction word after it the
    direction; None when no family word is present.
    """
    words = [w for w in re.split(r"[\s_\-]+", text.strip().lower()) if w]
    for i, word in enumerate(words):
        family = "handheld" if word == "hand" and words[i + 1 : i + 2] == ["held"] else word
        if family in KNOWN_FAMILIES or family in MEASURED_FAMILIES:
            direction = next((w for w in words[i + 1 :] if w in DIRECTIONS), None)
            return Move(family, direction)
    return None


def camera_result(asked: Move | None, measured: str | None) -> str:
    """``match``, ``mismatch``, ``not asked``, ``not checkable`` or ``unmeasured``."""
    if asked is None:
        return "not asked"
    signature = SIGNATURES.get(asked.family)
    if signature is None:
        return "not checkable"
    if not measured:
        return "unmeasured"
    got = parse_move(measured)
    want_family, keeps_direction = signature
    if want_family == ANY_MOVE:
        return "mismatch" if got is not None and got.family == "static" else "match"
    if got is None or got.family != want_family:
        return "mismatch"
    if keeps_direction and asked.direction and got.direction != asked.direction:
        return "mismatch"
    return "match"


def motion_result(asked: str | None, verdict: str | None) -> str:
    """``match``, ``miss``, ``not asked`` or ``unmeasured`` for motion or stillness asked."""
    if asked is None:
        return "not asked"
    if verdict not in MEASURED_VERDICTS:
        return "unmeasured"
    if asked == "motion":
        return "miss" if verdict in MOTIONLESS_VERDICTS else "match"
    # Stillness: frozen or barely moving is what was asked; any visible movement is not.
    return "match" if verdict in ("frozen", "low-motion") else "miss"


def assess(intent: Intent, verdict: str | None, camera: str | None) -> Adherence:
    """The adherence of one clip: the prompt's ``intent`` against the scorer's findings."""
    measured = verdict in MEASURED_VERDICTS
    cam = camera_result(intent.camera, camera if measured else None)
    mot = motion_result(intent.motion_asked, verdict)
    checked = [r for r in (cam, mot) if r in ("match", "mismatch", "miss")]
    return Adherence(
        camera_asked=intent.camera.words if intent.camera else None,
        camera_phrase=intent.camera_phrase,
        camera_measured=camera if measured else None,
        camera=cam,  # type: ignore[arg-type]
        motion_asked=intent.motion_asked,  # type: ignore[arg-type]
        motion=mot,  # type: ignore[arg-type]
        adheres=all(r == "match" for r in checked) if checked else None,
    )


def clip_adherence(prompt: str, verdict: str | None, camera: str | None) -> Adherence:
    """:func:`assess` of a clip from its prompt text."""
    return assess(prompt_intent(prompt), verdict, camera)


def describe(a: Adherence) -> str:
    """``camera: pan left asked, pan_left measured (match); motion asked: match``."""
    parts = []
    if a.camera != "not asked":
        measured = f", {a.camera_measured} measured" if a.camera_measured else ""
        parts.append(f"camera: {a.camera_asked} asked{measured} ({a.camera})")
    if a.motion_asked is not None:
        parts.append(f"{a.motion_asked} asked: {a.motion}")
    return "; ".join(parts) or "the prompt asks for no camera move, motion or stillness"


def verdict_words(a: Adherence) -> str:
    """One phrase for the whole clip: did it do what its prompt asked?"""
    if a.adheres is None:
        return "nothing checkable asked"
    return "did what was asked" if a.adheres else "missed the prompt"
