"""``promptkit runs``: list eval runs with their status, job counts and spend."""

from __future__ import annotations

from pathlib import Path

import click

from promptkit.cli.eval_cmd import out_option


@click.command()
@out_option
def command(out: Path) -> None:
    """List the runs under --out, oldest first."""
    from promptkit.models import ticks_to_usd
    from promptkit.runner.layout import list_runs
    from promptkit.runner.results import format_usd

    runs = list_runs(out)
    if not runs:
        click.echo(f"no runs under {out}")
        return
    click.echo(f"{'RUN':<44} {'STATUS':<11} {'PROVIDER':<8} {'JOBS':>5} {'SPENT':>10}  STATES")
    for r in runs:
        states = ", ".join(f"{n} {s}" for s, n in sorted(r.by_status.items()))
        spent = "$" + format_usd(ticks_to_usd(r.cost_ticks))
        click.echo(
            f"{r.run_id:<44} {r.status:<11} {r.provider or '-':<8} {r.jobs:>5} {spent:>10}"
            f"  {states}"
        )
