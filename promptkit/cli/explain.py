"""``promptkit explain PROMPT``: show how the linter reads a prompt and why rules fire."""

from __future__ import annotations

import json
import sys

import click

from promptkit.cli._options import format_option
from promptkit.errors import UsageError


@click.command(name="explain")
@click.argument("prompt")
@format_option("Output format.")
def command(prompt: str, fmt: str) -> None:
    """Show the linter's reading of PROMPT ('-' reads standard input): words and tags,
    subject and details, actions and why they move or not, camera, light, style, negations,
    and the findings."""
    if prompt == "-":
        prompt = sys.stdin.read()
    if not prompt.strip():
        raise UsageError("nothing to explain: give a prompt (or - for standard input)")
    from promptkit.config import load_settings
    from promptkit.lint.config import LintConfig
    from promptkit.lint.explain import explain, render_text

    data = explain(prompt.strip(), LintConfig.from_settings(load_settings()))
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(data))
