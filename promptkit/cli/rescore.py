"""``promptkit rescore``: score a run's stored clips again (e.g. new thresholds); no generation."""

from __future__ import annotations

from pathlib import Path

import click

from promptkit.cli._options import parse_pairs
from promptkit.cli.eval_cmd import out_option


@click.command()
@click.argument("run")
@click.option(
    "--thresholds",
    "-t",
    "pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a metric threshold (repeatable), e.g. low_motion=0.02.",
)
@out_option
def command(run: str, pairs: tuple[str, ...], out: Path) -> None:
    """Re-score the clips of RUN (a run folder or id) and rewrite its results and report."""
    from promptkit.runner.layout import find_run
    from promptkit.runner.rescore import rescore_run

    layout = find_run(run, out)
    # Values stay text here: the thresholds model validates them (and names a bad one).
    outcome = rescore_run(layout, parse_pairs(pairs, "--thresholds"))
    verdicts = outcome.results.summary.by_verdict
    click.echo(
        f"{layout.run_id}: re-scored {outcome.rescored} clips ("
        + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items()))
        + ")",
        err=True,
    )
    if outcome.missing:
        click.echo(
            f"{len(outcome.missing)} clips missing or changed (not re-scored): "
            f"fetch them with `promptkit eval --resume {layout.root}`",
            err=True,
        )
    from promptkit.report import write_report

    click.echo(f"report: {write_report(layout.root)}")
