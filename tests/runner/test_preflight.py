"""Preflight: exact cost, the lint gate, the budget check and spend confirmation."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from promptkit.errors import BudgetExceeded
from promptkit.runner.preflight import (
    SpendNotConfirmed,
    build_plan,
    check_budget,
    confirm_spend,
    format_usd,
    gate_reason,
)
from promptkit.runner.spec import load_spec


def _plan(path: Path, **kw):  # noqa: ANN003, ANN202
    return build_plan(load_spec(path), path, **kw)


def test_cost_is_exact_list_price_of_every_clip(write_spec: Callable[..., Path]) -> None:
    spec = write_spec(params={"duration": [1, 3], "resolution": ["480p", "720p"]}, replicates=3)
    plan = _plan(spec)
    # 4 variants per template-subject pair: (1 + 3) s at 480p ($0.05/s) and 720p ($0.07/s).
    per_pair = (Decimal("0.05") + Decimal("0.07")) * 4
    assert plan.cost_usd == per_pair * 4 * 3  # 2 templates x 2 subjects, 3 replicates
    assert plan.clip_seconds == 8 * 4 * 3
    assert "estimated cost $5.76" in plan.describe()[-1]


def test_budget_check_refuses_with_exit_code_3(write_spec: Callable[..., Path]) -> None:
    plan = _plan(write_spec(), max_cost=Decimal("0.39"))
    with pytest.raises(BudgetExceeded) as info:
        check_budget(plan)
    assert info.value.exit_code == 3
    assert str(info.value).startswith("the plan costs $0.40, over the budget of $0.39")
    check_budget(_plan(write_spec(), max_cost=Decimal("0.40")))  # exactly at the cap is fine


def test_budget_check_on_resume_counts_what_was_spent(write_spec: Callable[..., Path]) -> None:
    plan = _plan(write_spec(budget_usd=1))
    with pytest.raises(BudgetExceeded, match=r"\$0.60 already spent"):
        check_budget(plan, to_spend_ticks=5_000_000_000, spent_ticks=6_000_000_000)


def test_lint_gate_stops_findings_at_or_above_its_severity() -> None:
    findings = [
        {"code": "PK101", "severity": "warning"},
        {"code": "PK201", "severity": "error"},
        {"code": "PK301", "severity": "info"},
    ]
    assert gate_reason(findings, "error") == "lint gate (error): PK201"
    assert gate_reason(findings, "warning") == "lint gate (warning): PK101, PK201"
    assert gate_reason(findings, "off") is None
    assert gate_reason(findings[:1], "error") is None


def test_simulator_spend_needs_no_confirmation(write_spec: Callable[..., Path]) -> None:
    confirm_spend(_plan(write_spec()), yes=False, interactive=False)


def test_real_spend_needs_yes_or_a_yes_answer(write_spec: Callable[..., Path]) -> None:
    plan = _plan(write_spec(), provider="xai")
    confirm_spend(plan, yes=True, interactive=False)
    asked: list[str] = []
    confirm_spend(plan, yes=False, interactive=True, ask=lambda q: asked.append(q) or True)
    assert asked == ["Spend up to $0.40 on xai?"]
    with pytest.raises(SpendNotConfirmed, match="not confirmed"):
        confirm_spend(plan, yes=False, interactive=True, ask=lambda q: False)
    with pytest.raises(SpendNotConfirmed, match="pass --yes") as info:
        confirm_spend(plan, yes=False, interactive=False)
    assert info.value.exit_code == 3


@pytest.mark.parametrize(
    ("amount", "text"),
    [("0.4", "0.40"), ("4", "4.00"), ("0.0123", "0.0123"), ("12.50", "12.50"), ("0", "0.00")],
)
def test_dollars_are_shown_exactly_with_two_decimals_at_least(amount: str, text: str) -> None:
    assert format_usd(Decimal(amount)) == text


def test_lint_gate_skips_vague_variants_before_any_spend(write_spec: Callable[..., Path]) -> None:
    plan = _plan(write_spec(lint="error"))
    skipped = [pj for pj in plan.jobs if pj.skip_reason]
    assert {pj.job.variant.template for pj in skipped} == {"vague_baseline"}
    assert all(str(pj.skip_reason).startswith("lint gate (error): ") for pj in skipped)
    assert all(any(f["severity"] == "error" for f in pj.lint) for pj in skipped)
    assert len(plan.runnable) == 4 and plan.cost_usd == Decimal("0.20")
    assert "lint gate (error): 2 variants skipped, 4 clips not generated" in plan.describe()


def test_lint_findings_keep_the_diagnostic_fields(write_spec: Callable[..., Path]) -> None:
    plan = _plan(write_spec())
    finding = next(f for pj in plan.jobs for f in pj.lint)
    assert list(finding) == ["code", "name", "severity", "message", "help", "line", "column"]
