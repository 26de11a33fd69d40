"""Variant expansion: product and zip modes, and ids that are stable and input-sensitive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from promptkit.errors import InvalidParamsError, TemplateVariableError
from promptkit.templates import TemplateLibrary, Variant, expand, variant_id

WriteTemplate = Callable[..., Path]

GRID_TEMPLATE = """{#---
params: {duration: 4}
variables:
  subject: {default: a fox}
  move: {default: pan left, choices: [static, pan left, tilt up]}
  mood: {default: calm}
---#}
{{ subject }} runs while the camera does a {{ move }}; the mood is {{ mood }}.
"""


@pytest.fixture()
def lib(write: WriteTemplate, library: TemplateLibrary) -> TemplateLibrary:
    write("grid.j2", GRID_TEMPLATE)
    return library


def test_product_mode_gives_every_combination(lib: TemplateLibrary) -> None:
    grid = {"subject": ["a fox", "a hare"], "move": ["static", "pan left", "tilt up"]}
    variants = expand("grid", grid, library=lib)
    assert len(variants) == 6
    pairs = [(v.variables["subject"], v.variables["move"]) for v in variants]
    assert pairs == [(s, m) for s in grid["subject"] for m in grid["move"]]
    assert len({v.id for v in variants}) == 6


def test_zip_mode_pairs_values_position_by_position(lib: TemplateLibrary) -> None:
    grid = {"subject": ["a fox", "a hare"], "mood": ["calm", "tense"]}
    variants = expand("grid", grid, mode="zip", library=lib)
    assert [(v.variables["subject"], v.variables["mood"]) for v in variants] == [
        ("a fox", "calm"),
        ("a hare", "tense"),
    ]


def test_zip_mode_with_unequal_lengths_is_a_variable_error(lib: TemplateLibrary) -> None:
    with pytest.raises(TemplateVariableError) as info:
        expand("grid", {"subject": ["a", "b", "c"], "mood": ["x", "y"]}, mode="zip", library=lib)
    assert str(info.value) == "zip mode needs lists of equal length (subject has 3, mood has 2)"


def test_unknown_mode_is_rejected(lib: TemplateLibrary) -> None:
    with pytest.raises(TemplateVariableError, match="unknown expansion mode 'cross'"):
        expand("grid", {}, mode="cross", library=lib)  # type: ignore[arg-type]


def test_an_empty_grid_gives_one_variant_with_defaults(lib: TemplateLibrary) -> None:
    [variant] = expand("grid", {}, library=lib)
    assert variant.prompt.text == "A fox runs while the camera does a pan left; the mood is calm."
    assert variant.template == "grid"
    assert variant.variables == {"subject": "a fox", "move": "pan left", "mood": "calm"}


def test_a_bare_string_is_one_value_not_its_characters(lib: TemplateLibrary) -> None:
    assert len(expand("grid", {"subject": "a fox"}, library=lib)) == 1


def test_an_empty_list_of_values_is_rejected(lib: TemplateLibrary) -> None:
    with pytest.raises(TemplateVariableError, match="'mood' has an empty list of values"):
        expand("grid", {"mood": []}, library=lib)


def test_variants_carry_rendered_prompt_and_params(lib: TemplateLibrary) -> None:
    [variant] = expand("grid", {"mood": ["tense"]}, params={"duration": 6}, library=lib)
    assert isinstance(variant, Variant)
    assert variant.params.duration == 6
    assert variant.prompt.text.endswith("the mood is tense.")
    assert variant.prompt.variables == variant.variables


def test_grid_values_are_checked_like_render_variables(lib: TemplateLibrary) -> None:
    with pytest.raises(TemplateVariableError, match="'move' cannot be 'zoom'"):
        expand("grid", {"move": ["static", "zoom"]}, library=lib)
    with pytest.raises(InvalidParamsError):
        expand("grid", {}, params={"duration": 0}, library=lib)


def test_identical_combinations_collapse_into_one_variant(lib: TemplateLibrary) -> None:
    # Spelling out the default gives the same inputs as leaving it out.
    variants = expand("grid", {"mood": ["calm", "calm", "tense"]}, library=lib)
    assert [v.variables["mood"] for v in variants] == ["calm", "tense"]


def test_variant_id_is_ten_hex_digits_and_ignores_key_order() -> None:
    a = variant_id({"template": "t", "variables": {"a": 1, "b": 2}, "params": {"duration": 8}})
    b = variant_id({"params": {"duration": 8}, "variables": {"b": 2, "a": 1}, "template": "t"})
    assert a == b
    assert len(a) == 10 and int(a, 16) >= 0


def test_variant_id_changes_with_any_input() -> None:
    base = {"template": "t", "variables": {"a": 1}, "params": {"duration": 8}}
    changed = [
        {**base, "template": "u"},
        {**base, "variables": {"a": 2}},
        {**base, "variables": {"a": "1"}},
        {**base, "params": {"duration": 9}},
    ]
    ids = {variant_id(base), *(variant_id(c) for c in changed)}
    assert len(ids) == 5


def test_expanded_ids_differ_by_params(lib: TemplateLibrary) -> None:
    [short] = expand("grid", {}, params={"duration": 3}, library=lib)
    [long] = expand("grid", {}, params={"duration": 9}, library=lib)
    assert short.id != long.id


def test_variant_ids_are_identical_across_processes(lib: TemplateLibrary) -> None:
    grid = {"subject": ["a fox", "a hare"], "move": ["static", "tilt up"]}
    here = [v.id for v in expand("grid", grid, library=lib)]
    folder = str(lib.search_path[0])
    code = (
        "import json; from pathlib import Path; "
        "from promptkit.templates import TemplateLibrary, expand; "
        f"lib = TemplateLibrary(search_path=[Path({folder!r})]); "
        f"print(json.dumps([v.id for v in expand('grid', {grid!r}, library=lib)]))"
    )
    # A different hash seed proves the id does not depend on Python's randomised hashing.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(out.stdout) == here


def test_variant_id_is_the_documented_sha256_of_canonical_json() -> None:
    # The runner's journal keys on this scheme; changing it would orphan old runs.
    import hashlib

    payload = {"template": "cinematic", "variables": {"mood": "calm"}, "params": {"duration": 8}}
    canonical = '{"params":{"duration":8},"template":"cinematic","variables":{"mood":"calm"}}'
    assert variant_id(payload) == hashlib.sha256(canonical.encode()).hexdigest()[:10]


def test_variants_and_template_infos_can_be_kept_in_sets(lib: TemplateLibrary) -> None:
    variants = expand("grid", {"mood": ["calm", "tense"]}, library=lib)
    assert len(set(variants) | set(expand("grid", {"mood": ["calm"]}, library=lib))) == 2
    assert len({lib.get("grid"), lib.get("grid")}) == 1
