"""``promptkit report RUN``: re-render a run's index.html, summary.md and results.csv."""

from __future__ import annotations

from pathlib import Path

import click

from promptkit.cli.eval_cmd import base_url_option
from promptkit.errors import InputError
from promptkit.runner.layout import DEFAULT_OUT, find_run


def resolve_run(ref: str, out_dir: Path) -> Path:
    """A run folder from a path or a run id under ``out_dir``; one-line error when neither."""
    root = find_run(ref, out_dir).root
    if not root.is_dir():
        raise InputError(f"{ref}: no run folder of that path or id under {out_dir}/")
    return root


@click.command(name="report")
@click.argument("run")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder that holds the runs (where RUN is looked up when it is a run id).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Resampling seed.")
@base_url_option
def command(run: str, out_dir: Path, seed: int, base_url: str | None) -> None:
    """Re-render RUN's report from its results.json (RUN: run folder or run id)."""
    from promptkit.report.writer import write_report

    index = write_report(resolve_run(run, out_dir), seed=seed, base_url=base_url)
    click.echo(str(index))
