"""PK008 conflicting-camera-moves: several or contradictory camera moves in one shot."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis, Match
from promptkit.lint.rules.base import Context, Finding, Rule

# Families that move along the same axis; opposite directions on one axis contradict.
AXES = {
    "dolly": "depth",
    "zoom": "depth",
    "pan": "horizontal",
    "truck": "horizontal",
    "tilt": "vertical",
    "pedestal": "vertical",
    "crane": "vertical",
}
OPPOSITE = {"in": "out", "out": "in", "left": "right", "right": "left", "up": "down", "down": "up"}


class ConflictingCameraMoves(Rule):
    """Several or contradictory camera moves in one shot.

    ## What it does
    Groups the camera moves of each shot (shots are split at "cut to" and similar markers) and
    flags opposite moves on one axis ("dolly in" + "pull back", "pan left" + "pan right"), a
    static camera that also moves, or more distinct moves than `max-camera-moves` (default 2).

    ## Why is this bad?
    The model cannot do both; it picks one at random or produces a jittery compromise. Guides
    ask for one clear camera move per shot.

    ## Example
    ```
    The camera dollies in on the dancer, then pulls back to reveal the hall.
    ```

    ## Use instead
    ```
    The camera slowly dollies in on the dancer as she spins.
    ```

    ## Source
    PROMPTING.md §2 ("one clear camera move and one clear subject action per shot", S1),
    §3 (S12 supports at most 3 combined moves), §4 ("more than one camera move ... per
    shot"), §6 rule 4.
    """

    code = "PK008"
    name = "conflicting-camera-moves"
    severity = "warning"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        shots = analysis.shot_starts
        by_shot: dict[int, list[Match]] = {}
        for m in analysis.camera_moves:
            shot = sum(1 for s in shots if s <= m.start)
            by_shot.setdefault(shot, []).append(m)
        for moves in by_shot.values():
            yield from self._check_shot(analysis, moves, ctx.config.max_camera_moves)

    def _check_shot(self, analysis: Analysis, moves: list[Match], limit: int) -> Iterable[Finding]:
        seen: dict[str, tuple[str, Match]] = {}
        families: dict[str, Match] = {}
        static: Match | None = None
        for m in moves:
            family, direction, _ = m.camera()
            if family == "static":
                static = static or m
                continue
            families.setdefault(family, m)
            axis = AXES.get(family)
            if axis and direction:
                other = seen.get(axis)
                if other and other[0] == OPPOSITE.get(direction):
                    first = analysis.phrase(other[1])
                    yield Finding(
                        analysis.offset(m.start),
                        f"'{first}' and '{analysis.phrase(m)}' move the camera in opposite "
                        "directions in one shot",
                        "keep one camera move per shot; split the other into its own clip",
                    )
                    return
                seen[axis] = (direction, m)
        if static is not None and families:
            moving = next(iter(families.values()))
            yield Finding(
                analysis.offset(moving.start),
                f"'{analysis.phrase(static)}' and "
                f"'{analysis.phrase(moving)}' contradict each other",
                "either lock the camera off or move it, not both",
            )
            return
        if len(families) > limit:
            names = ", ".join(analysis.phrase(m) for m in families.values())
            opening = next(iter(families.values()))
            yield Finding(
                analysis.offset(opening.start),
                f"{len(families)} camera moves in one shot ({names})",
                f"keep at most {limit} camera move(s) per shot; one clear move works best",
            )
