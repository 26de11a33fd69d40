"""Eval spec validation: every problem is one line naming the file, the line and the key."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from promptkit.errors import SpecError
from promptkit.models import ASPECT_RATIOS, RESOLUTIONS
from promptkit.runner.spec import ParamsSpec, load_spec


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "evals" / "x.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(SpecError) as info:
        load_spec(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_replicates_below_one_names_file_line_and_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [cinematic]\nreplicates: 0\n")
    assert _error(path) == f"{path}:3: replicates: must be ≥ 1"


def test_unknown_top_level_key_is_an_error_listing_allowed_keys(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [cinematic]\nreplicate: 3\n")
    message = _error(path)
    assert message.startswith(f"{path}:3: replicate: unknown key (allowed: version, name,")
    assert "replicates" in message


def test_unknown_nested_key_points_at_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [a]\nparams:\n  duration: 2\n  colour: red\n")
    assert _error(path) == (
        f"{path}:5: params.colour: unknown key "
        "(allowed: duration, resolution, aspect_ratio, image, reference_images)"
    )


def test_bad_resolution_in_a_sweep_names_the_item(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [a]\nparams:\n  resolution: [480p, 1080p]\n")
    assert _error(path) == (
        f"{path}:4: params.resolution.1: '1080p' is not allowed (allowed: '480p' or '720p')"
    )


def test_duration_out_of_range_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [a]\nparams: {duration: [2, 20]}\n")
    assert "params.duration: 20 is out of range (allowed: 1–15 seconds)" in _error(path)


def test_missing_version_is_required(tmp_path: Path) -> None:
    path = _write(tmp_path, "templates: [a]\n")
    assert _error(path) == f"{path}:1: version: is required"


def test_future_version_is_not_allowed(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 2\ntemplates: [a]\n")
    assert _error(path) == f"{path}:1: version: 2 is not allowed (allowed: 1)"


def test_zip_groups_need_equal_lengths(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [a]\nzip:\n  - {a: [1, 2], b: [1]}\n")
    assert _error(path) == f"{path}:4: zip.0: lists must have the same length (got [1, 2])"


def test_arms_by_an_unknown_variable_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [a]\narms: variable:camera\n")
    assert _error(path) == f"{path}:3: arms: no variable 'camera' under variables: or zip:"


def test_arms_must_be_template_or_variable(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [a]\narms: prompt\n")
    assert _error(path) == f"{path}:3: arms: must be 'template' or 'variable:<name>'"


def test_spec_without_templates_or_prompts_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\nname: x\n")
    assert "templates: give at least one template (or prompts:)" in _error(path)


def test_negative_budget_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [a]\nbudget_usd: -1\n")
    assert _error(path) == f"{path}:3: budget_usd: must be an amount in USD of 0 or more"


def test_invalid_yaml_reports_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [a\nreplicates: 2\n")
    message = _error(path)
    assert message.startswith(f"{path}:") and "invalid YAML" in message


def test_empty_file_says_how_to_start(tmp_path: Path) -> None:
    path = _write(tmp_path, "")
    assert _error(path) == f"{path}: the spec is empty (start with 'version: 1')"


def test_missing_file_is_a_spec_error(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.yaml").endswith("nope.yaml: no such spec file")


def test_scalars_stand_for_one_item_sweeps(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "version: 1\ntemplates: cinematic\nvariables: {subject: a fox}\nparams: {duration: 2}\n",
    )
    spec = load_spec(path)
    assert spec.templates == ["cinematic"]
    assert spec.variables == {"subject": ["a fox"]}
    assert spec.params.duration == [2]
    assert spec.name == "x"  # from the file name when not given


def test_flat_reference_image_list_is_one_set(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "version: 1\ntemplates: [a]\nparams:\n  reference_images: [https://e.com/a.png, "
        "https://e.com/b.png]\n",
    )
    assert load_spec(path).params.reference_images == [
        ["https://e.com/a.png", "https://e.com/b.png"]
    ]


def test_shipped_specs_validate(repo_root: Path) -> None:
    specs = sorted((repo_root / "evals").glob("*.yaml"))
    assert {p.stem for p in specs} >= {"quickstart", "ab_motion_vs_vague", "camera_sweep"}
    for path in specs:
        assert load_spec(path).version == 1


def test_negative_sim_speed_is_refused_at_load_naming_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [cinematic]\nsim:\n  speed: -1\n")
    assert _error(path) == (
        f"{path}:4: sim.speed: Input should be greater than or equal to 0 (got -1)"
    )


def test_unknown_sim_key_is_refused_at_load(tmp_path: Path) -> None:
    path = _write(tmp_path, "version: 1\ntemplates: [cinematic]\nsim: {speeed: 4}\n")
    assert _error(path).startswith(f"{path}:3: sim.speeed: Extra inputs are not permitted")


def test_swept_resolutions_and_aspect_ratios_are_the_models_ones() -> None:
    def allowed(name: str) -> tuple[object, ...]:
        # list[Literal[...]] | None -> the Literal's values
        item = get_args(get_args(ParamsSpec.model_fields[name].annotation)[0])[0]
        return get_args(item)

    assert allowed("resolution") == RESOLUTIONS
    assert allowed("aspect_ratio") == ASPECT_RATIOS
