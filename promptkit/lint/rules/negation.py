"""PK009 negation: "no people", "without clouds", "don't" in the positive prompt."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class Negation(Rule):
    """Negation in the prompt ("no people", "without clouds", "don't").

    ## What it does
    Flags negation words and phrases ("no", "not", "without", "never", "don't", "free of",
    "lack of") in the prompt text. Explicit stillness phrases ("no movement") are reported by
    `static-request` instead.

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
        still = analysis.stillness_request
        for m in analysis.spans("negation"):
            if still is not None and still.start <= m.start < still.end:
                continue
            phrase = analysis.phrase(m)
            nxt = analysis.raw[m.end] if m.end < len(analysis.raw) else ""
            shown = f"{phrase} {nxt}".strip()
            yield Finding(
                analysis.offset(m.start),
                f"negation '{shown}': models often add what is negated",
                "describe what should be there instead ('a clear sky', 'an empty street'), or "
                "use a negative-prompt field",
            )
