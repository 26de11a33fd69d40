"""``promptkit lint`` file selection and configuration, as ruff does them: the closest config
per file, ``--config``, include/exclude, ``--force-exclude``, and the output options."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from promptkit.lint.config import LintConfig

BAD = "A coffee mug.\n"


def write(root: Path, name: str, text: str = BAD) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def linted(run_cli, *args: str, cwd: Path | None = None, env=None) -> dict[str, set[str]]:
    """path -> codes reported, from the JSON output."""
    result = run_cli("lint", "--format", "json", *args, cwd=cwd, env=env)
    assert result.exit_code in (0, 1), result.stderr
    out: dict[str, set[str]] = {}
    for d in json.loads(result.stdout)["diagnostics"]:
        out.setdefault(Path(d["path"]).as_posix(), set()).add(d["code"])
    return out


def test_a_folder_walk_lints_prompt_files_templates_and_specs_only(run_cli, tmp_path) -> None:
    for name in (
        "prompts/a.txt",
        "prompts/deep/b.txt",
        "scenes/c.prompt",
        "LICENSE.txt",
        "CMakeLists.txt",
        "requirements.txt",
        "notes/todo.txt",
        ".venv/prompts/d.txt",
        "node_modules/x/prompts/e.txt",
        "config/settings.yaml",
    ):
        write(tmp_path, name)
    assert set(linted(run_cli, "--select", "PK001")) == {
        "prompts/a.txt",
        "prompts/deep/b.txt",
        "scenes/c.prompt",
    }


def test_a_file_named_on_the_command_line_is_always_linted(run_cli, tmp_path) -> None:
    write(tmp_path, "LICENSE.txt")
    assert set(linted(run_cli, "--select", "PK001", "LICENSE.txt")) == {"LICENSE.txt"}


def test_each_file_gets_its_closest_config_with_a_promptkit_table(run_cli, tmp_path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.promptkit.lint]\nselect = ["PK001", "PK004"]\n')
    # A sub-project's packaging file without [tool.promptkit] does not hide the parent's table.
    write(tmp_path, "pkg/pyproject.toml", '[project]\nname = "pkg"\n')
    write(tmp_path, "pkg/prompts/a.txt")
    # A folder with its own promptkit.toml (the table at top level) uses only that.
    write(tmp_path, "other/promptkit.toml", '[lint]\nselect = ["PK004"]\n')
    write(tmp_path, "other/prompts/b.txt")
    assert linted(run_cli) == {
        "pkg/prompts/a.txt": {"PK001", "PK004"},
        "other/prompts/b.txt": {"PK004"},
    }
    # The same from inside the sub-project: its settings come from the parent.
    assert linted(run_cli, cwd=tmp_path / "pkg") == {"prompts/a.txt": {"PK001", "PK004"}}


def test_promptkit_toml_wins_over_pyproject_in_the_same_folder(run_cli, tmp_path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.promptkit.lint]\nselect = ["PK001"]\n')
    write(tmp_path, "promptkit.toml", '[lint]\nselect = ["PK004"]\n')
    write(tmp_path, "prompts/a.txt")
    assert linted(run_cli) == {"prompts/a.txt": {"PK004"}}


def test_config_flag_applies_one_file_to_every_path(run_cli, tmp_path) -> None:
    write(tmp_path, "sub/promptkit.toml", '[lint]\nselect = ["PK004"]\n')
    write(tmp_path, "sub/prompts/a.txt")
    write(tmp_path, "prompts/b.txt")
    write(tmp_path, "ci.toml", '[lint]\nselect = ["PK001"]\nextend-exclude = ["prompts/b.txt"]\n')
    # The config's relative patterns start from the cwd, not from ci.toml's folder.
    assert linted(run_cli, "--config", "ci.toml") == {"sub/prompts/a.txt": {"PK001"}}
    missing = run_cli("lint", "--config", "nope.toml")
    assert missing.exit_code == 2 and missing.stderr == "error: nope.toml: no such config file\n"


def test_exclude_and_extend_exclude_skip_folders_and_files(run_cli, tmp_path) -> None:
    write(tmp_path, "prompts/keep.txt")
    write(tmp_path, "prompts/drafts/skip.txt")
    write(tmp_path, "prompts/old.txt")
    write(tmp_path, ".venv/prompts/v.txt")
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.promptkit.lint]\nselect = ["PK001"]\n'
        'extend-exclude = ["drafts", "prompts/old.txt"]\n',
    )
    assert set(linted(run_cli)) == {"prompts/keep.txt"}
    # `exclude` replaces the defaults (.venv and friends); extend-exclude still adds to it.
    assert set(linted(run_cli, "--exclude", "drafts")) == {
        "prompts/keep.txt",
        ".venv/prompts/v.txt",
    }
    assert set(linted(run_cli, "--extend-exclude", "keep.txt")) == set()


def test_force_exclude_applies_exclusions_to_named_files(run_cli, tmp_path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.promptkit.lint]\nextend-exclude = ["vendor"]\n')
    write(tmp_path, "vendor/prompts/a.txt")
    write(tmp_path, "prompts/b.txt")
    named = ("vendor/prompts/a.txt", "prompts/b.txt")
    assert set(linted(run_cli, *named)) == {"vendor/prompts/a.txt", "prompts/b.txt"}
    assert set(linted(run_cli, "--force-exclude", *named)) == {"prompts/b.txt"}


def test_force_exclude_never_looks_above_the_config_folder(run_cli, tmp_path) -> None:
    # A project living in a folder named like a default exclusion is still linted.
    write(tmp_path, "build/pyproject.toml", '[tool.promptkit.lint]\nselect = ["PK001"]\n')
    write(tmp_path, "build/prompts/a.txt")
    assert linted(run_cli, "--force-exclude", "build/prompts/a.txt") == {
        "build/prompts/a.txt": {"PK001"}
    }


def test_per_file_ignores_match_from_the_config_folder_in_any_cwd(run_cli, tmp_path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.promptkit.lint]\nselect = ["PK001"]\n'
        'per-file-ignores = { "prompts/drafts/*" = ["PK001"] }\n',
    )
    write(tmp_path, "prompts/drafts/a.txt")
    write(tmp_path, "prompts/b.txt")
    assert set(linted(run_cli)) == {"prompts/b.txt"}
    assert set(linted(run_cli, "drafts/a.txt", "b.txt", cwd=tmp_path / "prompts")) == {"b.txt"}


def test_an_empty_selection_warns_and_does_not_claim_checks_passed(run_cli, tmp_path) -> None:
    write(tmp_path, "LICENSE.txt")
    result = run_cli("lint")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "warning: No prompt files found under the given path(s)\n"
    quiet = run_cli("lint", "-q")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    payload = json.loads(run_cli("lint", "--format", "json").stdout)
    assert payload["summary"]["prompts"] == 0 and payload["diagnostics"] == []


def test_exit_zero_reports_findings_but_exits_zero(run_cli, tmp_path) -> None:
    write(tmp_path, "prompts/a.txt")
    result = run_cli("lint", "--select", "PK001", "--exit-zero")
    assert result.exit_code == 0 and "PK001" in result.stdout


def test_quiet_prints_findings_and_nothing_else(run_cli, tmp_path) -> None:
    write(tmp_path, "prompts/a.txt")
    write(tmp_path, "prompts/ok.txt", "# promptkit: noqa\nA horse.\n")
    noisy = run_cli("lint", "--select", "PK001").stdout.splitlines()
    quiet = run_cli("lint", "--select", "PK001", "-q").stdout.splitlines()
    assert noisy[-1].startswith("Found 1 problem") and quiet == noisy[:-1]
    assert run_cli("lint", "-q", "prompts/ok.txt").stdout == ""


def test_statistics_count_each_rule_most_frequent_first(run_cli, tmp_path) -> None:
    write(tmp_path, "prompts/a.txt")
    write(tmp_path, "prompts/b.txt", "A horse runs.\n")
    select = ("--select", "PK001,PK004")
    text = run_cli("lint", *select, "--statistics").stdout.splitlines()
    assert text[:2] == ["2\tPK004\ttoo-short", "1\tPK001\tmissing-motion"]
    assert text[2].startswith("Found 3 problems")
    payload = json.loads(run_cli("lint", *select, "--statistics", "--format", "json").stdout)
    assert payload == [
        {"code": "PK004", "name": "too-short", "count": 2},
        {"code": "PK001", "name": "missing-motion", "count": 1},
    ]
    sarif = run_cli("lint", "--statistics", "--format", "sarif")
    assert sarif.exit_code == 2 and "--statistics prints text or json" in sarif.stderr


def test_output_file_gets_the_report_and_stdout_stays_empty(run_cli, tmp_path) -> None:
    write(tmp_path, "prompts/a.txt")
    result = run_cli("lint", "--select", "PK001", "--format", "sarif", "-o", "out/lint.sarif")
    assert (result.exit_code, result.stdout) == (1, "")
    sarif = json.loads((tmp_path / "out" / "lint.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PK001"]


def test_output_format_comes_from_the_environment_unless_a_flag_says(run_cli, tmp_path) -> None:
    write(tmp_path, "prompts/a.txt")
    env = {"PROMPTKIT_OUTPUT_FORMAT": "github"}
    assert run_cli("lint", "--select", "PK001", env=env).stdout.startswith("::error file=")
    flagged = run_cli("lint", "--select", "PK001", "--output-format", "json", env=env).stdout
    assert json.loads(flagged)["summary"]["diagnostics"] == 1


HOOK_SAMPLES = (
    "prompts/a.txt",
    "deep/prompts/b/c.txt",
    "scene.prompt",
    "x/y/scene.prompt",
    "templates/shot.j2",
    "templates/partials/camera.j2",
    "templates/_macros.j2",
    "evals/quickstart.yaml",
    "sub/evals/q.yml",
    "LICENSE.txt",
    "CMakeLists.txt",
    "requirements.txt",
    "docs/notes.txt",
    "config/settings.yaml",
    ".github/workflows/ci.yml",
    "README.md",
)


@pytest.mark.parametrize("path", HOOK_SAMPLES)
def test_pre_commit_hook_selects_what_a_folder_walk_lints(repo_root, path: str) -> None:
    from promptkit.lint.discovery import is_partial

    hook = next(
        h
        for h in yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text())
        if h["id"] == "promptkit-lint"
    )
    by_hook = bool(re.search(hook["files"], path)) and not re.search(hook["exclude"], path)
    config = LintConfig(root=Path("/project"))
    full = Path("/project") / path
    by_walk = config.includes(full) and not (full.suffix == ".j2" and is_partial(full))
    assert by_hook == by_walk
