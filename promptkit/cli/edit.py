"""``promptkit edit``: change a clip (URL or local file) as a prompt says."""

from __future__ import annotations

from pathlib import Path

import click

from promptkit.cli._jobs import (
    ProgressDisplay,
    describe,
    open_provider,
    out_option,
    provider_options,
    run,
)


@click.command()
@click.argument("prompt")
@click.option(
    "--video", required=True, help="The clip to edit: a URL or a local .mp4 (sent as a data URL)."
)
@click.option("--model", default="grok-imagine-video", show_default=True)
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
    from promptkit.client import VideoClient, raise_for_outcome

    async def go() -> str:
        with open_provider(provider, base_url, sim_speed=sim_speed) as config:
            async with VideoClient(config) as client:
                rid = await client.submit_edit(prompt, video, model=model)
                click.echo(f"submitted {rid} ({provider})", err=True)
                with ProgressDisplay(rid) as show:
                    status, clip = await client.finish(rid, out, on_progress=show)
                raise_for_outcome(status)
                return describe(status, clip)

    click.echo(run(go()))
