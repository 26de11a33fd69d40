"""``promptkit compare RUN_A RUN_B``: did the change from run A to run B help?"""

from __future__ import annotations

from pathlib import Path

import click

from promptkit.cli.report import resolve_run
from promptkit.runner.layout import DEFAULT_OUT


@click.command(name="compare")
@click.argument("run_a")
@click.argument("run_b")
@click.option(
    "--runs",
    "runs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder that holds the runs (where run ids are looked up).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Comparison folder [default: <runs>/compare-<a>-vs-<b>].",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Resampling seed.")
def command(run_a: str, run_b: str, runs_dir: Path, out: Path | None, seed: int) -> None:
    """Compare RUN_B against RUN_A, variant by variant (differences are B − A)."""
    from promptkit.report.compare import compare_runs

    a = resolve_run(run_a, runs_dir)
    b = resolve_run(run_b, runs_dir)
    if out is None:
        out = runs_dir / f"compare-{a.name}-vs-{b.name}"
    click.echo(str(compare_runs(a, b, out=out, seed=seed)))
