"""Specs say what they render: a dry run (and ``render SPEC``) shows every variant's final
prompt and the variables left to template defaults, and never asks to confirm a spend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from promptkit.cli import main
from promptkit.runner.evaluate import EvalOptions, run_eval
from promptkit.runner.expand import expand
from promptkit.runner.spec import load_spec
from tests.runner.conftest import run_eval as run_eval_cli


def _variants(path: Path) -> list:
    return expand(load_spec(path), path, replicates=False).variants


def test_dry_run_prints_every_variants_final_prompt(
    write_spec: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec()
    assert run_eval_cli([str(spec), "--dry-run", "--out", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    variants = _variants(spec)
    assert len(variants) == 4
    for v in variants:
        header = next(line for line in out.splitlines() if line.startswith(f"[{v.variant_id}]"))
        assert header.startswith(f"[{v.variant_id}] {v.template} (1 s, 480p, 16:9)")
        assert f"    {v.prompt}" in out.splitlines()
    assert not (tmp_path / "r").exists()


def test_dry_run_names_the_variables_left_to_template_defaults(
    write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_eval_cli([str(write_spec()), "--dry-run"]) == 0
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if x.startswith("nature_documentary: left to")]
    assert "action = 'pads across fresh snow" in line and "mood = 'hushed and patient'" in line
    assert "subject" not in line
    assert not any(x.startswith("vague_baseline: left to") for x in err.splitlines())


def test_xai_dry_run_never_asks_to_confirm_a_spend(
    write_spec: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.delenv("XAI_API_KEY", raising=False)
    code = run_eval_cli(
        [str(write_spec()), "--provider", "xai", "--dry-run", "--out", str(tmp_path / "r")]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert "dry run: nothing was submitted" in err and "confirmation" not in err
    assert not (tmp_path / "r").exists()


def test_xai_dry_run_on_a_terminal_asks_nothing(
    write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    def ask(question: str) -> bool:
        raise AssertionError(f"a dry run asked: {question}")

    options = EvalOptions(
        provider="xai", dry_run=True, interactive=True, ask=ask, out=tmp_path / "r",
        echo=lambda line: None,
    )  # fmt: skip
    outcome = run_eval(write_spec(), options)
    assert outcome.results is None and outcome.plan is not None
    assert outcome.plan.cost_usd > 0


def test_a_real_run_on_xai_still_needs_confirmation(
    write_spec: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_eval_cli([str(write_spec()), "--provider", "xai", "--out", str(tmp_path / "r")])
    assert code == 3 and "needs confirmation: pass --yes" in capsys.readouterr().err


def test_render_spec_prints_every_variant(
    write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec()
    main(["render", str(spec)])
    captured = capsys.readouterr()
    prompts = [line[4:] for line in captured.out.splitlines() if line.startswith("    ")]
    assert prompts == [v.prompt for v in _variants(spec)]
    assert "note: nature_documentary: left to template defaults" in captured.err


def test_render_spec_refuses_template_flags(
    write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["render", str(write_spec()), "--var", "mood=calm"])
    assert info.value.code == 2
    assert capsys.readouterr().err == (
        "error: render SPEC takes no --var or parameter flags: set them in the spec\n"
    )


def test_render_template_with_some_variables_names_the_rest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["render", "vague_baseline"])
    assert capsys.readouterr().err == ""  # all defaults: the template's own example shot
    main(["render", "nature_documentary", "--var", "subject=a grey heron"])
    err = capsys.readouterr().err
    assert err.startswith("note: left to template defaults: action = 'pads across fresh snow")


def test_unknown_primary_measure_is_a_one_line_spec_error(
    write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    spec = write_spec(primary="prettiness")
    assert run_eval_cli([str(spec), "--dry-run"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {spec}:")
    assert "primary: 'prettiness' is not a known measure (allowed: motionless-rate," in line


def test_primary_defaults_to_the_motionless_rate(write_spec: Callable[..., Path]) -> None:
    assert load_spec(write_spec()).primary == "motionless-rate"
    assert load_spec(write_spec(primary="motion")).primary == "motion"
