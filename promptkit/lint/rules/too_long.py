"""PK011 too-long: over the word budget."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class TooLong(Rule):
    """The prompt is over the word budget.

    ## What it does
    Counts words and flags a prompt over `word-budget` (default 200), or over the budget set
    for the configured model in `word-budgets`.

    ## Why is this bad?
    Long prompts give more control but less reliable adherence: details late in a long prompt
    are dropped, and some APIs cut the text at a character limit.

    ## Example
    A 260-word paragraph describing three locations, five characters and their backstories.

    ## Use instead
    One shot, one subject, one action, one camera move, in at most ~200 words; split longer
    stories into several clips.

    ## Source
    PROMPTING.md §5 (S8 LTX-Video "Keep within 200 words", S9 ~80-100 words, S11 512
    characters, S5 2 500 characters, S1 "long = more control but less reliable adherence"),
    §6 rule 6.
    """

    code = "PK011"
    name = "too-long"
    severity = "warning"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        budget = ctx.config.budget()
        count = len(analysis.words)
        if count > budget:
            yield Finding(
                analysis.offset(budget),
                f"{count} words, over the budget of {budget}",
                "cut to one shot's subject, action, camera and light; split the rest into "
                "another clip",
            )
