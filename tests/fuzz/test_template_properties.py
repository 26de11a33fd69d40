"""Untrusted template sources: rendering gives text or a promptkit error, never an escape.

Template bodies are stitched from Jinja fragments, sandbox-escape attempts and arbitrary text;
the variable ``subject`` gets arbitrary strings. Whatever comes out is either a rendered prompt
that shows no sign of reaching Python internals, or a one-line :class:`PromptkitError`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from promptkit.errors import PromptkitError
from promptkit.templates import TemplateLibrary
from tests.fuzz.conftest import FUZZ

FRONT = (
    '{#---\ndescription: fuzz\nvariables:\n  subject: {description: s, default: "a fox"}\n---#}\n'
)
FRAGMENTS = [
    "{{ subject }}", "{{", "}}", "{%", "%}", "{#", "#}", "{% if subject %}", "{% endif %}",
    "{% for c in subject %}{{ c }}{% endfor %}", "{{ subject|upper }}", "{{ subject[0] }}",
    "{{ subject.__class__ }}", "{{ subject.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}", "{{ lipsum.__globals__['os'] }}",
    "{{ self._TemplateReference__context }}", "{{ namespace.__init__ }}",
    "{{ subject.format_map }}", "{{ subject|attr('__class__') }}", "{{ ''.join }}",
    "{{ 1/0 }}", "{{ undefined_thing }}", '{% include "../../etc/passwd" %}',
    '{% import "/etc/passwd" as p %}', "{{ range(10)|list }}", "{{ subject * 3 }}",
    "{% set x = subject %}{{ x }}", "{{ config }}", "{{ request }}", "{% raw %}", "{% endraw %}",
    "{{ subject.mro() }}", "{{ ().__class__.__base__ }}",
]  # fmt: skip
BODIES = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), min_size=1, max_size=6
).map(" ".join)
LEAKS = ("<module ", "<class 'type'>", "subprocess", "__builtins__", "root:x:0:0")


@FUZZ
@given(body=BODIES, subject=st.one_of(st.none(), st.text(max_size=40)))
def test_any_template_renders_or_fails_with_a_promptkit_error_and_leaks_nothing(
    body: str, subject: str | None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("tpl")
    path = folder / "fuzz.j2"
    path.write_text(FRONT + body, encoding="utf-8")
    library = TemplateLibrary(search_path=[folder])
    variables = {} if subject is None else {"subject": subject}
    try:
        rendered = library.render(Path(path), variables)
    except PromptkitError as exc:
        assert "\n" not in str(exc)
        return
    text = rendered.prompt.text
    assert not any(leak in text for leak in LEAKS), text
