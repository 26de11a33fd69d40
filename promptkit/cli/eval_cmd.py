"""``promptkit eval``: run an eval spec (plan, budget gate, generate, score), write its report.

At the end it prints the report's path and the decision: which arm is best on the spec's
primary measure, with its interval and the sample-size caveat, and the compact arm table. A dry
run prints every variant's final prompt instead (and never asks to confirm a spend).
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import click

from promptkit.errors import UsageError
from promptkit.runner.layout import DEFAULT_OUT

INCOMPLETE = 4
"""Exit code of a run that ended with work left (uncertain submits, errors, a stop)."""

# Shared by `eval`, `runs` and `rescore`: where run folders live.
out_option = click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder that holds run folders.",
)


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # summary.md turns it into links: only a web address can be one a pull request opens.
    if value is not None and not value.startswith(("https://", "http://")):
        raise UsageError(
            f"--base-url {value!r}: expected an http(s) URL where the run is published"
        )
    return value


# Shared by `eval` and `report`: where the run folder will be published (summary.md links).
base_url_option = click.option(
    "--base-url",
    metavar="URL",
    callback=_base_url,
    help="Where the run folder is published: summary.md links its pictures and page there.",
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
    "--skip-uncertain",
    is_flag=True,
    help="Give up submits whose outcome is unknown (never sent again; the run can complete).",
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
@base_url_option
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
    skip_uncertain: bool,
    fail_on: tuple[str, ...],
    sim_url: str | None,
    quiet: bool,
    base_url: str | None,
    example: str | None,
) -> None:
    """Run the eval SPEC: variants × replicates, generated, downloaded, scored and reported.

    Exit codes: 0 done, 1 a --fail-on condition held, 2 spec or usage error, 3 refused by
    budget, 4 the run is incomplete (resume it).
    """
    from promptkit.report import write_report
    from promptkit.report.decision import decide
    from promptkit.report.terminal import decision_lines
    from promptkit.runner.collect import failed_conditions, parse_fail_on
    from promptkit.runner.evaluate import EvalOptions, run_eval, unfinished
    from promptkit.runner.progress import make_progress
    from promptkit.runner.results import format_usd

    if resubmit_uncertain and skip_uncertain:
        raise UsageError("--resubmit-uncertain and --skip-uncertain contradict each other")
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
        skip_uncertain=skip_uncertain,
        dry_run=dry_run,
        sim_url=sim_url,
        interactive=interactive,
        ask=lambda q: click.confirm(q, default=False, err=True),
        echo=lambda line: click.echo(line, err=True),
        progress=make_progress(quiet=quiet),
        argv=sys.argv[1:],
        # Written under the run lock, before it is released.
        report=lambda root: write_report(root, base_url=base_url),
    )
    outcome = run_eval(spec, options)
    if dry_run and outcome.plan is not None:
        for line in outcome.plan.describe_prompts():
            click.echo(line)
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
        for line in unfinished(outcome.results, outcome.layout.root):
            click.echo(f"run incomplete: {line}", err=True)
    click.echo(f"report: {outcome.report_path}")
    for line in decision_lines(decide(outcome.results)):
        click.echo(line)
    held = failed_conditions(outcome.results, conditions)
    for text in held:
        click.echo(f"fail-on: {text}", err=True)
    if held:
        sys.exit(1)
    if not outcome.complete:
        sys.exit(INCOMPLETE)
