"""PK015 scene-overload: more shots, cuts or beats than fit the clip's duration."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class SceneOverload(Rule):
    """More shots, cuts or action beats than fit the clip's duration.

    ## What it does
    Counts shots (1 + cut markers such as "cut to", "Shot 2") and beats (1 + sequence markers
    such as "then", "later", "finally", and bulleted action lines). Flags the prompt when shots
    exceed one per `seconds-per-shot` (default 4 s) or beats exceed
    max(3, duration / `seconds-per-beat` (default 3 s)). The duration comes from the prompt's
    parameters, else `default-duration` (8 s).

    ## Why is this bad?
    A short clip holds one beat or a compact three-beat arc. Extra shots and beats are
    skipped, merged into a blur, or rushed; shorter clips follow instructions better.

    ## Example
    ```
    A chef chops onions, then fries them, then plates the dish, then serves it, then the
    guests applaud. Cut to the kitchen at night.
    ```
    (6 s clip)

    ## Use instead
    ```
    A chef slides sizzling onions from the pan onto a white plate and looks up, smiling.
    ```

    ## Source
    PROMPTING.md §1 (S1 "one camera setup, one subject action" per shot, "two 4 s clips may
    beat one 8 s"; S7 "one clear beat or a compact three-beat arc"), §5.
    """

    code = "PK015"
    name = "scene-overload"
    severity = "warning"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        seconds = ctx.seconds
        cfg = ctx.config
        shots = 1 + len(analysis.shot_starts)
        beats = analysis.beats
        max_shots = max(1, seconds // cfg.seconds_per_shot)
        max_beats = max(3, seconds // cfg.seconds_per_beat)
        if shots > max_shots:
            yield Finding(
                analysis.offset(analysis.shot_starts[0]),
                f"{shots} shots in {seconds} s (fits {max_shots})",
                "make one clip per shot, or raise the duration",
            )
        elif beats > max_beats:
            yield Finding(
                0,
                f"{beats} action beats in {seconds} s (fits {max_beats})",
                "keep one beat or a three-beat arc per clip; split the rest",
            )
