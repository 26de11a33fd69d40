"""PK005 missing-camera: no framing, angle, lens or camera movement."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class MissingCamera(Rule):
    """No camera language: shot size, angle, lens or movement.

    ## What it does
    Flags a prompt with no camera term ("close-up", "wide shot", "low angle", "35mm lens",
    "aerial") and no camera move ("slow dolly in", "tracking shot", "pan left").

    ## Why is this bad?
    Every vendor's recommended structure includes the camera. Without it the model picks a
    framing and a move at random, so results vary between tries and comparisons are noisy.

    ## Example
    ```
    A red fox trots through fresh snow in a birch forest at dawn.
    ```

    ## Use instead
    ```
    Low-angle tracking shot: a red fox trots through fresh snow in a birch forest at dawn.
    ```

    ## Source
    PROMPTING.md §1 (common core: "camera (shot size/angle + movement)"; S1, S2, S3, S11),
    §3 camera vocabulary, §6 rule 8.
    """

    code = "PK005"
    name = "missing-camera"
    severity = "info"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        if not analysis.words or analysis.has("camera_term") or analysis.camera_moves:
            return
        yield Finding(
            0,
            "no camera framing, angle or movement",
            "name a shot and a move, e.g. 'medium close-up, slow push-in' or 'wide tracking shot'",
        )
