"""PK014 dialogue-overload: more quoted speech than fits the clip's duration."""

from __future__ import annotations

import re
from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule

QUOTE = re.compile(r"\"([^\"\n]+)\"|“([^”]+)”")


class DialogueOverload(Rule):
    """More quoted speech than fits the clip's duration.

    ## What it does
    Counts quoted lines and their words, and flags the prompt when the words exceed
    `words-per-second` (default 2.5) times the clip duration, or the lines exceed one per two
    seconds. The duration comes from the prompt's parameters (template defaults, eval spec);
    otherwise `default-duration` (8 s).

    ## Why is this bad?
    Speech takes time: a 4 s shot fits one or two short exchanges. Longer dialogue is rushed,
    cut off mid-sentence, or mumbled.

    ## Example
    ```
    Two friends at a cafe table. She says: "I can't believe you came all this way just to
    tell me that, after everything that happened last summer." He replies: "I had to."
    ```
    (4 s clip)

    ## Use instead
    ```
    Two friends at a cafe table. She laughs: "You came all this way?" He nods: "I had to."
    ```

    ## Source
    PROMPTING.md §4 ("Long speeches / too many dialogue lines for the clip length", S1: "a
    4 s shot fits one or two short exchanges"), §5, §6 rule 9.
    """

    code = "PK014"
    name = "dialogue-overload"
    severity = "warning"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        quotes = list(QUOTE.finditer(analysis.text))
        if not quotes:
            return
        seconds = ctx.seconds
        words = sum(len((m.group(1) or m.group(2)).split()) for m in quotes)
        max_words = int(seconds * ctx.config.words_per_second)
        max_lines = max(1, seconds // 2)
        if words > max_words or len(quotes) > max_lines:
            yield Finding(
                quotes[0].start(),
                f"{len(quotes)} quoted line(s), {words} words of speech in {seconds} s "
                f"(fits about {max_words} words in {max_lines} line(s))",
                "shorten the dialogue to one or two short lines, or raise the duration",
            )
