"""Expansion: counts, stable ids, arms and pair keys."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from promptkit.errors import SpecError
from promptkit.runner.expand import expand
from promptkit.runner.spec import load_spec


def _expand(path: Path):
    return expand(load_spec(path), path)


def test_counts_are_product_of_variables_zip_params_and_replicates(
    write_spec: Callable[..., Path],
) -> None:
    path = write_spec(
        templates=["cinematic"],
        variables={"subject": ["a fox", "a heron", "a bear"]},
        zip=[{"shot_size": ["wide", "close-up"], "angle": ["eye level", "low angle"]}],
        params={"duration": [1, 2], "aspect_ratio": ["16:9", "9:16"]},
        replicates=3,
        arms=None,
    )
    ex = _expand(path)
    assert len(ex.variants) == 3 * 2 * 2 * 2
    assert len(ex.jobs) == 24 * 3
    assert len({j.job_id for j in ex.jobs}) == len(ex.jobs)


def test_job_ids_are_variant_id_and_replicate(write_spec: Callable[..., Path]) -> None:
    ex = _expand(write_spec(replicates=3))
    job = ex.jobs[2]
    assert job.job_id == f"{job.variant.variant_id}-r3"
    assert len(job.variant.variant_id) == 10
    assert int(job.variant.variant_id, 16) >= 0


def test_variant_ids_are_stable_and_follow_the_inputs(write_spec: Callable[..., Path]) -> None:
    first = [v.variant_id for v in _expand(write_spec()).variants]
    again = [v.variant_id for v in _expand(write_spec()).variants]
    other = [v.variant_id for v in _expand(write_spec(params={"duration": 2})).variants]
    assert first == again
    assert not set(first) & set(other)


def test_arms_by_template_pair_the_same_subject_across_templates(
    write_spec: Callable[..., Path],
) -> None:
    ex = _expand(write_spec())
    assert ex.arm_by == "template"
    assert ex.arms == ["nature_documentary", "vague_baseline"]
    by_pair: dict[str, set[str]] = {}
    for v in ex.variants:
        assert v.pair_key is not None
        by_pair.setdefault(v.pair_key, set()).add(f"{v.arm}:{v.variables['subject']}")
    assert sorted(map(sorted, by_pair.values())) == [
        ["nature_documentary:a grey heron", "vague_baseline:a grey heron"],
        ["nature_documentary:a red fox", "vague_baseline:a red fox"],
    ]


def test_arms_by_variable_use_its_values_and_pair_on_the_rest(
    write_spec: Callable[..., Path],
) -> None:
    path = write_spec(
        templates=["cinematic"],
        variables={"subject": ["a fox", "a heron"], "camera_move": ["pan left", "orbit"]},
        arms="variable:camera_move",
    )
    ex = _expand(path)
    assert ex.arms == ["pan left", "orbit"]
    assert Counter(v.arm for v in ex.variants) == {"pan left": 2, "orbit": 2}
    pairs = Counter(v.pair_key for v in ex.variants)
    assert sorted(pairs.values()) == [2, 2]
    for key in pairs:
        subjects = {v.variables["subject"] for v in ex.variants if v.pair_key == key}
        assert len(subjects) == 1


def test_no_arms_means_no_pair_keys(write_spec: Callable[..., Path]) -> None:
    ex = _expand(write_spec(arms=None))
    assert ex.arms == [] and all(v.arm is None and v.pair_key is None for v in ex.variants)


def test_a_template_only_gets_the_variables_it_declares(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        templates=["cinematic", "vague_baseline"],
        variables={"subject": ["a fox"], "camera_move": ["pan left", "orbit"]},
    )
    ex = _expand(path)
    vague = [v for v in ex.variants if v.template == "vague_baseline"]
    # Two camera moves render the same vague prompt: one variant, not two identical ones.
    assert len(vague) == 1 and "camera_move" not in vague[0].variables
    assert len([v for v in ex.variants if v.template == "cinematic"]) == 2


def test_a_variable_no_template_declares_is_a_spec_error(
    write_spec: Callable[..., Path],
) -> None:
    path = write_spec(variables={"subject": ["a fox"], "colour_grade": ["teal"]})
    with pytest.raises(
        SpecError, match=r"spec.yaml:\d+: variables.colour_grade: no template declares"
    ):
        _expand(path)


def test_unknown_template_is_a_spec_error_at_its_entry(write_spec: Callable[..., Path]) -> None:
    path = write_spec(templates=["cinematic", "no_such_template"])
    with pytest.raises(SpecError, match=r"templates.1: no template named 'no_such_template'"):
        _expand(path)


def test_template_paths_resolve_relative_to_the_spec(
    write_spec: Callable[..., Path], repo_root: Path, tmp_path: Path
) -> None:
    (tmp_path / "mine.j2").write_text(
        (repo_root / "templates" / "vague_baseline.j2").read_text(), encoding="utf-8"
    )
    ex = _expand(write_spec(templates=["./mine.j2"], arms=None))
    assert {v.template for v in ex.variants} == {"mine"}


def test_raw_prompts_expand_over_params_only(write_spec: Callable[..., Path]) -> None:
    path = write_spec(
        templates=None,
        variables=None,
        prompts=["A fox runs across snow.", {"name": "heron", "text": "A heron wades."}],
        params={"duration": [1, 2]},
        arms="template",
        replicates=1,
    )
    ex = _expand(path)
    assert len(ex.variants) == 4
    assert ex.arms == ["prompt1", "heron"]
    assert all(v.template is None for v in ex.variants)
