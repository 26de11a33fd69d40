"""PK007 missing-style: no visual style, medium or palette."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class MissingStyle(Rule):
    """No visual style: medium, era, film stock, palette or mood.

    ## What it does
    Flags a prompt with no style anchor ("cinematic", "16mm film", "documentary", "anime",
    "watercolor", "film noir", a palette or mood word).

    ## Why is this bad?
    Style set early steers everything else; without one the model picks its house look, and
    clips of the same prompt drift between photoreal and illustrated.

    ## Example
    ```
    A tram climbs a steep street at dusk, wide shot.
    ```

    ## Use instead
    ```
    A tram climbs a steep street at dusk, wide shot, 1970s 16mm film look with muted colors.
    ```

    ## Source
    PROMPTING.md §1 (S1 "set style early", S9 "pick a style if none given"), §3 style anchors,
    §6 rule 8.
    """

    code = "PK007"
    name = "missing-style"
    severity = "info"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        if not analysis.words or analysis.reading.has_class("style", "style"):
            return
        yield Finding(
            0,
            "no visual style, medium or palette",
            "set a style early, e.g. 'documentary handheld look' or '16mm film, muted palette'",
        )
