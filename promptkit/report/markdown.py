"""``summary.md``: the short version of a run for a pull-request comment.

Verdict counts, the A/B table and the worst variants with thumbnails by relative path. Text from
``results.json`` is escaped for Markdown tables (pipes, newlines, HTML-significant characters)
so a prompt cannot break the table or inject markup into a rendered comment.
"""

from __future__ import annotations

from urllib.parse import quote

from promptkit.report import fmt
from promptkit.report.ab import ABAnalysis
from promptkit.report.clips import Variant, verdict_counts, worst_variants
from promptkit.runner.results import RunResults

PROMPT_CHARS = 120


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell (and inert as HTML)."""
    value = str(text).replace("\r", " ").replace("\n", " ")
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("|", "\\|").replace("`", "\\`").replace("[", "\\[").replace("]", "\\]")


def _short(text: str, limit: int = PROMPT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ab_table(ab: ABAnalysis) -> list[str]:
    lines = [
        "| Arm | Measured | Frozen rate (95% CI) | Mean motion (95% CI) |",
        "|---|---:|---:|---:|",
    ]
    for a in ab.arms:
        lines.append(
            f"| {cell(a.arm)} | {a.measured} | {fmt.rate_ci(a.rate)} | {fmt.mean_ci(a.motion)} |"
        )
    lines += [
        "",
        "| Comparison | Frozen rate diff (95% CI) | p | Motion diff (95% CI) | p |",
        "|---|---:|---:|---:|---:|",
    ]
    for c in ab.comparisons:
        rp = c.rate_p_holm if ab.holm else c.rate_p
        mp = c.motion_p_holm if ab.holm else c.motion_p
        lines.append(
            f"| {cell(c.b)} − {cell(c.a)} | {fmt.diff_ci(c.rate_diff)} | {fmt.pvalue(rp)} "
            f"| {fmt.mean_ci(c.motion_diff, True)} | {fmt.pvalue(mp)} |"
        )
    if ab.holm:
        lines += ["", "p-values are Holm-adjusted (more than two arms)."]
    for c in ab.comparisons:
        lines += [f"- {cell(c.b)} vs {cell(c.a)}: {cell(n)}" for n in c.notes]
    for p in ab.paired:
        lines.append(
            f"- Paired {cell(p.b)} − {cell(p.a)} ({p.pairs} matched clips): "
            f"McNemar p {fmt.pvalue(p.mcnemar_p)}, motion {fmt.mean_ci(p.motion_diff, True)} "
            f"(sign-flip p {fmt.pvalue(p.motion_p)})"
        )
    return lines


def render_summary(results: RunResults, variants: list[Variant], ab: ABAnalysis | None) -> str:
    """The complete ``summary.md`` text of a run."""
    lines = [
        f"## promptkit run `{cell(results.run_id)}`",
        "",
        f"{cell(results.provider)} · {cell(results.model)} · {results.summary.jobs} jobs · "
        f"cost {fmt.usd_text(results.summary.cost_usd)} · spec `{cell(results.spec_path)}`",
        "",
        "| Verdict | Clips |",
        "|---|---:|",
    ]
    counts = verdict_counts(results.clips)
    lines += [f"| {cell(v)} | {n} |" for v, n in counts] or ["| (none scored) | 0 |"]
    if ab is not None:
        lines += ["", "### A/B", ""] + ab_table(ab)
    worst = [v for v in worst_variants(variants) if v.frozen or v.worst_verdict != "ok"]
    if worst:
        lines += ["", "### Worst variants", "", "| | Variant | Verdict | Motion | Prompt |"]
        lines.append("|---|---|---|---:|---|")
        for v in worst:
            thumb = v.thumbnail
            image = f"![thumbnail of {cell(v.variant_id)}]({quote(thumb)})" if thumb else ""
            rate = f"{v.frozen}/{len(v.measured)} frozen" if v.measured else v.worst_verdict
            lines.append(
                f"| {image} | `{cell(v.variant_id)}` | {cell(rate)} "
                f"| {fmt.num(v.mean_motion)} | {cell(_short(v.first.prompt))} |"
            )
    lines += ["", "Full report: `index.html` in the run folder.", ""]
    return "\n".join(lines)
