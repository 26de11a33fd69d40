"""The library: search path and overrides, lookup, rendering checks and whitespace clean-up."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from promptkit.config import load_settings
from promptkit.errors import (
    ConfigError,
    InvalidParamsError,
    TemplateNotFound,
    TemplateVariableError,
)
from promptkit.models import GenerationParams
from promptkit.templates import TemplateLibrary, normalise
from promptkit.templates.library import builtin_templates_dir, default_search_path

WriteTemplate = Callable[..., Path]

SHOT = """{#---
description: A test shot.
params: {duration: 4}
variables:
  subject: {description: Who, default: a fox}
  move: {default: pan left, choices: [static, pan left]}
  count: {default: 2, choices: [1, 2, 3]}
  place: {description: Where it happens}
---#}
{{ subject }} runs {{ count }} times
in {{ place }} , and the camera does a {{ move }} .
"""


@pytest.fixture()
def shot(write: WriteTemplate) -> Path:
    return write("shot.j2", SHOT)


def test_builtin_folder_is_the_checkouts_templates(repo_root: Path) -> None:
    assert builtin_templates_dir() == repo_root / "templates"
    assert (builtin_templates_dir() / "cinematic.j2").is_file()


def test_default_search_path_is_configured_folders_then_builtin(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.promptkit.templates]\npath = ["mine"]\n', encoding="utf-8"
    )
    settings = load_settings(tmp_path, environ={})
    assert default_search_path(settings) == [tmp_path / "mine", builtin_templates_dir()]


def test_environment_variable_sets_the_template_path(tmp_path: Path) -> None:
    (tmp_path / "envdir").mkdir()
    (tmp_path / "pyproject.toml").write_text("[tool.promptkit]\n", encoding="utf-8")
    settings = load_settings(tmp_path, environ={"PROMPTKIT_TEMPLATES__PATH": "envdir"})
    assert default_search_path(settings)[0] == tmp_path / "envdir"


def test_a_configured_folder_that_does_not_exist_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.promptkit.templates]\npath = ["gone"]\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="templates.path: 'gone' is not a folder"):
        TemplateLibrary(settings=load_settings(tmp_path, environ={}))


def test_a_template_path_of_the_wrong_type_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.promptkit.templates]\npath = 3\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="templates.path must be a list of folder names"):
        TemplateLibrary(settings=load_settings(tmp_path, environ={}))


def test_a_user_template_overrides_a_builtin_of_the_same_name(
    write: WriteTemplate, user_dir: Path
) -> None:
    write("cinematic.j2", "{#---\ndescription: Mine.\n---#}\nA heron wades and the camera pans.\n")
    library = TemplateLibrary(search_path=[user_dir, builtin_templates_dir()])
    assert library.get("cinematic").description == "Mine."
    assert "nature_documentary" in library.names()


def test_a_user_partial_overrides_a_builtin_partial(write: WriteTemplate, user_dir: Path) -> None:
    write("partials/camera.j2", "{% macro move(name) %}my own {{ name }}{% endmacro %}")
    library = TemplateLibrary(search_path=[user_dir, builtin_templates_dir()])
    assert "my own slow dolly in" in library.render("cinematic").prompt.text


def test_list_is_sorted_by_name_and_skips_partials(
    write: WriteTemplate, library: TemplateLibrary
) -> None:
    write("zebra.j2", "z")
    write("alpha.j2", "a")
    write("partials/helpers.j2", "{% macro m() %}{% endmacro %}")
    write("notes.txt", "not a template")
    assert [t.name for t in library.list()] == ["alpha", "zebra"]


def test_get_accepts_a_name_a_name_with_suffix_and_a_path(
    shot: Path, library: TemplateLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert library.get("shot").path == shot
    assert library.get("shot.j2").path == shot
    assert library.get(shot).name == "shot"
    monkeypatch.chdir(shot.parent.parent)
    assert library.get("tpl/shot.j2").path == shot


def test_a_path_outside_the_search_path_can_import_its_sibling_partials(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    drafts = tmp_path / "drafts"
    (drafts / "partials").mkdir(parents=True)
    (drafts / "partials" / "bits.j2").write_text("{% macro b() %}a hare bolts{% endmacro %}")
    (drafts / "draft.j2").write_text('{% from "partials/bits.j2" import b %}{{ b() }}.')
    assert library.render(drafts / "draft.j2").prompt.text == "A hare bolts."


def test_unknown_name_lists_available_templates_and_a_close_match(
    shot: Path, library: TemplateLibrary
) -> None:
    with pytest.raises(TemplateNotFound) as info:
        library.get("shoot")
    assert str(info.value) == "no template named 'shoot'; did you mean 'shot'? (available: shot)"


def test_missing_path_is_template_not_found(library: TemplateLibrary) -> None:
    with pytest.raises(TemplateNotFound, match=r"^nowhere/x\.j2: no such template file$"):
        library.get("nowhere/x.j2")


def test_render_fills_defaults_and_normalises(shot: Path, library: TemplateLibrary) -> None:
    rendered = library.render("shot", {"place": "the snow"})
    assert rendered.prompt.text == "A fox runs 2 times in the snow, and the camera does a pan left."
    assert rendered.prompt.template == "shot"
    assert rendered.prompt.variables == {
        "subject": "a fox",
        "move": "pan left",
        "count": 2,
        "place": "the snow",
    }
    assert rendered.params == GenerationParams(duration=4)


def test_unknown_variable_is_named_with_the_declared_ones(
    shot: Path, library: TemplateLibrary
) -> None:
    with pytest.raises(TemplateVariableError) as info:
        library.render("shot", {"place": "x", "subjct": "a hare"})
    assert str(info.value) == (
        "template 'shot' has no variable 'subjct'; did you mean 'subject'? "
        "(declared: subject, move, count, place)"
    )


def test_missing_required_variable_is_named_with_the_declared_ones(
    shot: Path, library: TemplateLibrary
) -> None:
    with pytest.raises(TemplateVariableError) as info:
        library.render("shot")
    assert str(info.value) == (
        "template 'shot' needs variable 'place': Where it happens "
        "(declared: subject, move, count, place)"
    )


def test_value_outside_choices_is_rejected_with_the_allowed_ones(
    shot: Path, library: TemplateLibrary
) -> None:
    with pytest.raises(TemplateVariableError) as info:
        library.render("shot", {"place": "x", "move": "zoom"})
    assert str(info.value) == (
        "template 'shot': variable 'move' cannot be 'zoom' (allowed: static, pan left)"
    )


def test_string_values_match_non_string_choices(shot: Path, library: TemplateLibrary) -> None:
    rendered = library.render("shot", {"place": "x", "count": "3"})
    assert rendered.prompt.variables["count"] == 3


def test_param_overrides_merge_onto_template_params(shot: Path, library: TemplateLibrary) -> None:
    rendered = library.render("shot", {"place": "x"}, {"resolution": "720p"})
    assert rendered.params == GenerationParams(duration=4, resolution="720p")


def test_invalid_param_override_is_a_one_line_params_error(
    shot: Path, library: TemplateLibrary
) -> None:
    with pytest.raises(InvalidParamsError, match=r"^duration: '99' must be between 1 and 15"):
        library.render("shot", {"place": "x"}, {"duration": "99"})


def test_a_template_that_renders_empty_is_an_error(
    write: WriteTemplate, library: TemplateLibrary
) -> None:
    write("empty.j2", "{#---\ndescription: nothing\n---#}\n   \n")
    with pytest.raises(TemplateVariableError, match="renders to an empty prompt"):
        library.render("empty")


def test_an_edited_template_is_read_again(write: WriteTemplate, library: TemplateLibrary) -> None:
    path = write("edit.j2", "A fox runs.")
    assert library.render("edit").prompt.text == "A fox runs."
    path.write_text("A hare hops away.", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert library.render("edit").prompt.text == "A hare hops away."


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  a fox\n\n  runs   fast .\n", "A fox runs fast."),
        ("A fox runs.. The camera pans.", "A fox runs. The camera pans."),
        ("A fox runs. . The camera pans .", "A fox runs. The camera pans."),
        ("A fox runs , , and jumps , .", "A fox runs, and jumps."),
        ("A fox runs ; : then stops !.", "A fox runs; then stops!"),
        ("Wait... the fox runs.", "Wait... the fox runs."),  # an ellipsis continues
        ("A fox runs. the camera pans. it is dusk!", "A fox runs. The camera pans. It is dusk!"),
        (". , A fox runs.", "A fox runs."),
        ("", ""),
    ],
)
def test_normalise_makes_one_clean_paragraph(raw: str, clean: str) -> None:
    assert normalise(raw) == clean


def test_normalise_is_idempotent() -> None:
    once = normalise(SHOT)
    assert normalise(once) == once


def test_an_installed_package_uses_its_bundled_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import promptkit

    # In site-packages there is no pyproject.toml beside the package: a stray top-level
    # ``templates`` folder there belongs to someone else.
    site = tmp_path / "site-packages"
    (site / "templates").mkdir(parents=True)
    monkeypatch.setattr(promptkit, "__file__", str(site / "promptkit" / "__init__.py"))
    assert builtin_templates_dir() == site / "promptkit" / "_builtin_templates"
