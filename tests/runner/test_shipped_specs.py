"""The shipped example specs render what they say: no variable falls back to a template default
the spec did not choose, and every prompt of a paired A/B reads as one shot of its subject."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from promptkit.lint import LintConfig
from promptkit.lint.sources import lint_paths
from promptkit.runner.expand import Variant, expand
from promptkit.runner.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted((REPO / "evals").glob("*.yaml"))


def variants(path: Path) -> list[Variant]:
    return expand(load_spec(path), path, replicates=False).variants


def test_the_shipped_specs_are_found():
    assert {p.name for p in SPECS} >= {
        "quickstart.yaml",
        "ab_motion_vs_vague.yaml",
        "camera_sweep.yaml",
    }


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_no_rendered_prompt_uses_a_default_the_spec_did_not_choose(path: Path):
    left = {(v.template, k): d for v in variants(path) for k, d in v.defaults.items()}
    assert left == {}, f"{path.name} leaves these to template defaults: {left}"


def test_the_check_fails_on_a_spec_that_leaves_a_default(tmp_path: Path):
    spec = tmp_path / "partial.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "version": 1,
                "name": "partial",
                "templates": ["nature_documentary"],
                "variables": {"subject": ["a hummingbird with an emerald throat"]},
            }
        )
    )
    (variant,) = variants(spec)
    assert variant.defaults["action"].startswith("pads across fresh snow")
    assert "subject" not in variant.defaults
    # The default is in the prompt: exactly the incoherent shot the check exists for.
    assert "hummingbird" in variant.prompt and "pads across fresh snow" in variant.prompt


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_linting_a_shipped_spec_finds_no_template_default(path: Path):
    diagnostics, prompts = lint_paths([str(path)], LintConfig(select=("PK103",)))
    assert prompts > 0 and diagnostics == []


def test_every_paired_prompt_shows_its_own_subject_doing_its_own_action():
    path = REPO / "evals" / "ab_motion_vs_vague.yaml"
    spec = load_spec(path)
    (group,) = spec.zip
    rows = list(zip(group["subject"], group["action"], group["habitat"], strict=True))
    prompts = [v.prompt for v in variants(path) if v.template == "nature_documentary"]
    assert len(prompts) == len(rows)
    for subject, action, habitat in rows:
        (prompt,) = [p for p in prompts if str(subject) in p]
        assert str(action) in prompt and str(habitat).lower() in prompt.lower()
        others = [a for s, a, _ in rows if s != subject]
        assert not any(str(a) in prompt for a in others)
