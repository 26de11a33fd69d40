"""Per-arm outcomes and the measures a run can be ranked on.

An arm's clips are counted once here for every writer: how many were measured, how many froze,
how many were motionless (frozen, partial-freeze or low-motion), how many did what their prompt
asked (adherence, and camera adherence on its own), and how much they moved. Each rate carries
its Wilson 95% interval and the mean motion its bootstrap interval. :data:`MEASURES` defines
what a spec's ``primary:`` can name, with its direction and the words the report uses for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from promptkit.report import stats
from promptkit.report.clips import is_measured, motion_of
from promptkit.runner.results import PRIMARY_METRICS, ClipRecord, RunResults

NO_ARM = "(no arm)"
ALL_CLIPS = "all clips"


@dataclass(frozen=True)
class Measure:
    """A measure arms are ranked on."""

    name: str
    label: str
    higher_is_better: bool
    kind: Literal["rate", "mean"]
    definition: str


MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        Measure(
            "motionless-rate",
            "motionless rate",
            False,
            "rate",
            "share of measured clips whose verdict is frozen, partial-freeze or low-motion",
        ),
        Measure(
            "frozen-rate",
            "frozen rate",
            False,
            "rate",
            "share of measured clips whose verdict is frozen or partial-freeze",
        ),
        Measure(
            "adherence-rate",
            "adherence rate",
            True,
            "rate",
            "share of measured clips whose prompt asked for something checkable (a camera "
            "move, motion or stillness) that did all of it",
        ),
        Measure(
            "camera-adherence-rate",
            "camera adherence rate",
            True,
            "rate",
            "share of measured clips whose prompt asked for a checkable camera move whose "
            "measured camera move matches it",
        ),
        Measure(
            "motion",
            "mean motion",
            True,
            "mean",
            "mean of the scorer's headline motion (fraction of the frame's short side per "
            "second) over measured clips",
        ),
    )
}
assert tuple(MEASURES) == PRIMARY_METRICS, "every primary measure needs a definition"


def measure(name: str) -> Measure:
    """The measure called ``name`` (an unknown name falls back to the default one)."""
    return MEASURES.get(name, MEASURES[PRIMARY_METRICS[0]])


@dataclass
class ArmOutcome:
    """What one arm's clips did."""

    arm: str
    jobs: int
    measured: int
    frozen: int
    motionless: int
    asked: int
    adherent: int
    camera_asked: int
    camera_matched: int
    motions: list[float] = field(repr=False, default_factory=list)
    motion: stats.Estimate | None = None

    def counts(self, m: Measure) -> tuple[int, int]:
        """``(k, n)`` behind a rate measure."""
        return {
            "motionless-rate": (self.motionless, self.measured),
            "frozen-rate": (self.frozen, self.measured),
            "adherence-rate": (self.adherent, self.asked),
            "camera-adherence-rate": (self.camera_matched, self.camera_asked),
        }[m.name]

    @cached_property
    def rate(self) -> stats.Estimate | None:
        """The frozen rate with its Wilson 95% interval."""
        return stats.wilson_interval(self.frozen, self.measured)

    @cached_property
    def motionless_rate(self) -> stats.Estimate | None:
        return stats.wilson_interval(self.motionless, self.measured)

    @property
    def adherence_rate(self) -> stats.Estimate | None:
        return _wilson(self.adherent, self.asked)

    @property
    def camera_rate(self) -> stats.Estimate | None:
        return _wilson(self.camera_matched, self.camera_asked)

    def estimate(self, m: Measure) -> stats.Estimate | None:
        """The arm's value of ``m`` with its 95% interval (None when undefined)."""
        if m.kind == "mean":
            return self.motion
        return _wilson(*self.counts(m))

    def size(self, m: Measure) -> int:
        """How many clips ``m`` is computed over."""
        return len(self.motions) if m.kind == "mean" else self.counts(m)[1]

    @property
    def moves(self) -> bool:
        """At least one measured clip moved (its verdict is not a motionless one)."""
        return self.measured > self.motionless

    @property
    def all_motionless(self) -> bool:
        return self.measured > 0 and self.motionless == self.measured


_WILSON: dict[tuple[int, int], stats.Estimate | None] = {}


def _wilson(k: int, n: int) -> stats.Estimate | None:
    # Reports ask for the same few counts many times (ranking, tables, sentences).
    if (k, n) not in _WILSON:
        _WILSON[(k, n)] = stats.wilson_interval(k, n)
    return _WILSON[(k, n)]


def arm_outcome(arm: str, clips: list[ClipRecord], seed: int = 0) -> ArmOutcome:
    measured = [c for c in clips if is_measured(c)]
    checked = [c.adherence for c in measured if c.adherence is not None]
    asked = [a for a in checked if a.adheres is not None]
    camera = [a for a in checked if a.camera in ("match", "mismatch")]
    motions = [m for c in measured if (m := motion_of(c)) is not None]
    return ArmOutcome(
        arm=arm,
        jobs=len(clips),
        measured=len(measured),
        frozen=sum(c.frozen for c in measured),
        motionless=sum(c.motionless for c in measured),
        asked=len(asked),
        adherent=sum(1 for a in asked if a.adheres),
        camera_asked=len(camera),
        camera_matched=sum(1 for a in camera if a.camera == "match"),
        motions=motions,
        motion=stats.bootstrap_mean(motions, seed=seed),
    )


def arm_of(clip: ClipRecord) -> str:
    return clip.arm if clip.arm is not None else NO_ARM


def clips_by_arm(results: RunResults) -> dict[str, list[ClipRecord]]:
    """Clips grouped by arm in spec order (arms a spec did not list follow as first seen)."""
    groups: dict[str, list[ClipRecord]] = {}
    for clip in results.clips:
        groups.setdefault(arm_of(clip), []).append(clip)
    order = [arm for arm in results.arms if arm in groups]
    order += [arm for arm in groups if arm not in order]
    return {arm: groups[arm] for arm in order}


def arm_outcomes(results: RunResults, seed: int = 0) -> list[ArmOutcome]:
    """One outcome per arm; a run without arms is one group of all its clips."""
    if not results.arms and not results.arm_by:
        return [arm_outcome(ALL_CLIPS, list(results.clips), seed)] if results.clips else []
    return [arm_outcome(arm, clips, seed) for arm, clips in clips_by_arm(results).items()]
