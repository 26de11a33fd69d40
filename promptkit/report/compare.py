"""Compare two runs: "did my template change help?"

Variants of run A and run B are matched by ``variant_id``; variants left over are matched by
template name, variables and parameters (so an edited template, whose prompts and ids changed,
still lines up with its old self). For every matched variant the frozen rate and mean motion of
both runs are set side by side with the difference B − A and its interval; over all matched
variants the same comparison is made on the pooled clips (with the minimum-detectable-effect
sentence) and, paired by variant, on the per-variant differences. The comparison folder gets an
``index.html`` and a ``summary.md``; pictures are linked from the run folders by relative path.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from promptkit.report import fmt, stats
from promptkit.report.ab import ArmStats, Comparison, arm_stats, compare_arms
from promptkit.report.clips import Variant, group_variants
from promptkit.report.html import render_template
from promptkit.report.markdown import cell
from promptkit.report.reader import read_results, results_path
from promptkit.runner.results import RunResults, write_text_atomic


@dataclass
class MatchedVariant:
    a: Variant
    b: Variant
    matched_by: str
    rate_diff: stats.Estimate | None
    motion_diff: stats.Estimate | None
    thumb_a: str | None = None
    thumb_b: str | None = None

    @property
    def label(self) -> str:
        return self.a.first.template or "prompt"


@dataclass
class RunComparison:
    a: RunResults
    b: RunResults
    matched: list[MatchedVariant]
    only_a: list[Variant]
    only_b: list[Variant]
    overall: Comparison | None
    arm_a: ArmStats | None
    arm_b: ArmStats | None
    paired_motion: stats.Estimate | None
    paired_motion_p: float | None
    paired_rate: stats.Estimate | None
    paired_rate_p: float | None


def fallback_key(variant: Variant) -> str:
    first = variant.first
    return json.dumps(
        [first.template, first.variables, first.params], sort_keys=True, ensure_ascii=False
    )


def match_variants(
    a: list[Variant], b: list[Variant]
) -> tuple[list[tuple[Variant, Variant, str]], list[Variant], list[Variant]]:
    """Pairs ``(a, b, how)``, then the variants of A and of B that found no partner."""
    by_id = {v.variant_id: v for v in b}
    pairs: list[tuple[Variant, Variant, str]] = []
    left_a: list[Variant] = []
    used: set[str] = set()
    for va in a:
        vb = by_id.get(va.variant_id)
        if vb is not None:
            pairs.append((va, vb, "id"))
            used.add(vb.variant_id)
        else:
            left_a.append(va)
    by_key: dict[str, Variant] = {}
    for vb in b:
        if vb.variant_id not in used:
            by_key.setdefault(fallback_key(vb), vb)
    only_a = []
    for va in left_a:
        vb = by_key.pop(fallback_key(va), None)
        if vb is None:
            only_a.append(va)
        else:
            pairs.append((va, vb, "template+variables+params"))
            used.add(vb.variant_id)
    only_b = [vb for vb in b if vb.variant_id not in used]
    return pairs, only_a, only_b


def _thumb(variant: Variant, prefix: str) -> str | None:
    return None if variant.thumbnail is None else prefix + variant.thumbnail


def _prefix(run_dir: Path, out: Path) -> str:
    rel = os.path.relpath(run_dir.resolve(), out.resolve()).replace(os.sep, "/")
    return "" if rel == "." else rel + "/"


def _paired(
    pairs: list[tuple[float | None, float | None]], seed: int
) -> tuple[stats.Estimate | None, float | None]:
    """Mean of the per-variant differences b − a (bootstrap interval) and its sign-flip p."""
    both = [(x, y) for x, y in pairs if x is not None and y is not None]
    before = [x for x, _ in both]
    after = [y for _, y in both]
    diffs = [y - x for x, y in both]
    return (
        stats.bootstrap_mean(diffs, seed=seed),
        stats.paired_permutation_pvalue(after, before, seed=seed),
    )


def build_comparison(
    a: RunResults, b: RunResults, prefix_a: str = "", prefix_b: str = "", seed: int = 0
) -> RunComparison:
    """All numbers of a comparison of run ``b`` against run ``a``."""
    pairs, only_a, only_b = match_variants(group_variants(a), group_variants(b))
    matched = []
    for va, vb, how in pairs:
        matched.append(
            MatchedVariant(
                a=va,
                b=vb,
                matched_by=how,
                rate_diff=stats.newcombe_difference(
                    vb.frozen, len(vb.measured), va.frozen, len(va.measured)
                ),
                motion_diff=stats.bootstrap_mean_difference(vb.motions, va.motions, seed=seed),
                thumb_a=_thumb(va, prefix_a),
                thumb_b=_thumb(vb, prefix_b),
            )
        )
    overall = arm_a = arm_b = None
    paired_motion = paired_rate = None
    paired_motion_p = paired_rate_p = None
    if matched:
        arm_a = arm_stats(a.run_id, [c for m in matched for c in m.a.clips], seed)
        arm_b = arm_stats(b.run_id, [c for m in matched for c in m.b.clips], seed)
        overall = compare_arms(arm_a, arm_b, seed)
        paired_motion, paired_motion_p = _paired(
            [(m.a.mean_motion, m.b.mean_motion) for m in matched], seed
        )
        paired_rate, paired_rate_p = _paired(
            [(m.a.frozen_rate, m.b.frozen_rate) for m in matched], seed
        )
    return RunComparison(
        a=a,
        b=b,
        matched=matched,
        only_a=only_a,
        only_b=only_b,
        overall=overall,
        arm_a=arm_a,
        arm_b=arm_b,
        paired_motion=paired_motion,
        paired_motion_p=paired_motion_p,
        paired_rate=paired_rate,
        paired_rate_p=paired_rate_p,
    )


def render_compare_markdown(cmp: RunComparison) -> str:
    lines = [
        f"## promptkit compare `{cell(cmp.a.run_id)}` → `{cell(cmp.b.run_id)}`",
        "",
        f"{len(cmp.matched)} matched variants; {len(cmp.only_a)} only in A, "
        f"{len(cmp.only_b)} only in B. Differences are B − A.",
        "",
    ]
    if cmp.overall is not None and cmp.arm_a is not None and cmp.arm_b is not None:
        o = cmp.overall
        lines += [
            "| | A | B | B − A (95% CI) | p |",
            "|---|---:|---:|---:|---:|",
            f"| Frozen rate | {fmt.rate_ci(cmp.arm_a.rate)} | {fmt.rate_ci(cmp.arm_b.rate)} "
            f"| {fmt.diff_ci(o.rate_diff)} | {fmt.pvalue(o.rate_p)} |",
            f"| Mean motion | {fmt.mean_ci(cmp.arm_a.motion)} | {fmt.mean_ci(cmp.arm_b.motion)} "
            f"| {fmt.mean_ci(o.motion_diff, True)} | {fmt.pvalue(o.motion_p)} |",
            "",
        ]
        lines += [f"- {cell(n)}" for n in o.notes]
        lines.append(
            f"- Paired by variant: motion {fmt.mean_ci(cmp.paired_motion, True)} "
            f"(sign-flip p {fmt.pvalue(cmp.paired_motion_p)})"
        )
        lines += ["", "| Variant | Frozen A | Frozen B | Diff | Motion A | Motion B | Diff |"]
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for m in cmp.matched:
            lines.append(
                f"| `{cell(m.a.variant_id)}` {cell(m.label)} | {m.a.frozen}/{len(m.a.measured)} "
                f"| {m.b.frozen}/{len(m.b.measured)} | {fmt.diff_ci(m.rate_diff)} "
                f"| {fmt.num(m.a.mean_motion)} | {fmt.num(m.b.mean_motion)} "
                f"| {fmt.mean_ci(m.motion_diff, True)} |"
            )
    else:
        lines.append("No variant of A matches a variant of B: nothing to compare.")
    lines.append("")
    return "\n".join(lines)


def compare_runs(run_a: Path, run_b: Path, out: Path | None = None, seed: int = 0) -> Path:
    """Write the comparison of run B against run A; return the path of its ``index.html``.

    ``out`` defaults to ``compare-<a>-vs-<b>`` beside run A's folder.
    """
    path_a, path_b = results_path(Path(run_a)), results_path(Path(run_b))
    a, b = read_results(path_a), read_results(path_b)
    dir_a, dir_b = path_a.parent, path_b.parent
    out = Path(out) if out is not None else dir_a.parent / f"compare-{a.run_id}-vs-{b.run_id}"
    out.mkdir(parents=True, exist_ok=True)
    cmp = build_comparison(a, b, _prefix(dir_a, out), _prefix(dir_b, out), seed)
    write_text_atomic(out / "summary.md", render_compare_markdown(cmp))
    index = out / "index.html"
    write_text_atomic(index, render_template("compare.html.j2", cmp=cmp))
    return index
