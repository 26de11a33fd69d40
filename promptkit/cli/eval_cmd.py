"""``promptkit eval``: run an eval spec (plan, budget gate, generate, score), write its report."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import click

from promptkit.errors import UsageError
from promptkit.runner.layout import DEFAULT_OUT

# Shared by `eval`, `runs` and `rescore`: where run folders live.
out_option = click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder that holds run folders.",
)


def _usd(value: str | None) -> Decimal | None:
    from promptkit.runner.results import parse_usd

    if value is None:
        return None
    try:
        return parse_usd(value)
    except ValueError as exc:
        raise UsageError(f"--max-cost {value!r}: expected {exc}") from None


@click.command()
@click.argument("spec", required=False, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Plan, lint and price only; submit nothing.")
@click.option("--max-cost", metavar="USD", help="Budget cap (replaces the spec's budget_usd).")
@click.option("--yes", "-y", is_flag=True, help="Confirm spending on a real provider.")
@click.option("--provider", type=click.Choice(["sim", "xai"]), help="Override the spec's provider.")
@click.option("--run-id", help="Name of the run folder (re-using one continues that run).")
@out_option
@click.option("--resume", metavar="RUN", help="Continue a run (its folder or id).")
@click.option(
    "--resubmit-uncertain",
    is_flag=True,
    help="Send again submits whose outcome is unknown (may pay twice).",
)
@click.option(
    "--fail-on",
    "fail_on",
    multiple=True,
    metavar="COND",
    help="Exit 1 when a condition holds, e.g. 'frozen-rate>0.2' (repeatable).",
)
@click.option("--sim-url", metavar="URL", help="Use a simulator already running at URL.")
@click.option("--quiet", "-q", is_flag=True, help="Plain progress lines even on a terminal.")
@click.option("--example", metavar="NAME", help="Run a shipped example spec (e.g. quickstart).")
def command(
    spec: Path | None,
    dry_run: bool,
    max_cost: str | None,
    yes: bool,
    provider: str | None,
    run_id: str | None,
    out: Path,
    resume: str | None,
    resubmit_uncertain: bool,
    fail_on: tuple[str, ...],
    sim_url: str | None,
    quiet: bool,
    example: str | None,
) -> None:
    """Run the eval SPEC: variants × replicates, generated, downloaded, scored and reported.

    Exit codes: 0 done, 1 a --fail-on condition held, 2 spec error, 3 refused by budget.
    """
    from promptkit.runner.collect import failed_conditions, parse_fail_on
    from promptkit.runner.evaluate import EvalOptions, run_eval
    from promptkit.runner.progress import make_progress
    from promptkit.runner.results import format_usd

    if example is not None:
        from promptkit.scaffold import example_spec

        if spec is not None:
            raise UsageError("give a SPEC or --example NAME, not both")
        spec = example_spec(example)
    conditions = [parse_fail_on(c) for c in fail_on]
    interactive = sys.stdin.isatty() and sys.stderr.isatty()
    options = EvalOptions(
        provider=provider,
        max_cost=_usd(max_cost),
        yes=yes,
        run_id=run_id,
        out=out,
        resume=resume,
        resubmit_uncertain=resubmit_uncertain,
        dry_run=dry_run,
        sim_url=sim_url,
        interactive=interactive,
        ask=lambda q: click.confirm(q, default=False, err=True),
        echo=lambda line: click.echo(line, err=True),
        progress=make_progress(quiet=quiet),
        argv=sys.argv[1:],
    )
    outcome = run_eval(spec, options)
    if outcome.results is None or outcome.layout is None:
        return
    summary = outcome.results.summary
    click.echo(
        f"{outcome.layout.run_id}: {summary.jobs} jobs, "
        + ", ".join(f"{n} {s}" for s, n in sorted(summary.by_status.items()))
        + f"; spent ${format_usd(Decimal(summary.cost_usd))}",
        err=True,
    )
    if not outcome.complete:
        click.echo(
            f"run incomplete: continue with `promptkit eval --resume {outcome.layout.root}`",
            err=True,
        )
    from promptkit.report import write_report

    click.echo(f"report: {write_report(outcome.layout.root)}")
    held = failed_conditions(outcome.results, conditions)
    for text in held:
        click.echo(f"fail-on: {text}", err=True)
    if held:
        sys.exit(1)
