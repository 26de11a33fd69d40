"""PK013 unrendered-placeholder: template syntax, TODOs, lorem ipsum, missing <IMAGE_n>."""

from __future__ import annotations

import re
from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule

LEFTOVERS = re.compile(
    r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{\{|\}\}|\{%|%\}|\$\{\w+\}"
    r"|\b(?:TODO|FIXME|TBD|XXX)\b|\[(?:insert|your|add)\b[^\]]*\]",
)
LOREM = re.compile(r"\blorem ipsum\b", re.I)
IMAGE = re.compile(r"<IMAGE_(\d+)>")
MARKERS = ("TODO", "FIXME", "TBD", "XXX")


class UnrenderedPlaceholder(Rule):
    """Leftover template syntax, TODO markers, lorem ipsum, or an `<IMAGE_n>` with no image.

    ## What it does
    Flags `{{ }}`, `{% %}`, `${var}`, `TODO`/`FIXME`/`TBD`, "lorem ipsum", "[insert ...]" and
    `<IMAGE_n>` references beyond the number of reference images sent with the prompt.

    ## Why is this bad?
    The model renders the placeholder literally (braces as on-screen text) or ignores a
    reference that does not exist, and the paid clip is useless.

    ## Example
    ```
    {{ subject }} walks along the pier while <IMAGE_2> waves from the boat.
    ```
    (sent with one reference image)

    ## Use instead
    ```
    An old fisherman walks along the pier while <IMAGE_1> waves from the boat.
    ```

    ## Source
    PROMPTING.md §1 (S7: reference-to-video prompts refer to `<IMAGE_1>`...; API-NOTES:
    at most 7 reference images), §6; templates render with StrictUndefined (DESIGN.md).
    """

    code = "PK013"
    name = "unrendered-placeholder"
    severity = "error"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        text = analysis.text
        # Cheap gates first: almost every prompt has none of these characters or words.
        marked = any(c in text for c in "{}$[") or any(k in text for k in MARKERS)
        for m in LEFTOVERS.finditer(text) if marked else ():
            yield Finding(
                m.start(),
                f"unrendered placeholder '{m.group()}'",
                "render the template or replace the placeholder with real content",
            )
        for m in LOREM.finditer(text) if "lorem" in analysis.lower else ():
            yield Finding(m.start(), f"placeholder text '{m.group()}'", "write the real prompt")
        for m in IMAGE.finditer(text) if "<IMAGE_" in text else ():
            n = int(m.group(1))
            if n < 1 or n > ctx.reference_images:
                have = ctx.reference_images
                yield Finding(
                    m.start(),
                    f"'{m.group()}' but the prompt has {have} reference image(s)",
                    f"pass at least {n} reference images or refer to <IMAGE_1>..<IMAGE_{have}>"
                    if have
                    else "pass reference images with the prompt or remove the reference",
                )
