"""PK001 missing-motion: nothing in the prompt moves."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class MissingMotion(Rule):
    """Nothing in the prompt moves.

    ## What it does
    Flags a prompt with no subject action ("a horse gallops", "a person is rock climbing"),
    no event ("a horse race"), no environmental motion (wind, water, smoke, fire, crowds,
    traffic), no camera movement (pan, dolly, orbit, tracking, handheld) and no change over
    time (time-lapse, slow motion, "changes from blue to brown", "then"). Verb forms are
    recognised through the compiled lexicon ("swam", "swimming", "swims" -> swim) and read in
    context, so "a stop sign" or "skis" are nouns, while "the cars stop" is an action. A prompt
    that asks for stillness on purpose is left to `static-request` instead.

    ## Why is this bad?
    Text-to-video models animate what the prompt says moves. A prompt that only describes a
    picture yields a near-frozen clip, and every try is paid. Motion is the element most often
    missing from weak prompts.

    ## Example
    ```
    A white ceramic coffee mug on a wooden table.
    ```

    ## Use instead
    ```
    A white ceramic coffee mug on a wooden table. Steam curls upward while raindrops slide
    down the window behind it.
    ```

    ## Source
    PROMPTING.md §2 (S1 "describe actions in beats", S5 environmental motion, S8, S9 "add
    natural actions ... emphasize motion information"), §6 rule 1; the Grok guide's weak/better
    pairs ("A coffee mug on a table." -> "Steam curls upward ...").
    """

    code = "PK001"
    name = "missing-motion"
    severity = "error"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        if not analysis.words or analysis.has_motion or analysis.stillness_request:
            return
        yield Finding(
            0,
            "nothing in the prompt moves: no action, event, environmental motion, "
            "camera move or change over time",
            "say what moves and how, e.g. 'steam curls upward', 'the camera slowly dollies in'",
        )
