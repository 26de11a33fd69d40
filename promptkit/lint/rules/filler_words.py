"""PK012 filler-words: praise words and quality tags that carry no concrete content."""

from __future__ import annotations

from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule


class FillerWords(Rule):
    """Praise words and tag soup with no concrete content.

    ## What it does
    Flags prompts with two or more filler terms: quality tags ("masterpiece", "best quality",
    "8k", "trending on artstation") and evaluative adjectives (WordNet's clusters of
    beautiful, good, nice, impressive: "beautiful", "stunning", "amazing"), or any filler term
    inside a tag list (six or more short comma-separated fragments).

    ## Why is this bad?
    These words describe nothing a camera could film. Image-model tag lists carry over badly
    to video models, which are trained on captions written as flowing prose.

    ## Example
    ```
    masterpiece, best quality, 8k, beautiful girl, looking at viewer, blurry background
    ```

    ## Use instead
    ```
    A young woman in a yellow raincoat turns to the camera and smiles as rain falls on a
    neon-lit street; shallow depth of field.
    ```

    ## Source
    PROMPTING.md §4 (S1 weak descriptors "a beautiful street", "cinematic look"; tag-soup
    keyword lists, S8 "single flowing paragraph"; AnimateDiff prompts as the anti-pattern),
    §6 rule 3.
    """

    code = "PK012"
    name = "filler-words"
    severity = "info"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        fillers = analysis.reading.filler
        if not fillers:
            return
        fragments = [f for f in analysis.text.split(",") if f.strip()]
        tag_soup = len(fragments) >= 6 and all(len(f.split()) <= 4 for f in fragments)
        if len(fillers) >= 2 or tag_soup:
            words = ", ".join(dict.fromkeys(analysis.span_text(s, e).lower() for s, e in fillers))
            yield Finding(
                analysis.offset(fillers[0][0]),
                f"filler words with no concrete content: {words}",
                f"replace {words} with what is on screen: materials, light, motion",
            )
