"""``promptkit init`` and ``promptkit eval --example``: the shipped starter project and examples."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from promptkit.errors import InputError
from promptkit.files import temp_beside
from promptkit.runner.results import write_text_atomic
from promptkit.scaffold import example_spec, examples, scaffold
from tests.lint.conftest import run_cli  # noqa: F401  (the CLI fixture)


def test_init_writes_a_project_that_lints_clean(run_cli, tmp_path) -> None:  # noqa: F811
    result = run_cli("init", "proj")
    assert result.exit_code == 0, result.stderr
    project = tmp_path / "proj"
    for name in (
        "templates/my_shot.j2",
        "evals/my_eval.yaml",
        "prompts/first.prompt",
        "pyproject.toml",
        ".pre-commit-config.yaml",
    ):
        assert (project / name).is_file(), name
    assert "id: promptkit-lint" in (project / ".pre-commit-config.yaml").read_text()
    lint = run_cli("lint", cwd=project)
    assert lint.exit_code == 0, lint.stdout
    assert lint.stdout.endswith("All checks passed (8 prompt(s)).\n")


def test_init_never_overwrites_and_appends_the_table_to_an_existing_pyproject(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "mine"', encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "my_shot.j2").write_text("mine", encoding="utf-8")
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    steps = {s.path: s.action for s in scaffold(tmp_path)}
    assert steps["templates/my_shot.j2"] == "kept"
    assert (tmp_path / "templates" / "my_shot.j2").read_text() == "mine"
    assert steps["pyproject.toml"] == "appended"
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith('[project]\nname = "mine"\n') and "[tool.promptkit.lint]" in text
    assert steps[".pre-commit-config.yaml"] == "kept"
    assert (tmp_path / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    again = {s.path: s.action for s in scaffold(tmp_path, force=True)}
    assert again["templates/my_shot.j2"] == "overwritten"
    assert again["pyproject.toml"] == "kept"  # a second table would be invalid TOML


def test_init_prints_the_hook_entry_when_a_pre_commit_config_exists(run_cli, tmp_path) -> None:  # noqa: F811
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    out = run_cli("init").stdout
    assert "kept        .pre-commit-config.yaml (exists; add this repo entry" in out
    assert "- id: promptkit-lint" in out


def test_examples_are_the_shipped_specs_and_an_unknown_one_is_named(repo_root) -> None:
    assert example_spec("quickstart") == repo_root / "evals" / "quickstart.yaml"
    assert "quickstart" in examples()
    with pytest.raises(InputError, match="no example eval 'nope' \\(examples: "):
        example_spec("nope")


def test_eval_example_and_a_spec_together_is_a_usage_error(run_cli, tmp_path) -> None:  # noqa: F811
    result = run_cli("eval", "--example", "quickstart", "x.yaml", "--dry-run")
    assert result.exit_code == 2
    assert result.stderr == "error: give a SPEC or --example NAME, not both\n"


def test_eval_example_plans_the_packaged_quickstart(run_cli, tmp_path) -> None:  # noqa: F811
    result = run_cli("eval", "--example", "quickstart", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "eval quickstart: 4 variants × 2 replicates = 8 clips" in result.stderr


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_files_renamed_into_place_follow_the_umask(tmp_path: Path, mask: int) -> None:
    import promptkit.files

    old = os.umask(mask)
    try:
        promptkit.files._umask = None  # read afresh under this umask
        write_text_atomic(tmp_path / "r.json", "{}")
        fd, name = temp_beside(tmp_path / "clip.mp4", prefix=".clip.", suffix=".part")
        os.close(fd)
    finally:
        os.umask(old)
        promptkit.files._umask = None
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(Path(name).stat().st_mode) == 0o666 & ~mask
