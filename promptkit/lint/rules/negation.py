"""PK009 negation: "no people", "without clouds", "don't" in the positive prompt."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class Negation(Rule):
    """Negation in the prompt ("no people", "without clouds", "don't").

    ## What it does
    Flags negations that ask the model to leave something out: "no" or "without" before a
    thing ("no people", "without text"), "free of X", and imperatives ("don't show", "do not
    add", "avoid"). Negation that describes the scene ("the flowers are not alone", "without
    looking back") and negation inside quoted on-screen text ("NO PARKING") are not flagged;
    explicit stillness phrases ("no movement") are reported by `static-request`.

    ## Why is this bad?
    Video models condition on the words, not the logic: "a fruit basket with no bananas"
    puts bananas in the picture. Say what should be there, or use the provider's separate
    negative-prompt field where one exists.

    ## Example
    ```
    A beach at sunrise with no people and no clouds.
    ```

    ## Use instead
    ```
    An empty beach at sunrise under a clear sky.
    ```

    ## Source
    PROMPTING.md §4 (S11 Nova Reel: "Do not use negation words like 'no', 'not',
    'without'"; S3 Runway: "clear sky" rather than "sky with no clouds"; S5 separate negative
    prompt), §6 rule 5.
    """

    code = "PK009"
    name = "negation"
    severity = "warning"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        for negation in analysis.reading.negations:
            if not negation.instruction:
                continue
            end = min(negation.end + 1, len(analysis.raw))
            shown = analysis.span_text(negation.start, end)
            yield Finding(
                analysis.offset(negation.start),
                f"'{shown}' {negation.why}: models often add what is negated",
                f"describe what should be there instead of '{shown}' ('a clear sky', 'an empty "
                "street'), or put it in the provider's negative-prompt field",
            )
