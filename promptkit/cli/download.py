"""``promptkit download``: fetch a finished job's clip (optionally waiting for it)."""

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
from promptkit.errors import ApiError


@click.command()
@click.argument("request_id")
@provider_options
@out_option
@click.option("--wait", "wait_", is_flag=True, help="Wait for a pending job instead of failing.")
def command(
    request_id: str,
    provider: str,
    base_url: str | None,
    sim_speed: float | None,
    out: Path,
    wait_: bool,
) -> None:
    """Save REQUEST_ID's clip under --out (for --provider sim, pass --base-url of a running sim)."""
    from promptkit.client import VideoClient, raise_for_outcome

    async def go() -> str:
        with open_provider(provider, base_url, need_running="download") as config:
            async with VideoClient(config) as client:
                if wait_:
                    with ProgressDisplay(request_id) as show:
                        status, clip = await client.finish(request_id, out, on_progress=show)
                else:
                    status = await client.get_status(request_id)
                    if status.status == "pending":
                        shown = f" ({status.progress}%)" if status.progress is not None else ""
                        raise ApiError(
                            f"job {request_id} is still pending{shown}; try again later or pass "
                            "--wait",
                            request_id=request_id,
                        )
                    # Already finished: fetch from this answer rather than poll once more
                    # (save fetches nothing for a failed, expired or moderated job).
                    clip = await client.save(status, out)
                raise_for_outcome(status)
                return describe(status, clip)

    click.echo(run(go()))
