"""The templates and eval specs promptkit ships lint clean, as the README's tour promises."""

from __future__ import annotations

from pathlib import Path


def test_shipped_templates_and_specs_have_no_warnings_or_errors(run_cli, repo_root: Path) -> None:
    result = run_cli("lint", "templates", "evals", cwd=repo_root)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout
