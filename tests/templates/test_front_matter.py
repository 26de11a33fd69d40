"""Front matter: what a template declares, and path:line errors for every malformed block."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptkit.errors import TemplateError, TemplateSyntaxError
from promptkit.models import GenerationParams
from promptkit.templates import TemplateInfo, TemplateVar
from promptkit.templates.environment import display_path
from promptkit.templates.metadata import parse_template, read_template

GOOD = """{#---
description: >
  A shot of a fox
  in the snow.
tags: [nature, fox]
params: {duration: 5, aspect_ratio: "9:16"}
variables:
  subject: {description: "Who it is about", default: a red fox}
  move: {description: Camera move, default: pan left, choices: [static, pan left]}
  count: {default: 2, choices: [1, 2, 3]}
  place: {description: Where}
---#}
{{ subject }} runs {{ count }} times in {{ place }}; {{ move }}.
"""


def parse(text: str, name: str = "t.j2") -> TemplateInfo:
    return parse_template(text, Path("/nowhere") / name)


def error(text: str) -> str:
    with pytest.raises(TemplateError) as info:
        parse(text)
    assert "\n" not in str(info.value)
    return str(info.value)


def test_front_matter_declares_description_tags_params_and_variables() -> None:
    info = parse(GOOD)
    assert info.name == "t"
    assert info.description == "A shot of a fox in the snow."
    assert info.tags == ("nature", "fox")
    assert info.params == GenerationParams(duration=5, aspect_ratio="9:16")
    assert list(info.variables) == ["subject", "move", "count", "place"]
    assert info.variables["move"] == TemplateVar(
        name="move", description="Camera move", default="pan left", choices=("static", "pan left")
    )
    assert info.source == GOOD


def test_a_variable_without_default_is_required() -> None:
    variables = parse(GOOD).variables
    assert variables["place"].required and not variables["subject"].required
    assert variables["place"].as_dict() == {
        "description": "Where",
        "default": None,
        "choices": None,
        "required": True,
    }


def test_a_template_without_front_matter_declares_nothing() -> None:
    info = parse("Just {{ words }}.\n")
    assert (info.description, info.variables, info.tags) == ("", {}, ())
    assert info.params == GenerationParams()
    assert info.undeclared() == [("words", 1)]


def test_a_single_tag_string_is_one_tag() -> None:
    assert parse("{#---\ntags: baseline\n---#}\nx\n").tags == ("baseline",)


def test_read_template_names_it_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "my_shot.j2"
    path.write_text(GOOD, encoding="utf-8")
    info = read_template(path)
    assert (info.name, info.path) == ("my_shot", path)


def test_unclosed_front_matter_is_reported_at_line_one() -> None:
    assert error("{#---\ndescription: x\n") == (
        "/nowhere/t.j2:1: front matter opened with {#--- is never closed with ---#}"
    )


def test_invalid_yaml_is_reported_at_its_file_line() -> None:
    # A leading blank line shifts everything by one: the numbers are the file's.
    text = "\n{#---\ndescription: fine\ntags: [a, b\nparams: {}\n---#}\nx\n"
    assert error(text) == (
        "/nowhere/t.j2:5: front matter is not valid YAML: expected ',' or ']', but got ':'"
    )
    assert error("{#---\ndescription: a: b\n---#}\n") == (
        "/nowhere/t.j2:2: front matter is not valid YAML: mapping values are not allowed here"
    )


def test_yaml_that_is_not_a_mapping_is_rejected() -> None:
    assert error("{#---\n- a\n- b\n---#}\n") == (
        "/nowhere/t.j2:2: front matter must be a mapping of keys to values"
    )


def test_unknown_top_level_key_is_reported_at_its_line() -> None:
    assert error("{#---\ndescription: x\nvariabels: {}\n---#}\n") == (
        "/nowhere/t.j2:3: unknown front-matter key 'variabels' "
        "(allowed: description, params, tags, variables)"
    )


def test_unknown_variable_key_is_reported_at_its_line() -> None:
    text = "{#---\nvariables:\n  subject:\n    descripton: who\n---#}\n"
    assert error(text) == (
        "/nowhere/t.j2:4: variable 'subject': unknown key 'descripton' "
        "(allowed: choices, default, description)"
    )


def test_default_outside_choices_is_reported_at_the_default_line() -> None:
    text = "{#---\nvariables:\n  move:\n    choices: [a, b]\n    default: c\n---#}\n"
    assert error(text) == "/nowhere/t.j2:5: variable 'move': default 'c' is not one of its choices"


def test_empty_choices_are_rejected() -> None:
    text = "{#---\nvariables:\n  move: {choices: []}\n---#}\n"
    assert error(text) == "/nowhere/t.j2:3: variable 'move': choices must be a non-empty list"


def test_variable_names_must_be_identifiers() -> None:
    text = "{#---\nvariables:\n  camera-move: {default: x}\n---#}\n"
    assert error(text) == "/nowhere/t.j2:3: variable name 'camera-move' is not a valid identifier"


def test_a_variable_declared_as_a_scalar_is_rejected() -> None:
    text = "{#---\nvariables:\n  subject: a fox\n---#}\n"
    assert error(text).startswith("/nowhere/t.j2:3: variable 'subject' must be a mapping")


def test_invalid_default_params_are_reported_at_the_params_line() -> None:
    text = "{#---\ndescription: x\nparams:\n  duration: 40\n---#}\n"
    assert error(text) == "/nowhere/t.j2:4: params: duration: 40 must be between 1 and 15 seconds"


def test_params_that_are_not_a_mapping_are_rejected() -> None:
    assert error("{#---\nparams: [8]\n---#}\n").startswith("/nowhere/t.j2:2: params must be")


@pytest.mark.parametrize(
    ("text", "line"),
    [("{#---\ndescription: [a]\n---#}\n", 2), ("{#---\ntags: {a: 1}\n---#}\n", 2)],
)
def test_description_and_tags_must_be_text(text: str, line: int) -> None:
    assert error(text).startswith(f"/nowhere/t.j2:{line}: ")


def test_front_matter_keeps_body_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "lines.j2"
    path.write_text(GOOD.replace("{{ subject }} runs", "{{ subject } runs"), encoding="utf-8")
    with pytest.raises(TemplateSyntaxError) as info:
        read_template(path).undeclared()
    assert str(info.value).startswith(f"{display_path(path)}:13: ")


def test_undeclared_lists_body_variables_missing_from_front_matter_with_lines() -> None:
    text = "{#---\nvariables:\n  a: {default: 1}\n---#}\n{{ a }}\n{{ b }}\n{{ c }} {{ b }}\n"
    assert parse(text).undeclared() == [("b", 6), ("c", 7)]


def test_undeclared_ignores_jinja_globals_and_local_names() -> None:
    text = "{#---\n---#}\n{% set n = 2 %}{% for i in range(n) %}{{ i }}{% endfor %}\n"
    assert parse(text).undeclared() == []


def test_unused_lists_declared_variables_the_body_never_reads() -> None:
    text = "{#---\nvariables:\n  a: {default: 1}\n  b: {default: 2}\n  c: {default: 3}\n---#}\n"
    assert parse(text + "{{ b }}\n").unused() == ["a", "c"]
    assert parse(GOOD).unused() == []


def test_variables_used_only_as_macro_arguments_count_as_used() -> None:
    text = (
        "{#---\nvariables:\n  size: {default: wide}\n---#}\n"
        "{% macro shot(s) %}{{ s }}{% endmacro %}{{ shot(size) }}\n"
    )
    assert parse(text).unused() == []
    assert parse(text).undeclared() == []
