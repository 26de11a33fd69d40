"""``promptkit render``: render one template into a prompt paragraph (and its parameters), or
every variant of an eval spec into its final prompt.

Variables left to a template's defaults are named on stderr whenever the caller set some
variables and not others: that mix is where a prompt stops reading as one shot.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from promptkit.cli._options import format_option, parse_pairs
from promptkit.errors import UsageError
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
    """Render TEMPLATE (a name such as "cinematic", or a path to a .j2 file).

    Given an eval spec (a .yaml file) instead, print every variant's final prompt.
    """
    if template.endswith((".yaml", ".yml")):
        if variables or params or duration or resolution or aspect_ratio or image:
            raise UsageError("render SPEC takes no --var or parameter flags: set them in the spec")
        _render_spec(Path(template), fmt)
        return
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
    library = TemplateLibrary()
    rendered = library.render(template, values, overrides)
    info = library.get(template)
    defaults = {
        k: v.default
        for k, v in info.variables.items()
        if k not in values and k not in info.unused()
    }
    if values and defaults and fmt == "text":
        left = "; ".join(f"{k} = {v!r}" for k, v in defaults.items())
        click.echo(f"note: left to template defaults: {left}", err=True)
    if fmt == "json":
        doc = {
            "template": rendered.prompt.template,
            "variables": rendered.prompt.variables,
            "prompt": rendered.prompt.text,
            "params": rendered.params.model_dump(mode="json"),
            "defaults": defaults,
        }
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    click.echo(rendered.prompt.text)


def _render_spec(path: Path, fmt: str) -> None:
    from promptkit.runner.expand import expand
    from promptkit.runner.preflight import describe_defaults, describe_prompts
    from promptkit.runner.spec import load_spec_node

    spec, node = load_spec_node(path)
    variants = expand(spec, path, node=node, replicates=False).variants
    for line in describe_defaults(variants):
        click.echo(f"note: {line}", err=True)
    if fmt == "json":
        docs: list[dict[str, Any]] = [
            {
                "variant_id": v.variant_id,
                "template": v.template,
                "label": v.label,
                "arm": v.arm,
                "variables": v.variables,
                "defaults": v.defaults,
                "prompt": v.prompt,
                "params": v.params.model_dump(mode="json"),
            }
            for v in variants
        ]
        click.echo(json.dumps(docs, indent=2, ensure_ascii=False))
        return
    for line in describe_prompts(variants):
        click.echo(line)
