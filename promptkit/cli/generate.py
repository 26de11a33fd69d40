"""``promptkit generate``: lint a prompt (or render a template), generate one clip, save it.

Uses the local simulator by default; ``--provider xai`` spends real money and needs
``XAI_API_KEY``. Prints the clip's path, duration and cost.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from promptkit.cli._jobs import out_option, provider_options, submit_and_save
from promptkit.cli._options import parse_pairs
from promptkit.config import Settings, load_settings
from promptkit.errors import UsageError
from promptkit.models import ASPECT_RATIOS, DEFAULT_MODEL, RESOLUTIONS, GenerationParams


def build_prompt(
    prompt: str | None, template: str | None, variables: dict[str, str], overrides: dict[str, Any]
) -> tuple[str, GenerationParams]:
    """The prompt text and validated parameters, from text or from a template."""
    if bool(prompt) == bool(template):
        raise UsageError(
            'give either a PROMPT or --template NAME (not both): promptkit generate "a red kite"'
        )
    if template:
        from promptkit.templates import TemplateLibrary

        rendered = TemplateLibrary().render(template, variables, overrides)
        return rendered.prompt.text, rendered.params
    if variables:
        raise UsageError("--var only applies with --template")
    assert prompt is not None
    return prompt, GenerationParams.build(**overrides)


def lint_or_stop(
    text: str, params: GenerationParams, skip: bool, settings: Settings | None = None
) -> None:
    """Run the prompt linter with the project's lint settings (``[tool.promptkit.lint]``, as
    ``promptkit lint`` and an eval's preflight use them); errors stop the command unless
    ``--no-lint``."""
    if skip:
        return
    from promptkit.lint import lint_prompt
    from promptkit.lint.config import LintConfig

    config = LintConfig.from_settings(settings or load_settings())
    findings = lint_prompt(
        text,
        duration=params.duration,
        reference_images=len(params.reference_images),
        config=config,
    )
    errors = 0
    for finding in findings:
        errors += finding.severity == "error"
        # Style hints belong to `promptkit lint`, not every generation.
        if finding.severity != "info":
            hint = f" (hint: {finding.help})" if finding.help else ""
            click.echo(
                f"lint: {finding.code} {finding.severity}: {finding.message}{hint}", err=True
            )
    if errors:
        click.echo(
            f"error: the prompt has {errors} lint error(s); fix them or pass --no-lint", err=True
        )
        # Same exit status as `promptkit lint` with findings.
        sys.exit(1)


@click.command()
@click.argument("prompt", required=False)
@click.option("--template", "-t", help="Render this template instead of a literal PROMPT.")
@click.option("--var", "variables", multiple=True, metavar="KEY=VALUE", help="Template variable.")
@click.option("--duration", type=int, help="Clip length in seconds (1-15, default 8).")
@click.option("--resolution", type=click.Choice(RESOLUTIONS), help="480p (default) or 720p.")
@click.option("--aspect-ratio", type=click.Choice(ASPECT_RATIOS), help="Default 16:9.")
@click.option("--model", help=f"Model name (default {DEFAULT_MODEL}).")
@click.option("--image", help="First frame: an image URL or a local PNG/JPEG/WebP file.")
@click.option(
    "--reference-image", "reference_images", multiple=True, help="Reference image URL (up to 7)."
)
@provider_options
@out_option
@click.option("--no-lint", is_flag=True, help="Generate even when the linter finds errors.")
def command(
    prompt: str | None,
    template: str | None,
    variables: tuple[str, ...],
    duration: int | None,
    resolution: str | None,
    aspect_ratio: str | None,
    model: str | None,
    image: str | None,
    reference_images: tuple[str, ...],
    provider: str,
    base_url: str | None,
    sim_speed: float | None,
    out: Path,
    no_lint: bool,
) -> None:
    """Generate one clip from PROMPT (or a template) and save it under --out."""
    overrides = {
        k: v
        for k, v in {
            "duration": duration,
            "resolution": resolution,
            "aspect_ratio": aspect_ratio,
            "model": model,
            "image": image,
            "reference_images": list(reference_images) or None,
        }.items()
        if v is not None
    }
    text, params = build_prompt(prompt, template, parse_pairs(variables, "--var"), overrides)
    settings = load_settings()
    lint_or_stop(text, params, no_lint, settings)
    click.echo(
        submit_and_save(
            lambda client: client.submit_generation(text, params),
            provider=provider,
            base_url=base_url,
            sim_speed=sim_speed,
            out=out,
            estimate=params.cost_ticks(),
            settings=settings,
        )
    )
