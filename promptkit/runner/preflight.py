"""Preflight: expand, render and lint a spec into a plan, price it exactly, and gate the spend.

Nothing here talks to a provider. The plan says how many variants and replicates will run, how
many seconds of video that is and what it costs at list price (the price table in
``promptkit.models``, exact ``Decimal`` dollars). Variants whose prompt has lint findings at or
above the spec's ``lint`` gate are skipped before any spend. A plan over budget raises
:class:`~promptkit.errors.BudgetExceeded` (exit 3); spending on the real provider needs ``--yes``
or an interactive confirmation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from promptkit.config import Settings, load_settings
from promptkit.errors import BudgetExceeded
from promptkit.models import TICKS_PER_USD, ticks_to_usd
from promptkit.runner.expand import Expansion, Job, Variant, expand
from promptkit.runner.results import format_usd
from promptkit.runner.spec import EvalSpec

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
GATE_RANK = {"warning": 1, "error": 2}
LINT_FIELDS = ("code", "name", "severity", "message", "help", "line", "column")


class SpendNotConfirmed(BudgetExceeded):
    """Spending real money was not confirmed (no ``--yes`` and no terminal to ask on)."""


@dataclass(frozen=True)
class PlannedJob:
    """A job with its variant's lint findings and, when the gate stops it, why."""

    job: Job
    lint: list[dict[str, Any]] = field(default_factory=list)
    skip_reason: str | None = None


@dataclass
class Plan:
    """What a run will do and what it will cost."""

    spec: EvalSpec
    spec_path: Path
    provider: str
    expansion: Expansion
    jobs: list[PlannedJob]
    budget_usd: Decimal | None = None

    @property
    def runnable(self) -> list[PlannedJob]:
        return [j for j in self.jobs if j.skip_reason is None]

    @property
    def variants(self) -> list[Variant]:
        return self.expansion.variants

    @property
    def skipped_variants(self) -> int:
        return len({j.job.variant.variant_id for j in self.jobs if j.skip_reason})

    @property
    def clip_seconds(self) -> int:
        return sum(j.job.variant.params.duration for j in self.runnable)

    @property
    def cost_ticks(self) -> int:
        return sum(j.job.variant.params.cost_ticks() for j in self.runnable)

    @property
    def cost_usd(self) -> Decimal:
        return ticks_to_usd(self.cost_ticks)

    @property
    def budget_ticks(self) -> int | None:
        if self.budget_usd is None:
            return None
        return int(self.budget_usd * TICKS_PER_USD)

    def describe(self) -> list[str]:
        """The plan as the lines ``promptkit eval`` prints before spending anything."""
        spec = self.spec
        lines = [
            f"eval {spec.name}: {len(self.variants)} variants × {spec.replicates} replicates"
            f" = {len(self.jobs)} clips on {self.provider} ({spec.model})",
        ]
        if self.expansion.arm_by:
            lines.append(f"arms ({self.expansion.arm_by}): {', '.join(self.expansion.arms)}")
        if self.skipped_variants:
            lines.append(
                f"lint gate ({spec.lint}): {self.skipped_variants} variants skipped,"
                f" {len(self.jobs) - len(self.runnable)} clips not generated"
            )
        lines.extend(self.describe_defaults())
        budget = f"${format_usd(self.budget_usd)}" if self.budget_usd is not None else "none"
        lines.append(
            f"to generate: {len(self.runnable)} clips, {self.clip_seconds} clip-seconds,"
            f" estimated cost ${format_usd(self.cost_usd)} (budget {budget})"
        )
        return lines

    def describe_defaults(self) -> list[str]:
        """One line per template whose variants leave variables to its defaults, with them."""
        return describe_defaults(self.variants)

    def describe_prompts(self) -> list[str]:
        """Every variant's final prompt, under a line naming the variant (what a dry run shows)."""
        skips = {j.job.variant.variant_id: j.skip_reason for j in self.jobs if j.skip_reason}
        return describe_prompts(self.variants, skips)


def describe_defaults(variants: list[Variant]) -> list[str]:
    """One line per template whose variants leave variables to its defaults, with them."""
    by_template: dict[str, dict[str, Any]] = {}
    for v in variants:
        if v.defaults:
            by_template.setdefault(v.template or v.label, {}).update(v.defaults)
    return [
        f"{name}: left to template defaults (set them in the spec if they do not fit): "
        + "; ".join(f"{k} = {value!r}" for k, value in defaults.items())
        for name, defaults in by_template.items()
    ]


