"""``promptkit templates``: list the templates on the search path with their descriptions."""

from __future__ import annotations

import json

import click

from promptkit.cli._options import format_option
from promptkit.templates import TemplateLibrary


@click.command(name="templates")
@format_option("text: one line per template; json: names, variables, params and tags.")
def command(fmt: str) -> None:
    """List the prompt templates (built-in and from [tool.promptkit.templates] path)."""
    infos = TemplateLibrary().list()
    if fmt == "json":
        click.echo(json.dumps([info.as_dict() for info in infos], indent=2, ensure_ascii=False))
        return
    width = max((len(info.name) for info in infos), default=0)
    for info in infos:
        click.echo(f"{info.name:<{width}}  {info.description}".rstrip())
