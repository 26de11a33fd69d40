"""One eval session, end to end: plan → gate → journal → generate/score → results.json.

:func:`run_eval` is what ``promptkit eval`` calls (and what a library user calls). A session
either starts a run (a new run folder) or continues one (``resume=`` a run folder or id, or the
same spec with the same ``run_id``). The provider is the simulator by default, started
in-process on loopback, or one already running (``sim_url``), or the real xAI API.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from promptkit.config import Settings, load_settings
from promptkit.errors import SpecError, UsageError
from promptkit.models import ticks_to_usd
from promptkit.runner.collect import build_results
from promptkit.runner.expand import Expansion, Job
from promptkit.runner.journal import Journal
from promptkit.runner.layout import DEFAULT_OUT, RunLayout, find_run, new_run_id
from promptkit.runner.preflight import (
    Plan,
    PlannedJob,
    build_plan,
    check_budget,
    confirm_spend,
)
from promptkit.runner.progress import Progress, make_progress
from promptkit.runner.results import RunResults, format_usd, write_results
from promptkit.runner.resume import plan_resume
from promptkit.runner.scheduler import SUBMIT, RunStats, Scheduler, SchedulerOptions
from promptkit.runner.scoring import make_pool, resolve_thresholds
from promptkit.runner.spec import EvalSpec, load_spec_node, read_spec_text, spec_error

# Simulator settings for evals when the spec says nothing: fast and unthrottled enough that a
# small eval finishes in seconds, while still going through real HTTP and real MP4s.
LIMIT_MARGIN = 0.97
EVAL_SIM_DEFAULTS: dict[str, Any] = {"speed": 4.0, "rps": 20.0, "rpm": 1200.0}


@dataclass
class EvalOptions:
    """Everything ``promptkit eval`` can be told besides the spec."""

    provider: str | None = None
    max_cost: Decimal | None = None
    yes: bool = False
    run_id: str | None = None
    out: Path = DEFAULT_OUT
    resume: str | None = None
    resubmit_uncertain: bool = False
    dry_run: bool = False
    sim_url: str | None = None
    interactive: bool = False
    ask: Callable[[str], bool] | None = None
    echo: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))
    progress: Progress | None = None
    settings: Settings | None = None
    score_workers: int | None = None
    argv: list[str] = field(default_factory=list)


@dataclass
class EvalOutcome:
    """What a session did."""

    plan: Plan | None
    layout: RunLayout | None = None
    results: RunResults | None = None
    results_path: Path | None = None
    stats: RunStats | None = None
    complete: bool = False


def run_eval(spec_path: Path | None, options: EvalOptions) -> EvalOutcome:
    """Run (or continue) an eval; raises SpecError (2), BudgetExceeded (3), PromptkitError."""
    layout, spec_path, resuming, spec_text, loaded = _locate(spec_path, options)
    settings = options.settings or load_settings(spec_path.parent)
    spec, node = loaded or load_spec_node(spec_path, spec_text)
    thresholds = _thresholds(settings, spec, spec_path, node)

    journal: Journal | None = None
    if resuming:
        journal = Journal.open(layout.journal)
        meta = journal.meta()
        provider = options.provider or meta.get("provider", spec.provider)
        if provider != meta.get("provider", provider):
            raise UsageError(
                f"run {layout.run_id} was made with provider {meta.get('provider')}; "
                f"it cannot continue on {provider}"
            )
        # The journal holds every job as planned: templates are not rendered again (they may
        # have changed or moved since), so a resume continues exactly the original plan.
        plan = plan_from_journal(journal, spec, spec_path, provider, options.max_cost)
    else:
        provider = options.provider or spec.provider
        plan = build_plan(
            spec, spec_path, node=node, settings=settings, provider=provider,
            max_cost=options.max_cost,
        )  # fmt: skip
    for line in plan.describe():
        options.echo(line)

    if journal is None:
        check_budget(plan)
        if options.dry_run:
            # A dry run spends nothing, so there is nothing to confirm.
            options.echo("dry run: nothing was submitted")
            return EvalOutcome(plan)
        confirm_spend(plan, yes=options.yes, interactive=options.interactive, ask=options.ask)
        layout.create()
        layout.spec.write_text(spec_text, encoding="utf-8")
        journal = Journal.open(layout.journal)
        _write_meta(journal, layout, plan, spec_path, provider)
        journal.add_jobs((pj.job, pj.lint, "skipped" if pj.skip_reason else "planned",
                          pj.skip_reason) for pj in plan.jobs)  # fmt: skip
    try:
        if options.dry_run:
            options.echo("dry run: nothing was submitted")
            return EvalOutcome(plan, layout)
        return _session(
            journal, layout, plan, spec, provider, thresholds, options, settings, resuming
        )
    finally:
        journal.close()


def plan_from_journal(
    journal: Journal,
    spec: EvalSpec,
    spec_path: Path,
    provider: str,
    max_cost: Decimal | None,
) -> Plan:
    """The plan of an existing run, as its journal recorded it."""
    rows = journal.jobs()
    meta = journal.meta()
    variants = list({r.variant.variant_id: r.variant for r in rows}.values())
    jobs = [Job(r.variant, r.replicate) for r in rows]
    expansion = Expansion(variants, jobs, list(meta.get("arms", [])), meta.get("arm_by"))
    planned = [
        PlannedJob(r.job, r.lint, (r.error or "skipped") if r.state == "skipped" else None)
        for r in rows
    ]
    budget = max_cost if max_cost is not None else spec.budget_usd
    return Plan(spec, spec_path, provider, expansion, planned, budget)


def _locate(
    spec_path: Path | None, options: EvalOptions
) -> tuple[RunLayout, Path, bool, str, tuple[EvalSpec, Any] | None]:
    """The run folder, the spec path, whether this continues a run, the spec's text, and the
    spec with its node tree when it was parsed here (None: the caller parses it from the path).
    """
    if options.resume:
        layout = find_run(options.resume, options.out)
        if not layout.exists():
            raise UsageError(f"{options.resume}: no run there (see `promptkit runs`)")
        return layout, layout.spec, True, read_spec_text(layout.spec), None
    if spec_path is None:
        raise UsageError("give a spec file (or --resume RUN)")
    if not spec_path.is_file():
        raise SpecError(f"{spec_path}: no such spec file")
    text = read_spec_text(spec_path)
    loaded = load_spec_node(spec_path, text)
    run_id = options.run_id or new_run_id(loaded[0].name, text)
    layout = RunLayout(Path(options.out) / run_id)
    if layout.exists():
        # Same --run-id again: continue it, but only with the very same spec.
        if layout.spec.read_text(encoding="utf-8") != text:
            raise UsageError(
                f"run {run_id} was made from a different spec; choose another --run-id"
            )
        return layout, layout.spec, True, text, None
    return layout, spec_path, False, text, loaded


def _thresholds(settings: Settings, spec: EvalSpec, spec_path: Path, node: Any) -> dict[str, Any]:
    try:
        return resolve_thresholds(settings, spec.thresholds)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        key = str(err.get("loc", ("?",))[0])
        raise spec_error(spec_path, node, ("thresholds", key), str(err.get("msg"))) from None


def _write_meta(
    journal: Journal, layout: RunLayout, plan: Plan, spec_path: Path, provider: str
) -> None:
    spec = plan.spec
    journal.set_meta(
        {
            "run_id": layout.run_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "spec_path": str(spec_path),
            "spec": spec.model_dump(mode="json"),
            "provider": provider,
            "model": spec.model,
            "budget_usd": str(plan.budget_usd) if plan.budget_usd is not None else None,
            "arms": plan.expansion.arms,
            "arm_by": plan.expansion.arm_by,
            "status": "planned",
        }
    )


def _session(
    journal: Journal,
    layout: RunLayout,
    plan: Plan,
    spec: EvalSpec,
    provider: str,
    thresholds: dict[str, Any],
    options: EvalOptions,
    settings: Settings,
    resuming: bool,
) -> EvalOutcome:
    stages = plan_resume(journal, layout, resubmit_uncertain=options.resubmit_uncertain)
    spent = journal.spend_ticks()
    to_submit = [row for row, stage in stages if stage == SUBMIT]
    if resuming:
        remaining = sum(r.variant.params.cost_ticks() for r in to_submit)
        check_budget(plan, to_spend_ticks=remaining, spent_ticks=spent)
        if to_submit:
            confirm_spend(
                plan, yes=options.yes, interactive=options.interactive, ask=options.ask,
                to_spend_ticks=remaining,
            )  # fmt: skip
        left = sum(1 for _, stage in stages if stage is not None)
        options.echo(
            f"resuming {layout.run_id}: {left} jobs to continue ({len(to_submit)} to submit),"
            f" ${format_usd(ticks_to_usd(spent))} spent so far"
        )
        journal.event("resume", " ".join(options.argv))
    budget = plan.budget_ticks
    sched_options = SchedulerOptions(
        concurrency=spec.concurrency,
        budget_ticks=budget,
        user_prefix=f"{layout.run_id}/",
        thresholds=thresholds,
    )
    session = journal.start_session(options.argv)
    # "open" until the session ends: running now, or killed (then `--resume` continues it).
    journal.set_meta({"status": "open"})
    started = time.monotonic()
    progress = options.progress or make_progress()
    stats: RunStats | None = None
    try:
        with _client_config(spec, provider, options, settings) as config:
            poll = replace(config.poll, **spec.polling.overrides())
            sched_options.poll = poll
            stats = asyncio.run(
                _drive(journal, layout, config, sched_options, progress, stages, options)
            )
    finally:
        journal.end_session(session, time.monotonic() - started)
        rows = journal.jobs()
        open_states = {"planned", "submitting", "submitted", "done", "downloaded", "error"}
        complete = not any(r.state in open_states for r in rows)
        journal.set_meta(
            {
                "status": "complete" if complete else "incomplete",
                "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
        )
        results = build_results(journal, layout, finished=complete)
        path = write_results(layout.root, results)
    return EvalOutcome(plan, layout, results, path, stats, complete)


async def _drive(
    journal: Journal,
    layout: RunLayout,
    config: Any,
    sched_options: SchedulerOptions,
    progress: Progress,
    stages: list[Any],
    options: EvalOptions,
) -> RunStats:
    from promptkit.client import VideoClient

    pool = make_pool(options.score_workers)
    try:
        async with VideoClient(config) as client:
            scheduler = Scheduler(
                journal, layout, client, sched_options, progress=progress, pool=pool
            )
            return await scheduler.run(stages)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _client_config(
    spec: EvalSpec, provider: str, options: EvalOptions, settings: Settings
) -> Iterator[Any]:
    """The client settings for the provider, starting the simulator when needed."""
    from promptkit.client import ClientConfig

    if provider == "xai":
        yield ClientConfig.from_env(settings).require_api_key()
        return
    if options.sim_url:
        # A simulator someone else runs: never send it the real key (XAI_API_KEY).
        from promptkit.sim.server import client_key

        key = client_key(settings)
        # Its limits are unknown to us: settings win, else the spec's sim block says what to expect.
        client = settings.section("client")
        limits = {k: spec.sim[k] for k in ("rps", "rpm") if k not in client and spec.sim.get(k)}
        if "rpm" in limits:
            limits["rpm"] = int(limits["rpm"])
        yield ClientConfig.from_env(settings, base_url=options.sim_url, api_key=key, **limits)
        return
    from promptkit.sim import SimServer
    from promptkit.sim.config import build_config

    # The spec's sim block was checked when the spec was loaded (before the run folder existed).
    sim_config = build_config(**{**EVAL_SIM_DEFAULTS, **spec.sim})
    with SimServer(sim_config) as server:
        yield ClientConfig.from_env(
            settings,
            base_url=server.base_url,
            api_key=server.api_key,
            # The simulator's limits are the provider's: the client keeps a little under them,
            # since requests spaced exactly 1/rps apart can arrive closer (and earn a 429).
            rps=(sim_config.rps or 1000.0) * LIMIT_MARGIN,
            rpm=max(1, int((sim_config.rpm or 60000) * LIMIT_MARGIN)),
        )
