"""PK006 missing-lighting: no light, time of day or ambiance."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class MissingLighting(Rule):
    """No lighting: no light source, quality, time of day or ambiance.

    ## What it does
    Flags a prompt that never says how the scene is lit ("soft window light", "golden hour",
    "neon", "backlit", "overcast", "night").

    ## Why is this bad?
    Light sets the mood and the palette. The guides ask for quality, direction and colour of
    light; left out, the model falls back on flat, average lighting.

    ## Example
    ```
    A barista pours latte art into a cup, close-up.
    ```

    ## Use instead
    ```
    A barista pours latte art into a cup, close-up, soft morning window light with warm
    tones.
    ```

    ## Source
    PROMPTING.md §1 (common core: "lighting/ambiance"; S1 "lighting and palette", S2
    "Ambiance"), §3 lighting vocabulary, §6 rule 8.
    """

    code = "PK006"
    name = "missing-lighting"
    severity = "info"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        if not analysis.words or analysis.reading.has_class("lighting", "light"):
            return
        yield Finding(
            0,
            "no lighting, time of day or ambiance",
            "add light quality, direction and colour, e.g. 'soft golden-hour backlight'",
        )
