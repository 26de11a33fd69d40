"""PK003 vague-subject: only a generic subject, no distinguishing detail or setting."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class VagueSubject(Rule):
    """The subject is only generic, with no distinguishing detail and no specific setting.

    ## What it does
    Finds the subject (the head of the first noun phrase, looking through "a close-up of")
    and counts the details that set it or its scene apart: descriptive adjectives (any
    WordNet adjective except evaluative ones like "beautiful" or "amazing"), participles
    describing a noun ("embossed", "woven"), compound modifiers ("rain-streaked"), proper
    names and "with" attributes ("with a beard"). Actions, numbers, camera, lighting and style
    tags are not details: "a pineapple, hand-held camera" or "a man eating an apple" are
    still generic. Flags a prompt with no detail in at most `vague-max-content-words` (7)
    content words, or with one detail in at most `vague-max-words` (7) content words
    (camera, style and lighting tags left out). Seven content words hold a subject, a simple
    action with its object and a place ("a man on a boat fighting a large fish"); a prompt
    longer than that, of several sentences, or with three or more actions describes a scene.

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
        reading = analysis.reading
        content = [i for i in analysis.content if i not in reading.tagged]
        if not content or len(content) > ctx.config.vague_max_content_words:
            return
        details = reading.details
        if len(details) >= 2 or (details and len(content) > ctx.config.vague_max_words):
            return
        if reading.sentences > 1 or reading.verbs >= 3:
            return  # several sentences or a chain of actions describe a scene, not a bare subject
        subject = reading.subject
        head = analysis.raw[subject] if subject is not None else analysis.raw[content[0]]
        found = ", ".join(f"'{analysis.span_text(s, e)}'" for s, e, _ in details) or "none"
        yield Finding(
            analysis.offset(subject if subject is not None else content[0]),
            f"generic subject '{head}' with {len(details)} distinguishing detail(s) "
            f"(found: {found})",
            f"say what sets this '{head}' apart: two or more of colour, material, age, size, "
            "texture, clothing or a named place, e.g. 'a white ceramic mug on a wooden table "
            "beside a rain-streaked window'",
        )
