"""PK004 too-short: fewer content words than the configured minimum."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class TooShort(Rule):
    """The prompt has fewer content words than the configured minimum.

    ## What it does
    Counts content words (not articles, prepositions, pronouns or auxiliaries) and flags a
    prompt with fewer than `min-content-words` (default 3).

    ## Why is this bad?
    A two-word prompt leaves subject, action, setting, camera and light to chance. Models
    trained on long captions (CogVideoX, Wan) do markedly worse on them, and their own prompt
    extenders rewrite such prompts to ~100 words.

    ## Example
    ```
    a horse
    ```

    ## Use instead
    ```
    A chestnut horse gallops along a misty beach at sunrise, its mane streaming; low tracking
    shot.
    ```

    ## Source
    PROMPTING.md §1 (S9 Wan2.1 "rewrite to ~80-100 words", S10 CogVideoX "requires highly
    granular and detailed prompts"), §5 (VBench prompts 1-32 words vs ~100-word rewrites),
    §6 rule 2.
    """

    code = "PK004"
    name = "too-short"
    severity = "warning"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        minimum = ctx.config.min_content_words
        count = len(analysis.content)
        if count < minimum:
            yield Finding(
                analysis.offset(analysis.content[0]) if analysis.content else 0,
                f"{count} content word(s), fewer than {minimum}",
                "describe subject, action, setting, camera and light in one or two sentences",
            )
