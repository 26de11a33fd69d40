"""Templates (.j2) and eval specs (.yaml) as lint inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

TEMPLATE = """{{#---
description: A fox in snow (lint source test).
params: {{duration: {duration}}}
variables:
  subject:
    description: who
    default: a red fox with a frost-tipped coat
  move:
    description: the camera move
    default: slow dolly in
    choices: [slow dolly in, static shot, pan left]
---#}}
{{# the body starts on the next line #}}
{body}
"""
BODY = (
    "Low-angle {{ move }}: {{ subject }} trots through fresh snow at golden hour, 16mm film look."
)


def template(tmp_path: Path, body: str = BODY, duration: int = 8, name: str = "fox.j2") -> Path:
    path = tmp_path / name
    path.write_text(TEMPLATE.format(body=body, duration=duration), encoding="utf-8")
    return path


def lint_json(run_cli, *args: str) -> list[dict]:
    return json.loads(run_cli("lint", "--format", "json", *args).stdout)["diagnostics"]


def test_template_lints_each_few_choice_rendering_at_the_first_body_line(run_cli, tmp_path) -> None:
    template(tmp_path, body="{{ subject }} in snow, {{ move }}.")
    found = lint_json(run_cli, "--select", "static-request,missing-motion", "fox.j2")
    # default "slow dolly in" moves; "static shot" with nothing else moving asks for stillness
    assert [(d["code"], d["line"]) for d in found] == [("PK002", 14)]
    assert found[0]["message"].endswith("[move=static shot]")


def test_template_uses_its_default_duration(run_cli, tmp_path) -> None:
    speech = 'A fox barks: "Stay back from the den, all of you, before the storm arrives."'
    template(tmp_path, body=speech, duration=2, name="short.j2")
    template(tmp_path, body=speech, duration=15, name="long.j2")
    assert [d["path"] for d in lint_json(run_cli, "--select", "PK014", "short.j2", "long.j2")] == [
        "short.j2"
    ]


def test_template_checks_report_undeclared_and_unused_variables(run_cli, tmp_path) -> None:
    template(tmp_path, body="{{ subject }} runs through {{ place }}, tracking shot.")
    found = lint_json(run_cli, "--select", "PK1", "fox.j2")
    assert [(d["name"], d["line"]) for d in found] == [
        ("unused-variable", 8),
        ("undeclared-variable", 14),
    ]


def test_unused_variable_points_at_its_declaration_not_a_same_named_key(run_cli, tmp_path) -> None:
    (tmp_path / "keys.j2").write_text(
        "{#---\ndescription: d\nvariables:\n  subject: {default: a fox}\n"
        "  description: {default: calm}\n---#}\n{{ subject }} runs.\n",
        encoding="utf-8",
    )
    found = lint_json(run_cli, "--select", "PK102", "keys.j2")
    assert [(d["message"], d["line"]) for d in found] == [
        ("declared variable 'description' is never used", 5)
    ]


def test_jinja_comment_suppresses_codes_in_a_template(run_cli, tmp_path) -> None:
    body = "{# promptkit: noqa: unused-variable, PK002 #}{{ subject }} in snow, {{ move }}."
    template(tmp_path, body=body)
    assert lint_json(run_cli, "--select", "PK002,PK102", "fox.j2") == []


def test_directories_skip_partials(run_cli, tmp_path) -> None:
    template(tmp_path)
    partials = tmp_path / "partials"
    partials.mkdir()
    (partials / "camera.j2").write_text("{% macro move(x) %}{{ x }}{% endmacro %}")
    result = run_cli("lint", ".")
    assert result.exit_code == 0, result.stdout + result.stderr


SPEC = """version: 1
name: lintme
templates: [nature_documentary, vague_baseline]{noqa}
variables:
  subject: [a red fox with a frost-tipped coat]
lint: "off"
"""


def test_eval_spec_variants_are_linted_at_their_spec_line(run_cli, tmp_path) -> None:
    pytest.importorskip("promptkit.runner.lintsource")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(noqa=""), encoding="utf-8")
    out = run_cli("lint", "--format", "json", "--select", "missing-motion", str(spec)).stdout
    found = json.loads(out)["diagnostics"]
    assert found, "the vague baseline has no motion"
    text = spec.read_text().splitlines()
    for d in found:
        assert "vague_baseline" in text[d["line"] - 1] and "vague_baseline" in d["message"]


def test_trailing_noqa_on_a_spec_line_silences_its_variants(run_cli, tmp_path) -> None:
    pytest.importorskip("promptkit.runner.lintsource")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(noqa="  # noqa"), encoding="utf-8")
    result = run_cli("lint", "--format", "json", "--select", "missing-motion", str(spec))
    assert json.loads(result.stdout)["diagnostics"] == []


def test_eval_spec_without_runner_is_an_input_error(run_cli, tmp_path, monkeypatch) -> None:
    import sys

    (tmp_path / "evals").mkdir()
    (tmp_path / "evals" / "x.yaml").write_text("version: 1\n")
    monkeypatch.setitem(sys.modules, "promptkit.runner.lintsource", None)
    result = run_cli("lint", "evals/x.yaml")
    assert result.exit_code == 2
    assert result.stderr == "error: evals/x.yaml: eval spec linting needs promptkit.runner\n"


def test_trailing_noqa_in_a_spec_silences_that_prompt_only(run_cli, tmp_path) -> None:
    pytest.importorskip("promptkit.runner.lintsource")
    spec = tmp_path / "evals" / "t.yaml"
    spec.parent.mkdir()
    spec.write_text(
        "version: 1\nname: t\nprompts:\n"
        "  - A coffee mug on a table.   # noqa: missing-motion\n"
        "  - A horse on a road.\n"
    )
    found = lint_json(run_cli, "--select", "PK001", "evals/t.yaml")
    assert [d["line"] for d in found] == [5]
