"""PK001 missing-motion: nothing in the prompt moves."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class MissingMotion(Rule):
    """Nothing in the prompt moves.

    ## What it does
    Flags a prompt with no subject action ("a horse gallops", "a person is rock climbing"),
    no act or event ("a horse race", "a pleasant stroll"), no natural motion (rain, wind,
    fire, waves, crowds, traffic), no camera movement (pan, dolly, orbit, tracking, handheld)
    and no change over time (time-lapse, slow motion, "ripens to red", "then"). Words are
    tagged in context and classed by WordNet: "a stop sign" and "skis" are nouns, "the cars
    stop" is an action; "sits", "wears" and "shines" are states; "parked" and "filled with"
    are resulting states. The message names the words it read and why none of them moves
    (`promptkit explain` shows the whole reading). A prompt that asks for stillness on
    purpose is left to `static-request` instead.

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
        reading = analysis.reading
        read = [c.why for c in reading.cues if c.why != "negated"][:3]
        read += [
            f"'{analysis.phrase(m)}' frames the shot but does not move the camera"
            for m in analysis.spans("camera_term")
            if m.end - m.start > 1 or "-" in analysis.raw[m.start]
        ][:1]
        because = f" ({'; '.join(read)})" if read else ""
        subject = reading.subject
        who = f"'{analysis.raw[subject]}'" if subject is not None else "the subject"
        yield Finding(
            0,
            "nothing in the prompt moves: no action, event, environmental motion, camera move or "
            f"change over time{because}",
            f"give {who} a visible action with a motion verb, or add motion around it, e.g. "
            "'steam curls upward', 'the camera slowly dollies in'",
        )
