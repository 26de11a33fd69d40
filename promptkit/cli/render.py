"""``promptkit render``: render one template into a prompt paragraph (and its parameters)."""

from __future__ import annotations

import json

import click

from promptkit.cli._options import format_option, parse_pairs
from promptkit.templates import TemplateLibrary

# Parameters that take several values: repeating ``--param reference_images=URL`` adds one each.
_LIST_PARAMS = frozenset({"reference_images"})


@click.command(name="render")
@click.argument("template")
@click.option(
    "--var",
    "variables",
    multiple=True,
    metavar="KEY=VALUE",
    help="Set a template variable (repeatable).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a generation parameter (repeatable).",
)
@click.option("--duration", metavar="SECONDS", help="Clip length, 1-15 seconds.")
@click.option("--resolution", metavar="RES", help="480p or 720p.")
@click.option("--aspect-ratio", metavar="W:H", help="16:9, 9:16, 1:1, 4:3, 3:4, 3:2 or 2:3.")
@click.option("--image", metavar="URL|FILE", help="Source image (first frame): URL or file.")
@format_option("text: the prompt paragraph; json: template, variables, prompt and params.")
def command(
    template: str,
    variables: tuple[str, ...],
    params: tuple[str, ...],
    duration: str | None,
    resolution: str | None,
    aspect_ratio: str | None,
    image: str | None,
    fmt: str,
) -> None:
    """Render TEMPLATE (a name such as "cinematic", or a path to a .j2 file)."""
    values = parse_pairs(variables, "--var")
    overrides = parse_pairs(params, "--param", _LIST_PARAMS)
    # The dedicated flags win over --param, which wins over the template's defaults.
    flags = {
        "duration": duration,
        "resolution": resolution,
        "aspect_ratio": aspect_ratio,
        "image": image,
    }
    overrides.update({k: v for k, v in flags.items() if v is not None})
    rendered = TemplateLibrary().render(template, values, overrides)
    if fmt == "json":
        doc = {
            "template": rendered.prompt.template,
            "variables": rendered.prompt.variables,
            "prompt": rendered.prompt.text,
            "params": rendered.params.model_dump(mode="json"),
        }
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    click.echo(rendered.prompt.text)
