"""Shared plumbing of the job commands (generate, extend, edit, status, download).

Opening a provider (the in-process simulator, a running simulator at ``--base-url``, or the real
xAI API, which needs ``XAI_API_KEY`` and is only used when asked for), showing progress while a
job is pending, and printing a finished job. Kept out of the command modules so each command
stays a thin parse -> call -> print.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import click

from promptkit.client import ClientConfig, Download, JobStatus, VideoClient
from promptkit.config import Settings, load_settings
from promptkit.errors import UsageError

T = TypeVar("T")
PROVIDERS = ("sim", "xai")


def provider_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--provider``, ``--base-url`` and ``--sim-speed``, shared by every job command."""
    func = click.option(
        "--sim-speed",
        type=float,
        default=None,
        help="Simulator time compression for --provider sim (0 = instant; default 1).",
    )(func)
    func = click.option(
        "--base-url",
        default=None,
        help="API base URL: a running `promptkit sim`, a proxy, or the real API.",
    )(func)
    return click.option(
        "--provider",
        type=click.Choice(PROVIDERS),
        default="sim",
        show_default=True,
        help="sim: the local simulator (free); xai: the real API (needs XAI_API_KEY, costs money).",
    )(func)


@contextmanager
def open_provider(
    provider: str,
    base_url: str | None,
    *,
    sim_speed: float | None = None,
    need_running: str | None = None,
    settings: Settings | None = None,
) -> Iterator[ClientConfig]:
    """Yield the client configuration for ``provider``, starting the simulator when needed.

    ``need_running`` names a command (status, download) that must talk to an existing server:
    an in-process simulator would not know the job.
    """
    settings = settings or load_settings()
    if provider == "xai":
        overrides: dict[str, Any] = {"base_url": base_url} if base_url else {}
        yield ClientConfig.from_env(settings, **overrides).require_api_key()
        return
    if base_url:
        # A simulator the user runs: never hand it the real key.
        from promptkit.sim.server import client_key

        yield ClientConfig.from_env(settings, base_url=base_url, api_key=client_key(settings))
        return
    if need_running:
        raise UsageError(
            f"{need_running} with --provider sim needs --base-url of a running `promptkit sim` "
            "(an in-process simulator would not know the job); or use --provider xai"
        )
    try:
        from promptkit.sim import SimServer, build_config
    except ImportError as exc:
        raise UsageError(
            f"the simulator needs {exc.name!r}, which is not installed: "
            "pip install 'promptkit[sim]' (or use --provider xai)"
        ) from exc
    # The same [tool.promptkit.sim] settings `promptkit sim` uses (its address aside).
    values = {k: v for k, v in settings.section("sim").items() if k not in ("host", "port")}
    if sim_speed is not None:
        values["speed"] = sim_speed
    sim_config = build_config(**values)
    with SimServer(sim_config) as sim:
        yield ClientConfig.from_env(
            settings,
            base_url=sim.base_url,
            api_key=sim.api_key,
            rps=sim_config.rps or 1000.0,
            rpm=int(sim_config.rpm or 100000),
        )


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def submit_and_save(
    submit: Callable[[VideoClient], Awaitable[str]],
    *,
    provider: str,
    base_url: str | None,
    sim_speed: float | None,
    out: Path,
    estimate: int | None = None,
    settings: Settings | None = None,
) -> str:
    """Submit with ``submit(client)``, show progress, download, and describe the result.

    Failed, expired and moderated outcomes raise their one-line error.
    """
    from promptkit.client import VideoClient, raise_for_outcome

    async def go() -> str:
        with open_provider(provider, base_url, sim_speed=sim_speed, settings=settings) as config:
            async with VideoClient(config) as client:
                rid = await submit(client)
                click.echo(f"submitted {rid} ({provider})", err=True)
                with ProgressDisplay(rid) as show:
                    status, clip = await client.finish(rid, out, on_progress=show)
                raise_for_outcome(status)
                return describe(status, clip, estimate=estimate)

    return run(go())


class ProgressDisplay:
    """A rich progress bar on a terminal, plain status lines otherwise (both on stderr)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()
        self._last: tuple[str, int | None] | None = None
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> ProgressDisplay:
        if self.tty:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeElapsedColumn

            self._progress = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                TaskProgressColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=100)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()

    def __call__(self, status: JobStatus) -> None:
        key = (status.status, status.progress)
        if key == self._last:
            return
        self._last = key
        if self._progress is not None:
            done = 100 if status.status == "done" else (status.progress or 0)
            self._progress.update(
                self._task, completed=done, description=f"{self.label} {status.status}"
            )
            return
        shown = f" {status.progress}%" if status.progress is not None else ""
        click.echo(f"{status.request_id}: {status.status}{shown}", err=True)


def usd(amount: Decimal) -> str:
    """``$0.40``, or every significant digit when the amount is finer than a cent."""
    from promptkit.runner.results import format_usd

    return "$" + format_usd(amount)


def describe(status: JobStatus, clip: Download | None = None, estimate: int | None = None) -> str:
    """Lines describing a job: what a person needs after it finished (or while it runs)."""
    shown = status.status + (
        f" ({status.progress}%)"
        if status.status == "pending" and status.progress is not None
        else ""
    )
    if status.moderated:
        shown = "done, withheld by moderation"
    rows = [("request_id", status.request_id), ("status", shown)]
    if clip is not None:
        rows.append(("clip", str(clip.path)))
        rows.append(("sha256", clip.sha256))
    elif status.video_url:
        rows.append(("url", status.video_url))
    if status.duration:
        rows.append(("duration", f"{status.duration} s"))
    if status.model:
        rows.append(("model", status.model))
    if status.cost_usd is not None:
        rows.append(("cost", usd(status.cost_usd)))
    elif estimate is not None and status.status == "done":
        from promptkit.models import ticks_to_usd

        rows.append(("cost", f"not reported (list price {usd(ticks_to_usd(estimate))})"))
    if status.status == "failed":
        rows.append(("error", f"{status.error_code or 'unknown'}: {status.error_message or ''}"))
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k.ljust(width)}  {v}" for k, v in rows)


def as_json(status: JobStatus, clip: Download | None = None) -> str:
    data = status.model_dump(mode="json")
    if clip is not None:
        data["clip"] = {"path": str(clip.path), "sha256": clip.sha256, "size": clip.size}
    return json.dumps(data, indent=2, sort_keys=True)


def out_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("clips"),
        show_default=True,
        help="Folder to save the clip in (as <request_id>.mp4).",
    )(func)
