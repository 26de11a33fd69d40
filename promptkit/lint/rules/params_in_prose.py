"""PK010 params-in-prose: duration, resolution, frame rate or aspect ratio asked for in text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from promptkit.lint.analysis import Analysis
from promptkit.lint.rules.base import Context, Finding, Rule

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "duration",
        re.compile(
            r"\b\d+(?:\.\d+)?(?:\s|-)?(?:seconds?|secs?|minutes?|mins?)\b"
            r"|\b\d+s\s+(?:long|clip|video)\b|\b(?:make it|make the video) (?:longer|shorter)\b",
            re.I,
        ),
    ),
    (
        "resolution",
        re.compile(
            r"\b(?:480|540|720|1080|1440|2160|4320)p\b|\b(?:in|at)\s+(?:2|4|5|8)k\b"
            r"|\b(?:2|4|8)k\s+(?:resolution|video|footage)\b|\bfull hd\b|\bresolution\b",
            re.I,
        ),
    ),
    ("frame rate", re.compile(r"\b\d+\s?fps\b|\bframes? per second\b|\bframe rate\b", re.I)),
    (
        "aspect ratio",
        re.compile(
            r"\b(?:16:9|9:16|4:3|3:4|1:1|21:9|3:2|2:3)\b|\baspect ratio\b"
            r"|\b(?:vertical|portrait|landscape|square|widescreen)\s+"
            r"(?:video|format|orientation|mode|clip)\b",
            re.I,
        ),
    ),
]


# Cheap gate: every pattern above needs a digit or one of these words.
DIGIT = re.compile(r"\d")
KEYWORDS = (
    "aspect",
    "vertical",
    "portrait",
    "landscape",
    "square",
    "widescreen",
    "frame",
    "resolution",
    "full hd",
    "make",
)


class ParamsInProse(Rule):
    """Generation parameters asked for in the prompt text.

    ## What it does
    Flags duration ("10 seconds long"), resolution ("in 4K", "1080p"), frame rate ("60fps")
    and aspect ratio ("16:9", "vertical video") written into the prompt.

    ## Why is this bad?
    These are API parameters (`duration`, `resolution`, `aspect_ratio`). Written in prose they
    do nothing to the output format and can leak into the picture (a "4K" caption, a phone
    frame for "vertical video").

    ## Example
    ```
    A 10 seconds long vertical video of a surfer riding a wave, in 4K.
    ```

    ## Use instead
    ```
    A surfer carves down the face of a glassy wave, spray trailing behind; low tracking shot.
    ```
    and pass `duration=10`, `aspect_ratio="9:16"`, `resolution="720p"` as parameters.

    ## Source
    PROMPTING.md §1 (S1: "Duration/resolution/model are API parameters, not prose"; S7
    grok-imagine: duration, aspect ratio and resolution are API parameters), §4, §6 rule 7.
    """

    code = "PK010"
    name = "params-in-prose"
    severity = "warning"

    def check(self, analysis: Analysis, ctx: Context) -> Iterable[Finding]:
        lower = analysis.lower
        if DIGIT.search(lower) is None and not any(k in lower for k in KEYWORDS):
            return
        for kind, pattern in PATTERNS:
            for m in pattern.finditer(analysis.text):
                yield Finding(
                    m.start(),
                    f"{kind} in the prompt text: '{m.group()}'",
                    f"remove it from the text and set the {kind} as a generation parameter",
                )
