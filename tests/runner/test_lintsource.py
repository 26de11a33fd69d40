"""What the linter sees of an eval spec: each distinct rendered prompt at the line that made it."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptkit.errors import SpecError
from promptkit.runner.lintsource import spec_prompts
from promptkit.runner.spec import load_spec


def test_each_variant_prompt_points_at_its_template_line(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "version: 1\n"
        "templates:\n"
        "  - vague_baseline\n"
        "prompts:\n"
        "  - name: still\n"
        "    text: A lighthouse at dusk.\n"
        "variables:\n"
        "  subject: [a fox, a heron]\n"
        "params: {duration: [1, 3]}\n"
        "replicates: 5\n",
        encoding="utf-8",
    )
    prompts = spec_prompts(path)
    # 2 subjects x 2 durations from the template, 2 durations of the raw prompt; no replicates.
    assert len(prompts) == 6
    templated = [p for p in prompts if p.label.startswith("vague_baseline")]
    assert {p.line for p in templated} == {3}
    assert {(p.text, p.duration) for p in templated} == {
        ("A fox.", 1),
        ("A fox.", 3),
        ("A heron.", 1),
        ("A heron.", 3),
    }
    raw = [p for p in prompts if p.label.startswith("still")]
    assert {p.line for p in raw} == {6}
    assert {p.text for p in raw} == {"A lighthouse at dusk."}
    assert all(p.reference_images == 0 for p in prompts)


def test_invalid_spec_raises_the_same_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("version: 1\ntemplates: [vague_baseline]\nreplicates: 0\n", encoding="utf-8")
    with pytest.raises(SpecError, match=r"s.yaml:3: replicates: must be ≥ 1"):
        spec_prompts(path)


@pytest.mark.parametrize("text", ["", "- a list\n", "version: 1\nreplicates: [\n"])
def test_unreadable_spec_raises_the_error_the_eval_loader_raises(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as expected:
        load_spec(path)
    with pytest.raises(SpecError) as got:
        spec_prompts(path)
    assert str(got.value) == str(expected.value)
