"""``promptkit status``: one status check of a submitted job."""

from __future__ import annotations

import click

from promptkit.cli._jobs import as_json, describe, open_provider, provider_options, run


@click.command()
@click.argument("request_id")
@provider_options
@click.option("--json", "json_out", is_flag=True, help="Print the status as JSON.")
def command(
    request_id: str, provider: str, base_url: str | None, sim_speed: float | None, json_out: bool
) -> None:
    """Show REQUEST_ID's status (with --provider sim, give --base-url of a running sim)."""
    from promptkit.client import VideoClient

    async def go() -> str:
        with open_provider(provider, base_url, need_running="status") as config:
            async with VideoClient(config) as client:
                status = await client.get_status(request_id)
        return as_json(status) if json_out else describe(status)

    click.echo(run(go()))
