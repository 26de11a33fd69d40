"""``promptkit lint``: lint prompt files, templates and eval specs (exit 0 clean, 1 findings)."""

from __future__ import annotations

import sys

import click

from promptkit.cli._options import format_option
from promptkit.errors import UsageError


def _selectors(values: tuple[str, ...]) -> tuple[str, ...] | None:
    items = tuple(v.strip() for value in values for v in value.split(",") if v.strip())
    return items or None


@click.command(name="lint")
@click.argument("paths", nargs=-1)
@click.option("--lines", is_flag=True, help="Treat every non-empty line as its own prompt.")
@format_option("Output format.", ("text", "json", "github", "sarif"))
@click.option(
    "--select", multiple=True, metavar="RULES", help="Only these codes, prefixes or names."
)
@click.option(
    "--ignore", multiple=True, metavar="RULES", help="Skip these codes, prefixes or names."
)
@click.option(
    "--severity",
    type=click.Choice(["info", "warning", "error"]),
    default=None,
    help="Exit 1 when a finding is at or above this severity [default: warning].",
)
@click.option("--duration", type=click.IntRange(1, 15), help="Clip length of plain prompts (s).")
@click.option(
    "--reference-images", type=click.IntRange(0, 7), default=0, help="Reference images sent."
)
@click.option("--model", help="Model whose word budget applies.")
def command(
    paths: tuple[str, ...],
    lines: bool,
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity: str | None,
    duration: int | None,
    reference_images: int,
    model: str | None,
) -> None:
    """Lint prompts (.txt/.prompt, '-' for stdin), templates (.j2) and eval specs (.yaml)."""
    if not paths:
        raise UsageError("nothing to lint: give prompt files, templates, specs, or - for stdin")
    from promptkit.config import load_settings
    from promptkit.lint.config import LintConfig
    from promptkit.lint.diagnostic import SEVERITY_RANK
    from promptkit.lint.formats import render
    from promptkit.lint.sources import lint_paths

    config = LintConfig.from_settings(load_settings()).replace(
        select=_selectors(select), ignore=_selectors(ignore), severity=severity, model=model
    )
    diagnostics, prompts = lint_paths(
        paths, config, lines=lines, duration=duration, reference_images=reference_images
    )
    diagnostics.sort(key=lambda d: d.sort_key())
    sys.stdout.write(render(fmt, diagnostics, prompts))
    threshold = SEVERITY_RANK[config.severity]
    if any(d.rank >= threshold for d in diagnostics):
        sys.exit(1)
