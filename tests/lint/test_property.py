"""Arbitrary text never crashes the linter and positions stay inside the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from promptkit.lint import lint_prompt

WORDS = st.sampled_from(
    [
        "a",
        "the",
        "camera",
        "pans",
        "left",
        "still",
        "frame",
        "no",
        "{{",
        "}}",
        '"',
        "then",
        "cut",
        "to",
        "swimming",
        "skis",
        "<IMAGE_3>",
        "4K",
        "10",
        "seconds",
        ",",
        ".",
        "\n",
        "-",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_lints_without_error(text: str) -> None:
    for d in lint_prompt(text, duration=1, reference_images=1):
        assert d.line >= 1 and d.column >= 1
        assert d.line <= text.count("\n") + 1


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=60).map(" ".join), st.integers(1, 15), st.integers(0, 7))
def test_prompt_like_text_lints_without_error(text: str, duration: int, images: int) -> None:
    for d in lint_prompt(text, duration=duration, reference_images=images):
        assert d.severity in {"error", "warning", "info"}
