"""PK003 vague-subject: only a generic subject, no distinguishing detail or setting."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class VagueSubject(Rule):
    """The subject is only generic, with no distinguishing detail and no specific setting.

    ## What it does
    Counts the details that set a subject apart: descriptors (colour, material, age, size,
    texture, weather), proper names, numbers, compound modifiers ("rain-streaked"), actions,
    camera, lighting and style words. A short prompt with no detail ("a horse", "a car on a
    road", "bedroom"), or with a single detail and at most `vague-max-words` content words
    ("a red bicycle"), is flagged.

    ## Why is this bad?
    Generic subjects give generic, random-looking output: the model fills every unstated
    choice itself, differently on every (paid) try.

    ## Example
    ```
    A coffee mug.
    ```

    ## Use instead
    ```
    A white ceramic coffee mug on a wooden table beside a rain-streaked window.
    ```

    ## Source
    PROMPTING.md §1 (S2 Veo: "specific subjects avoid generic output"; S1 "anchor the subject
    with a few distinctive details"), §4 ("generic subjects ... without distinguishing
    detail"), §6 rule 2; the Grok guide's "Describe the scene clearly" pair.
    """

    code = "PK003"
    name = "vague-subject"
    severity = "warning"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        content = analysis.content
        if not content or len(content) > ctx.config.vague_max_content_words:
            return
        details = len(analysis.details)
        if details == 0 or (details == 1 and len(content) <= ctx.config.vague_max_words):
            words = " ".join(analysis.raw[i] for i in content)
            yield Finding(
                analysis.offset(content[0]),
                f"generic subject with {details} distinguishing detail(s): '{words}'",
                "add what sets it apart (colour, material, age, a named place, lighting), "
                "e.g. 'a white ceramic mug on a wooden table beside a rain-streaked window'",
            )
