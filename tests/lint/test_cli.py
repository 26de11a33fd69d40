"""``promptkit lint`` and ``promptkit rule``: formats, selection, config, suppression, exits."""

from __future__ import annotations

import json
from pathlib import Path

import click

from promptkit.lint import RULES

GOOD = (
    "Low-angle tracking shot: a red fox trots through fresh snow in a birch forest at golden "
    "hour, 16mm film look.\n"
)
BAD = "A coffee mug.\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_prompt_exits_zero_with_a_summary(run_cli, tmp_path) -> None:
    write(tmp_path, "good.txt", GOOD)
    result = run_cli("lint", "good.txt")
    assert result.exit_code == 0
    assert result.stdout == "All checks passed (1 prompt(s)).\n"


def test_text_format_is_ruff_like_with_a_help_line(run_cli, tmp_path) -> None:
    write(tmp_path, "bad.txt", BAD)
    result = run_cli("lint", "--select", "missing-motion", "bad.txt")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "bad.txt:1:1: PK001 missing-motion nothing in the prompt moves: no action, event, "
        "environmental motion, camera move or change over time"
    )
    assert lines[1].startswith("  help: ")
    assert lines[2] == "Found 1 problem (1 error) in 1 prompt(s)."


def test_missing_file_is_one_line_and_exit_two(run_cli) -> None:
    result = run_cli("lint", "nope.txt")
    assert result.exit_code == 2
    assert result.stderr == "error: nope.txt: no such file\n"


def test_no_paths_lints_the_current_folder(run_cli, tmp_path) -> None:
    write(tmp_path, "prompts/bad.txt", BAD)
    result = run_cli("lint", "--select", "PK001")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{Path('prompts/bad.txt')}:1:1: PK001")


def test_unknown_selector_is_a_config_error(run_cli, tmp_path) -> None:
    write(tmp_path, "bad.txt", BAD)
    result = run_cli("lint", "--select", "no-such-rule", "bad.txt")
    assert result.exit_code == 2 and "unknown lint rule selector 'no-such-rule'" in result.stderr


def test_json_format_has_diagnostics_and_summary(run_cli, tmp_path) -> None:
    write(tmp_path, "bad.txt", BAD)
    payload = json.loads(run_cli("lint", "--format", "json", "bad.txt").stdout)
    assert set(payload) == {"diagnostics", "summary"}
    first = payload["diagnostics"][0]
    assert set(first) == {"path", "line", "column", "code", "name", "severity", "message", "help"}
    assert payload["summary"]["prompts"] == 1
    assert payload["summary"]["diagnostics"] == len(payload["diagnostics"])
    assert payload["summary"]["by_severity"]["error"] == 1


def test_github_format_emits_workflow_annotations(run_cli, tmp_path) -> None:
    write(tmp_path, "bad.txt", BAD)
    out = run_cli("lint", "--format", "github", "--select", "PK001,PK005", "bad.txt").stdout
    # message data keeps ":" and ","; only properties escape them (%3A, %2C)
    assert out.splitlines() == [
        "::error file=bad.txt,line=1,col=1,title=PK001 missing-motion::PK001 nothing in the "
        "prompt moves: no action, event, environmental motion, camera move or change over time",
        "::notice file=bad.txt,line=1,col=1,title=PK005 missing-camera::PK005 no camera framing,"
        " angle or movement",
    ]


def test_format_option_offers_every_output_format() -> None:
    # The command declares its choices without importing the formats module (startup time).
    from promptkit.cli.lint import command
    from promptkit.lint.formats import FORMATS

    option = next(p for p in command.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == FORMATS
    assert option.default == "text"


def test_sarif_format_is_sarif_2_1_0(run_cli, tmp_path) -> None:
    write(tmp_path, "bad.txt", BAD)
    doc = json.loads(run_cli("lint", "--format", "sarif", "bad.txt").stdout)
    assert doc["version"] == "2.1.0"
    assert doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert all(r["defaultConfiguration"]["level"] in {"error", "warning", "note"} for r in rules)
    assert run["results"]
    for result in run["results"]:
        assert result["ruleId"] in RULES
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == "bad.txt"
        assert loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1


def test_select_and_ignore_take_codes_prefixes_and_names(run_cli, tmp_path) -> None:
    write(tmp_path, "bad.txt", BAD)

    def codes(*args: str) -> set[str]:
        out = run_cli("lint", "--format", "json", *args, "bad.txt").stdout
        return {d["code"] for d in json.loads(out)["diagnostics"]}

    assert codes("--select", "PK00") == {"PK001", "PK003", "PK004", "PK005", "PK006", "PK007"}
    assert codes("--select", "vague-subject") == {"PK003"}
    assert codes("--ignore", "PK0") == set()
    assert codes("--select", "PK001", "--select", "too-short") == {"PK001", "PK004"}


def test_severity_threshold_decides_the_exit_code(run_cli, tmp_path) -> None:
    write(
        tmp_path, "p.txt", "A red tram climbs a steep cobbled street at dusk, wide shot.\n"
    )  # info
    assert run_cli("lint", "p.txt").exit_code == 0
    assert run_cli("lint", "--severity", "info", "p.txt").exit_code == 1
    write(
        tmp_path,
        "w.txt",
        "A red tram with no passengers climbs a steep cobbled street, wide shot.\n",
    )
    assert run_cli("lint", "w.txt").exit_code == 1
    assert run_cli("lint", "--severity", "error", "w.txt").exit_code == 0


def test_pyproject_lint_table_selects_ignores_and_per_file_ignores(run_cli, tmp_path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.promptkit.lint]\nignore = ["missing-camera", "PK006", "PK007"]\n'
        'per-file-ignores = {"drafts/*.txt" = ["missing-motion"]}\n',
    )
    write(tmp_path, "drafts/a.txt", "A white ceramic coffee mug on a wooden table.\n")
    write(tmp_path, "final/a.txt", "A white ceramic coffee mug on a wooden table.\n")
    payload = json.loads(run_cli("lint", "--format", "json", "drafts/a.txt", "final/a.txt").stdout)
    assert [(d["path"], d["code"]) for d in payload["diagnostics"]] == [
        (str(Path("final/a.txt")), "PK001")
    ]


