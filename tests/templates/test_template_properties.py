"""Properties over arbitrary input: normalisation and rendering never break on odd values."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from promptkit.templates import TemplateLibrary, normalise
from promptkit.templates.library import builtin_templates_dir

LIBRARY = TemplateLibrary(search_path=[builtin_templates_dir()])
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
PUNCTUATED = st.text(alphabet=" \n\t.,;:!?abc{}%#", max_size=60)


@settings(max_examples=300, deadline=None)
@given(st.one_of(TEXT, PUNCTUATED))
def test_normalise_gives_one_line_single_spaced_and_is_idempotent(raw: str) -> None:
    clean = normalise(raw)
    assert "\n" not in clean and "  " not in clean and clean == clean.strip()
    assert normalise(clean) == clean


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_any_variable_text_renders_literally_and_never_as_template_code(value: str) -> None:
    rendered = LIBRARY.render("cinematic", {"mood": value + " {{ 7 * 7 }}"})
    text = rendered.prompt.text
    # Normalising may rewrite the value's whitespace and punctuation ("49\r" -> "49 ") but
    # never joins or drops digits: every 49 in the prompt is one the value itself holds.
    assert "{{ 7 * 7 }}" in text and text.count("49") == value.count("49")
    assert "\n" not in text
