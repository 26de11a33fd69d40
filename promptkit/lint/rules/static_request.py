"""PK002 static-request: the prompt asks for a frozen picture."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class StaticRequest(Rule):
    """The prompt asks for stillness, so the clip will look frozen.

    ## What it does
    Flags explicit requests for a frozen picture: "in a still frame", "frozen in time",
    "freeze frame", "no movement" always; picture-like scenes and fixed cameras ("a tranquil
    tableau", "still life", "motionless", "static shot", "fixed camera") only when nothing
    else in the prompt moves (a locked-off camera watching a dancer is fine, and a "tableau"
    does not stop a raging blizzard).

    ## Why is this bad?
    A video model takes the request literally: the result is a still image with codec noise,
    which costs as much as a clip that moves. Benchmarks use exactly these phrases to get
    near-static videos on purpose (VBench temporal flickering).

    ## Example
    ```
    In a still frame, a vintage gas lantern on a cobblestone square.
    ```

    ## Use instead
    ```
    A vintage gas lantern on a cobblestone square at dusk; its flame flickers as a light
    breeze stirs fallen leaves across the stones. Static shot.
    ```

    ## Source
    PROMPTING.md §2 ("Benchmarks treat explicit stillness as a request", S13 VBench
    temporal_flickering), §6 rule 1 ("flag-differently explicit stillness requests").
    """

    code = "PK002"
    name = "static-request"
    severity = "warning"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        match = analysis.stillness_request
        if match is None:
            return
        phrase = analysis.phrase(match)
        yield Finding(
            analysis.offset(match.start),
            f"'{phrase}' asks for stillness: the clip will look frozen",
            f"drop '{phrase}' and describe what moves instead (a flame flickers, leaves drift, "
            "the camera pushes in)",
        )