def describe_prompts(variants: list[Variant], skips: dict[str, str] | None = None) -> list[str]:
    """Every variant's final prompt, indented under a line naming the variant."""
    lines: list[str] = []
    for v in variants:
        name = v.label or v.template or "prompt"
        arm = f", arm {v.arm}" if v.arm is not None and v.arm != name else ""
        params = f"{v.params.duration} s, {v.params.resolution}, {v.params.aspect_ratio}"
        skip = (skips or {}).get(v.variant_id)
        lines.append(
            f"[{v.variant_id}] {name}{arm} ({params})" + (f" — skipped: {skip}" if skip else "")
        )
        lines.extend(f"    {line}" for line in v.prompt.splitlines())
    return lines


def lint_variants(variants: list[Variant], settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Lint findings (``Diagnostic.to_dict()`` fields) of every variant's prompt, by variant id."""
    from promptkit.lint import LintConfig, lint_prompt

    config = LintConfig.from_settings(settings)
    out: dict[str, list[dict[str, Any]]] = {}
    for v in variants:
        diags = lint_prompt(
            v.prompt,
            duration=v.params.duration,
            reference_images=len(v.params.reference_images),
            config=config,
            path=f"{v.label or v.template or 'prompt'}[{v.variant_id}]",
        )
        out[v.variant_id] = [{k: d.to_dict().get(k) for k in LINT_FIELDS} for d in diags]
    return out


def gate_reason(findings: list[dict[str, Any]], gate: str) -> str | None:
    """Why the lint gate stops a variant (None when it passes)."""
    if gate == "off":
        return None
    worst = [f for f in findings if SEVERITY_RANK.get(f.get("severity", ""), 0) >= GATE_RANK[gate]]
    if not worst:
        return None
    codes = ", ".join(dict.fromkeys(str(f.get("code")) for f in worst))
    return f"lint gate ({gate}): {codes}"


def build_plan(
    spec: EvalSpec,
    spec_path: Path,
    *,
    node: yaml.Node | None = None,
    settings: Settings | None = None,
    provider: str | None = None,
    max_cost: Decimal | None = None,
) -> Plan:
    """Expand, render and lint ``spec``; ``max_cost`` replaces the spec's ``budget_usd``."""
    settings = settings or load_settings(spec_path.parent)
    expansion = expand(spec, spec_path, node=node, settings=settings)
    findings = lint_variants(expansion.variants, settings)
    jobs = [
        PlannedJob(
            job,
            findings[job.variant.variant_id],
            gate_reason(findings[job.variant.variant_id], spec.lint),
        )
        for job in expansion.jobs
    ]
    budget = max_cost if max_cost is not None else spec.budget_usd
    return Plan(spec, spec_path, provider or spec.provider, expansion, jobs, budget)


def check_budget(plan: Plan, *, to_spend_ticks: int | None = None, spent_ticks: int = 0) -> None:
    """Refuse (exit 3) when what is spent plus what is left to spend exceeds the budget."""
    if plan.budget_ticks is None:
        return
    planned = plan.cost_ticks if to_spend_ticks is None else to_spend_ticks
    total = spent_ticks + planned
    if total > plan.budget_ticks:
        spent = f" (${format_usd(ticks_to_usd(spent_ticks))} already spent)" if spent_ticks else ""
        raise BudgetExceeded(
            f"the plan costs ${format_usd(ticks_to_usd(planned))}{spent}, over the budget of"
            f" ${format_usd(plan.budget_usd or Decimal(0))}; raise --max-cost or cut"
            " replicates/variants"
        )


def confirm_spend(
    plan: Plan,
    *,
    yes: bool,
    interactive: bool,
    ask: Callable[[str], bool] | None = None,
    to_spend_ticks: int | None = None,
) -> None:
    """Spending on a real provider needs ``--yes`` or a "y" on the terminal."""
    if plan.provider == "sim" or yes:
        return
    ticks = plan.cost_ticks if to_spend_ticks is None else to_spend_ticks
    question = f"Spend up to ${format_usd(ticks_to_usd(ticks))} on {plan.provider}?"
    if not interactive or ask is None:
        raise SpendNotConfirmed(
            f"{question.rstrip('?')} needs confirmation: pass --yes (no terminal to ask on)"
        )
    if not ask(question):
        raise SpendNotConfirmed("spend not confirmed; nothing was submitted")
