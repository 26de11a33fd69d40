"""``promptkit edit``: change a clip (URL or local file) as a prompt says."""

from __future__ import annotations

from pathlib import Path

import click

from promptkit.cli._jobs import out_option, provider_options, submit_and_save
from promptkit.models import DEFAULT_MODEL


@click.command()
@click.argument("prompt")
@click.option(
    "--video", required=True, help="The clip to edit: a URL or a local .mp4 (sent as a data URL)."
)
@click.option("--model", default=DEFAULT_MODEL, show_default=True)
@provider_options
@out_option
def command(
    prompt: str,
    video: str,
    model: str,
    provider: str,
    base_url: str | None,
    sim_speed: float | None,
    out: Path,
) -> None:
    """Edit --video as PROMPT says ("add snow"); save the result under --out."""
    click.echo(
        submit_and_save(
            lambda client: client.submit_edit(prompt, video, model=model),
            provider=provider,
            base_url=base_url,
            sim_speed=sim_speed,
            out=out,
        )
    )