def test_environment_overrides_pyproject_and_flags_override_both(run_cli, tmp_path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.promptkit.lint]\nselect = ["PK001"]\n')
    write(tmp_path, "bad.txt", BAD)

    def codes(*args: str, env: dict[str, str] | None = None) -> set[str]:
        out = run_cli("lint", "--format", "json", *args, "bad.txt", env=env).stdout
        return {d["code"] for d in json.loads(out)["diagnostics"]}

    assert codes() == {"PK001"}
    assert codes(env={"PROMPTKIT_LINT__SELECT": '["PK003"]'}) == {"PK003"}
    assert codes("--select", "PK004", env={"PROMPTKIT_LINT__SELECT": '["PK003"]'}) == {"PK004"}


def test_marker_line_suppresses_codes_in_a_text_file(run_cli, tmp_path) -> None:
    write(tmp_path, "p.txt", "# promptkit: noqa: PK001, missing-camera\nA coffee mug.\n")
    payload = json.loads(run_cli("lint", "--format", "json", "p.txt").stdout)
    codes = {d["code"] for d in payload["diagnostics"]}
    assert "PK001" not in codes and "PK005" not in codes and "PK003" in codes
    # the marker line is not prompt text, and positions still count it
    assert {d["line"] for d in payload["diagnostics"]} == {2}


def test_bare_marker_line_suppresses_everything(run_cli, tmp_path) -> None:
    write(tmp_path, "p.txt", "A coffee mug.\n# promptkit: noqa\n")
    assert run_cli("lint", "p.txt").exit_code == 0


def test_lines_mode_reports_file_lines_and_honours_trailing_noqa(run_cli, tmp_path) -> None:
    write(tmp_path, "many.txt", f"# a comment\n{GOOD}\na horse  # noqa: PK003\na horse\n")
    payload = json.loads(
        run_cli("lint", "--lines", "--select", "PK003,PK004", "--format", "json", "many.txt").stdout
    )
    got = [(d["line"], d["code"]) for d in payload["diagnostics"]]
    assert got == [(4, "PK004"), (5, "PK003"), (5, "PK004")]
    assert payload["summary"]["prompts"] == 3


def test_stdin_is_read_for_dash(run_cli) -> None:
    result = run_cli("lint", "--select", "PK004", "-", stdin="alley\n")
    assert result.exit_code == 1
    assert result.stdout.startswith("-:1:1: PK004 too-short")


def test_rule_command_prints_the_documentation(run_cli) -> None:
    by_code = run_cli("rule", "PK002")
    by_name = run_cli("rule", "static-request")
    assert by_code.exit_code == 0 and by_code.stdout == by_name.stdout
    assert by_code.stdout.startswith("# PK002 static-request (warning)\n")
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "Source"):
        assert f"## {heading}" in by_code.stdout


def test_rule_command_lists_rules_and_rejects_unknown(run_cli) -> None:
    listing = run_cli("rule").stdout.splitlines()
    assert [line.split()[0] for line in listing] == list(RULES)
    unknown = run_cli("rule", "PK999")
    assert unknown.exit_code == 2 and "unknown rule 'PK999'" in unknown.stderr


def test_pre_commit_hook_follows_ruff_conventions(repo_root) -> None:
    import re
    import shutil

    import yaml

    hooks = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "promptkit-lint")
    assert hook["language"] == "python" and hook["require_serial"] is False
    # pre-commit passes every changed file: the project's exclusions must apply to them too
    assert hook["entry"].split() == ["promptkit", "lint", "--force-exclude"]
    files = re.compile(hook["files"])
    for path in ("prompts/a.txt", "b.prompt", "templates/c.j2", "evals/quickstart.yaml"):
        assert files.search(path), path
    for path in ("config/settings.yaml", "LICENSE.txt", "CMakeLists.txt", "requirements.txt"):
        assert not files.search(path), path
    # the entry is a real command: the console script or the module's lint command
    from promptkit.cli import COMMANDS

    assert "lint" in COMMANDS
    assert shutil.which("promptkit") is not None


def test_github_properties_escape_commas_and_colons(run_cli, tmp_path) -> None:
    write(tmp_path, "a,b:c.txt", BAD)
    out = run_cli("lint", "--format", "github", "--select", "PK001", "a,b:c.txt").stdout
    assert out.startswith("::error file=a%2Cb%3Ac.txt,line=1,col=1,")
