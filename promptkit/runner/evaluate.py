"""One eval session, end to end: plan → gate → lock → journal → generate/score → results.json.

:func:`run_eval` is what ``promptkit eval`` calls (and what a library user calls). A session
either starts a run (a new run folder) or continues one (``resume=`` a run folder or id, or the
same spec with the same ``run_id``). The provider is the simulator by default, started
in-process on loopback with its job store in the run folder, or one already running
(``sim_url``), or the real xAI API (see :mod:`promptkit.runner.provider`).

Everything that writes the run folder happens under its lock (:mod:`promptkit.runner.lock`),
report included, so two commands never write one run at once.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from promptkit.config import Settings, load_settings
from promptkit.errors import RunInUse, SpecError, StorageError, UsageError
from promptkit.models import ticks_to_usd
from promptkit.runner.collect import build_results
from promptkit.runner.expand import Expansion, Job
from promptkit.runner.journal import Journal
from promptkit.runner.layout import DEFAULT_OUT, RunLayout, check_run_id, find_run, new_run_id
from promptkit.runner.lock import RunLock
from promptkit.runner.preflight import Plan, PlannedJob, build_plan, check_budget, confirm_spend
from promptkit.runner.progress import Progress, make_progress
from promptkit.runner.provider import Provider, open_provider
from promptkit.runner.results import RunResults, format_usd, write_results
from promptkit.runner.resume import plan_resume
from promptkit.runner.scheduler import SUBMIT, RunStats, Scheduler, SchedulerOptions
from promptkit.runner.scoring import make_pool, resolve_thresholds
from promptkit.runner.spec import EvalSpec, load_spec_node, read_spec_text, spec_error

# States a job can still leave: a run with any of them left is incomplete. "uncertain" is one:
# until it is settled (resubmitted or skipped) the run may owe, or have paid for, a clip.
OPEN_STATES = frozenset(
    {"planned", "submitting", "submitted", "done", "downloaded", "error", "uncertain"}
)


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
    skip_uncertain: bool = False
    dry_run: bool = False
    sim_url: str | None = None
    interactive: bool = False
    ask: Callable[[str], bool] | None = None
    echo: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))
    progress: Progress | None = None
    settings: Settings | None = None
    score_workers: int | None = None
    argv: list[str] = field(default_factory=list)
    report: Callable[[Path], Path] | None = None
    """Writes the report of the run folder it is given; called while the run lock is held."""


@dataclass
class EvalOutcome:
    """What a session did."""

    plan: Plan | None
    layout: RunLayout | None = None
    results: RunResults | None = None
    results_path: Path | None = None
    stats: RunStats | None = None
    complete: bool = False
    report_path: Path | None = None


def run_eval(spec_path: Path | None, options: EvalOptions) -> EvalOutcome:
    """Run (or continue) an eval; raises SpecError (2), BudgetExceeded (3), PromptkitError."""
    layout, spec_path, resuming, spec_text, loaded = _locate(spec_path, options)
    settings = options.settings or load_settings(spec_path.parent)
    spec, node = loaded or load_spec_node(spec_path, spec_text)
    thresholds = _thresholds(settings, spec, spec_path, node)

    if not resuming:
        provider = options.provider or spec.provider
        plan = build_plan(
            spec, spec_path, node=node, settings=settings, provider=provider,
            max_cost=options.max_cost,
        )  # fmt: skip
        for line in plan.describe():
            options.echo(line)
        check_budget(plan)
        if options.dry_run:
            # A dry run spends nothing, so there is nothing to confirm.
            options.echo("dry run: nothing was submitted")
            return EvalOutcome(plan)
        confirm_spend(plan, yes=options.yes, interactive=options.interactive, ask=options.ask)
    elif options.dry_run:
        # Only reads the journal: no lock, so a running session can be looked at.
        with Journal.open(layout.journal) as journal:
            provider, plan = _resumed_plan(journal, layout, spec, spec_path, options)
        for line in plan.describe():
            options.echo(line)
        options.echo("dry run: nothing was submitted")
        return EvalOutcome(plan, layout)

    with RunLock(layout.root) as lock:
        if resuming:
            journal = Journal.open(layout.journal)
            try:
                provider, plan = _resumed_plan(journal, layout, spec, spec_path, options)
            except BaseException:
                journal.close()
                raise
            for line in plan.describe():
                options.echo(line)
        else:
            journal = _start_run(layout, spec_text, plan, spec_path, provider, options)
        try:
            if lock.stale is not None:
                journal.event("stale-lock", f"pid {lock.stale.pid} ended without releasing it")
            outcome = _session(
                journal, layout, plan, spec, provider, thresholds, options, settings, resuming
            )
        finally:
            journal.close()
        if options.report is not None and outcome.results is not None:
            outcome.report_path = options.report(layout.root)
        return outcome


def _resumed_plan(
    journal: Journal, layout: RunLayout, spec: EvalSpec, spec_path: Path, options: EvalOptions
) -> tuple[str, Plan]:
    meta = journal.meta()
    provider = options.provider or meta.get("provider", spec.provider)
    if provider != meta.get("provider", provider):
        raise UsageError(
            f"run {layout.run_id} was made with provider {meta.get('provider')}; "
            f"it cannot continue on {provider}"
        )
    # The journal holds every job as planned: templates are not rendered again (they may
    # have changed or moved since), so a resume continues exactly the original plan.
    return provider, plan_from_journal(journal, spec, spec_path, provider, options.max_cost)


def _start_run(
    layout: RunLayout,
    spec_text: str,
    plan: Plan,
    spec_path: Path,
    provider: str,
    options: EvalOptions,
) -> Journal:
    """Create the run folder, its spec copy and its journal with every planned job."""
    if layout.exists():
        # Another process made this run between our look and our lock: it is theirs.
        raise RunInUse(
            f"run {layout.run_id} was started by another process meanwhile; run the same "
            "command again to continue it"
        )
    try:
        layout.create()
        layout.spec.write_text(spec_text, encoding="utf-8")
    except OSError as exc:
        raise StorageError(f"{layout.root}: cannot create the run: {exc.strerror}") from exc
    journal = Journal.open(layout.journal)
    try:
        _write_meta(journal, layout, plan, spec_path, provider, options)
        journal.add_jobs((pj.job, pj.lint, "skipped" if pj.skip_reason else "planned",
                          pj.skip_reason) for pj in plan.jobs)  # fmt: skip
    except BaseException:
        journal.close()
        raise
    return journal


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
    if options.run_id is not None:
        check_run_id(options.run_id)
    if not spec_path.is_file():
        raise SpecError(f"{spec_path}: no such spec file")
    text = read_spec_text(spec_path)
    loaded = load_spec_node(spec_path, text)
    run_id = options.run_id or new_run_id(loaded[0].name, text)
    layout = RunLayout(Path(options.out) / run_id)
    if layout.exists():
        # Same --run-id again: continue it, but only with the very same spec.
        try:
            same = layout.spec.read_text(encoding="utf-8") == text
        except (OSError, UnicodeDecodeError):
            same = False
        if not same:
            raise UsageError(
                f"run {run_id} was made from a different spec; choose another --run-id"
            )
        return layout, layout.spec, True, text, None
    foreign = layout.foreign()
    if foreign:
        raise UsageError(
            f"{layout.root} exists and is not a run folder (it holds {foreign[0]!r}); choose "
            "another --run-id"
        )
    return layout, spec_path, False, text, loaded


def _thresholds(settings: Settings, spec: EvalSpec, spec_path: Path, node: Any) -> dict[str, Any]:
    try:
        return resolve_thresholds(settings, spec.thresholds)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        key = str(err.get("loc", ("?",))[0])
        raise spec_error(spec_path, node, ("thresholds", key), str(err.get("msg"))) from None


def _write_meta(
    journal: Journal,
    layout: RunLayout,
    plan: Plan,
    spec_path: Path,
    provider: str,
    options: EvalOptions,
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
            # True while every session used the built-in simulator (its job store is ours).
            "sim_builtin": provider == "sim" and not options.sim_url,
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
    removed = layout.clean_leftovers()
    if removed:
        journal.event("cleanup", f"removed {len(removed)} temporary files a killed session left")
    builtin = provider == "sim" and not options.sim_url
    if not builtin:
        journal.set_meta({"sim_builtin": False})
    # Room kept back so the journal can still record answers if the disk fills up mid-run.
    layout.keep_reserve()
    journal.on_full = layout.release_reserve
    stats: RunStats | None = None
    session: int | None = None
    started = time.monotonic()
    failure: BaseException | None = None
    results: RunResults | None = None
    path: Path | None = None
    complete = False
    try:
        with open_provider(spec, provider, settings, layout, options.sim_url) as source:
            stages = _plan_session(journal, layout, plan, options, source, resuming)
            session = journal.start_session(options.argv)
            # "open" until the session ends: running now, or killed (then `--resume` continues).
            journal.set_meta({"status": "open"})
            stats = _run(journal, layout, source.config, spec, thresholds, options, stages, plan)
    except BaseException as exc:
        failure = exc
        raise
    finally:
        try:
            complete, results, path = _close(journal, layout, session, started)
        except StorageError:
            if failure is None:
                raise  # else the first error is the one to report
        layout.release_reserve()
    return EvalOutcome(plan, layout, results, path, stats, complete)


def _plan_session(
    journal: Journal,
    layout: RunLayout,
    plan: Plan,
    options: EvalOptions,
    source: Provider,
    resuming: bool,
) -> list[Any]:
    """Where each job restarts, after the budget check and (for money) the confirmation."""
    settle = source.lookup if journal.meta().get("sim_builtin") else None
    stages = plan_resume(
        journal,
        layout,
        resubmit_uncertain=options.resubmit_uncertain,
        skip_uncertain=options.skip_uncertain,
        lookup=settle,
        user_prefix=f"{layout.run_id}/",
        fresh_urls=source.builtin and resuming,
    )
    if resuming:
        spent = journal.spend_ticks()
        to_submit = [row for row, stage in stages if stage == SUBMIT]
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
    return stages


def _run(
    journal: Journal,
    layout: RunLayout,
    config: Any,
    spec: EvalSpec,
    thresholds: dict[str, Any],
    options: EvalOptions,
    stages: list[Any],
    plan: Plan,
) -> RunStats:
    sched_options = SchedulerOptions(
        concurrency=spec.concurrency,
        budget_ticks=plan.budget_ticks,
        user_prefix=f"{layout.run_id}/",
        thresholds=thresholds,
        poll=replace(config.poll, **spec.polling.overrides()),
    )
    progress = options.progress or make_progress()
    return asyncio.run(_drive(journal, layout, config, sched_options, progress, stages, options))


def _close(
    journal: Journal, layout: RunLayout, session: int | None, started: float
) -> tuple[bool, RunResults, Path]:
    """End the session in the journal and write ``results.json`` (the run's status with it)."""
    if session is not None:
        journal.end_session(session, time.monotonic() - started)
    complete = not any(r.state in OPEN_STATES for r in journal.jobs())
    journal.set_meta(
        {
            "status": "complete" if complete else "incomplete",
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    )
    results = build_results(journal, layout, finished=complete)
    try:
        path = write_results(layout.root, results)
    except OSError as exc:
        raise StorageError(f"{layout.results}: cannot write the results: {exc.strerror}") from exc
    return complete, results, path


def unfinished(results: RunResults, run: Path) -> list[str]:
    """What is left of an incomplete run and what to do about it, one line each."""
    by = results.summary.by_status
    lines = []
    uncertain = by.get("uncertain", 0)
    if uncertain:
        lines.append(
            f"{uncertain} submits are uncertain: the provider may have accepted (and billed) "
            f"them. Look for user '{results.run_id}/<job_id>' in the provider's console; then "
            f"resume with --resubmit-uncertain to send them again (may pay twice) or "
            f"--skip-uncertain to give them up"
        )
    waiting = sum(by.get(s, 0) for s in OPEN_STATES - {"uncertain"})
    if waiting:
        lines.append(f"{waiting} jobs are not finished (pending, failed to fetch, or not sent yet)")
    lines.append(f"continue with `promptkit eval --resume {run}`")
    return lines


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
