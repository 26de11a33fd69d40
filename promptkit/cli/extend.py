"""``promptkit extend``: continue a clip (URL or local file) from its last frame."""

from __future__ import annotations

from pathlib import Path

import click

from promptkit.cli._jobs import out_option, provider_options, submit_and_save
from promptkit.models import DEFAULT_MODEL


@click.command()
@click.argument("prompt")
@click.option("--video", required=True, help="The clip to extend: a URL or a local .mp4 file.")
@click.option("--duration", type=int, help="Seconds to add (1-10, default 6).")
@click.option("--model", default=DEFAULT_MODEL, show_default=True)
@provider_options
@out_option
def command(
    prompt: str,
    video: str,
    duration: int | None,
    model: str,
    provider: str,
    base_url: str | None,
    sim_speed: float | None,
    out: Path,
) -> None:
    """Extend --video by --duration seconds as PROMPT describes; save the result under --out."""
    click.echo(
        submit_and_save(
            lambda client: client.submit_extension(prompt, video, duration, model=model),
            provider=provider,
            base_url=base_url,
            sim_speed=sim_speed,
            out=out,
        )
    )
