"""The sandboxed environment: unsafe access is refused and Jinja errors become ours, path first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from promptkit.errors import (
    SandboxViolation,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    TemplateVariableError,
)
from promptkit.templates import TemplateLibrary
from promptkit.templates.environment import display_path

WriteTemplate = Callable[..., Path]

HEADER = "{#---\nvariables:\n  x: {default: ok}\n---#}\n"  # body starts on line 5


@pytest.mark.parametrize(
    "expression",
    [
        "''.__class__",
        "cycler.__init__.__globals__",
        "().__class__.__base__.__subclasses__()",
        "lipsum.__globals__",
        "x.__class__.__mro__",
        "namespace.__init__.__globals__['os']",
    ],
)
def test_sandbox_refuses_attribute_escapes(
    write: WriteTemplate, library: TemplateLibrary, expression: str
) -> None:
    path = write("escape.j2", HEADER + "line five\n{{ " + expression + " }}\n")
    with pytest.raises(SandboxViolation) as info:
        library.render("escape")
    message = str(info.value)
    assert message.startswith(
        f"{display_path(path)}:6: refused by the sandbox: access to attribute"
    )
    assert "unsafe" in message and "\n" not in message


def test_sandbox_refuses_calling_unsafe_methods(
    write: WriteTemplate, library: TemplateLibrary
) -> None:
    write("fmt.j2", HEADER + "{{ '{0.__class__}'.format(x) }}\n")
    with pytest.raises(SandboxViolation):
        library.render("fmt")


def test_syntax_error_message_starts_with_path_and_line(
    write: WriteTemplate, library: TemplateLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write("broken.j2", HEADER + "fine\n{{ x }\nmore\n")
    monkeypatch.chdir(path.parent.parent)
    with pytest.raises(TemplateSyntaxError) as info:
        library.render("broken")
    assert str(info.value).startswith("tpl/broken.j2:6: unexpected '}'")


def test_syntax_error_in_an_imported_partial_points_at_the_partial(
    write: WriteTemplate, library: TemplateLibrary
) -> None:
    partial = write("partials/bad.j2", "{% macro m() %}\n{{ oops( }}\n{% endmacro %}\n")
    write("main.j2", HEADER + '{% from "partials/bad.j2" import m %}{{ m() }}\n')
    with pytest.raises(TemplateSyntaxError) as info:
        library.render("main")
    assert str(info.value).startswith(f"{display_path(partial)}:2: ")


def test_importing_a_missing_partial_is_template_not_found(
    write: WriteTemplate, library: TemplateLibrary
) -> None:
    path = write("main.j2", HEADER + '{% import "partials/none.j2" as p %}{{ x }}\n')
    with pytest.raises(TemplateNotFound) as info:
        library.render("main")
    assert str(info.value) == (
        f"{display_path(path)}:5: cannot import 'partials/none.j2': not on the template path"
    )


def test_undeclared_variable_in_the_body_is_a_variable_error_with_line(
    write: WriteTemplate, library: TemplateLibrary
) -> None:
    path = write("undef.j2", HEADER + "{{ x }}\n{{ mood }}\n")
    with pytest.raises(TemplateVariableError) as info:
        library.render("undef")
    assert str(info.value) == (
        f"{display_path(path)}:6: 'mood' is undefined (declare it in the front matter)"
    )


def test_python_errors_inside_expressions_are_template_errors(
    write: WriteTemplate, library: TemplateLibrary
) -> None:
    path = write("div.j2", HEADER + "{{ x }} {{ 1 / 0 }}\n")
    with pytest.raises(TemplateError) as info:
        library.render("div")
    assert str(info.value).startswith(f"{display_path(path)}:5: ZeroDivisionError:")


def test_prompts_are_not_html_escaped(write: WriteTemplate, library: TemplateLibrary) -> None:
    write("amp.j2", HEADER + "Salt & pepper <{{ x }}>\n")
    assert library.render("amp", {"x": "R&D"}).prompt.text == "Salt & pepper <R&D>"


def test_display_path_is_relative_below_the_cwd_and_absolute_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "a" / "b.j2") == "a/b.j2"
    assert display_path("/elsewhere/c.j2") == "/elsewhere/c.j2"
    assert display_path("rel/d.j2") == "rel/d.j2"
