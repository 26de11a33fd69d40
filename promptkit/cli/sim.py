"""``promptkit sim``: run the local xAI-compatible video API until Ctrl-C."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

import click

from promptkit.config import load_settings
from promptkit.errors import UsageError


@click.command(name="sim")
@click.option("--host", default=None, help="Interface to bind (default 127.0.0.1, loopback only).")
@click.option("--port", type=int, default=None, help="Port (default 8000; 0 picks a free one).")
@click.option(
    "--grpc-port",
    type=int,
    default=None,
    help="Also serve the official xai-sdk's gRPC video API on this port (0 = free port; "
    "needs promptkit[grpc]).",
)
@click.option("--api-key", default=None, help="Require this bearer key (default: accept any key).")
@click.option("--speed", type=float, default=None, help="Time compression (0 = instant).")
@click.option(
    "--rps",
    type=float,
    default=None,
    help="Requests per second per account (default 1; 0 = no limit).",
)
@click.option(
    "--rpm",
    type=float,
    default=None,
    help="Requests per minute per account (default 60; 0 = no limit).",
)
@click.option(
    "--burst",
    "burst_s",
    type=float,
    default=None,
    help="Seconds of the rps rate that may arrive together (default 5).",
)
@click.option("--fail-rate", type=float, default=None, help="Share of jobs that fail (0-1).")
@click.option(
    "--error-rate",
    "error_5xx_rate",
    type=float,
    default=None,
    help="Share of API calls answered 5xx (0-1).",
)
@click.option("--drop-rate", type=float, default=None, help="Share of calls dropped (0-1).")
@click.option(
    "--dialect",
    type=click.Choice(["official", "blog"]),
    default=None,
    help="official (pending, 400 for a bad key) or blog (processing, 401).",
)
@click.option("--url-ttl", "url_ttl_s", type=float, default=None, help="Clip URL lifetime (s).")
@click.option(
    "--retention",
    "retention_s",
    type=float,
    default=None,
    help="Seconds a finished job is kept before it reads as expired.",
)
@click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append a JSON line per accepted request to this file.",
)
@click.option(
    "--state-dir",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the job store here, so a restarted simulator still knows its jobs.",
)
@click.option("--seed", type=int, default=None, help="Seed of faults and renders (default 0).")
@click.option(
    "--credits-exhausted",
    is_flag=True,
    default=None,
    help="Answer every submit with the 429 'credits exhausted' error.",
)
def command(host: str | None, port: int | None, grpc_port: int | None, **options: Any) -> None:
    """Serve the simulator, print its base URL, and stop cleanly on Ctrl-C."""
    from promptkit.sim import SimServer, build_config

    settings = dict(load_settings().section("sim"))
    host = host or str(settings.pop("host", "127.0.0.1"))
    port = int(settings.pop("port", 8000)) if port is None else port
    configured_grpc = settings.pop("grpc_port", None)
    if grpc_port is None and configured_grpc is not None:
        grpc_port = int(configured_grpc)
    values = {**settings, **{k: v for k, v in options.items() if v is not None}}
    for limit in ("rps", "rpm"):
        if values.get(limit) == 0:
            values[limit] = None
    for flag, number in (("--port", port), ("--grpc-port", grpc_port)):
        if number is not None and not 0 <= number <= 65535:
            raise UsageError(f"{flag} {number} is not a port number (0-65535)")
    server = SimServer(build_config(**values), host=host, port=port, grpc_port=grpc_port)
    # A service manager's SIGTERM stops it as cleanly as Ctrl-C (set before anyone can send it).
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.start()
        config = server.state.config
        rps = f"{config.rps} rps (burst {config.burst_s:g} s)" if config.rps else "unlimited rps"
        limits = f"{rps} / {config.rpm or 'unlimited'} rpm per account"
        click.echo(
            f"promptkit sim serving {server.base_url} ({config.dialect} dialect, "
            f"speed {config.speed:g}, {limits}); Ctrl-C to stop"
        )
        if server.grpc_target is not None:
            click.echo(
                f"  gRPC (official xai-sdk) on {server.grpc_target}: "
                f'Client(api_host="{server.grpc_target}", use_insecure_channel=True)'
            )
        if config.api_key is None:
            click.echo(f"  any bearer key is accepted, e.g. export XAI_API_KEY={server.api_key}")
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
    finally:
        server.stop()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
