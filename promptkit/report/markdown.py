"""``summary.md``: the short version of a run, made to paste into a pull-request comment as is.

It opens with the decision (which arm is best on the primary measure, with its interval and the
sample-size caveat) and the compact arm table, then verdict counts, the camera confusion matrix
when the run varies the camera, the pairwise A/B table and the worst variants. It links no local
file: a pull request cannot show them. Given a ``base_url`` (where the run folder is published),
thumbnails and the full report are linked under it. Text from ``results.json`` is escaped for
Markdown tables (pipes, newlines, HTML-significant characters) so a prompt cannot break the table
or inject markup into a rendered comment.
"""

from __future__ import annotations

from urllib.parse import quote

from promptkit.report import fmt
from promptkit.report.ab import ABAnalysis
from promptkit.report.clips import Variant, verdict_counts, worst_variants
from promptkit.report.confusion import Confusion
from promptkit.report.decision import Decision, table
from promptkit.report.glossary import BY_KEY
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


def decision_block(decision: Decision) -> list[str]:
    """The sentence and the compact arm table that head summary.md."""
    lines = [f"**{cell(decision.sentence)}**", ""]
    header, rows = table(decision)
    if rows:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|---:|---|" + "---:|" * (len(header) - 2))
        lines += ["| " + " | ".join(cell(x) for x in row) + " |" for row in rows]
        lines += [
            "",
            f"Motionless rate: {BY_KEY['motionless'].short}. Frozen rate: "
            f"{BY_KEY['frozen'].short}. Adherence: {BY_KEY['adherence'].short}. Intervals are "
            "Wilson 95% (rates) and bootstrap 95% (motion, in short sides per second).",
        ]
    return lines


def confusion_table(confusion: Confusion) -> list[str]:
    head = "| Requested \\ measured | " + " | ".join(cell(c) for c in confusion.columns)
    lines = [head + " | Camera adherence |", "|---|" + "---:|" * (len(confusion.columns) + 1)]
    for row in confusion.rows:
        counts = [
            f"**{row.counts[c]}**" if c in row.matches and row.counts[c] else str(row.counts[c])
            for c in confusion.columns
        ]
        rate = f"{row.matched}/{row.total} · {fmt.rate_ci(row.rate)}" if row.checkable else "—"
        lines.append(f"| {cell(row.requested)} | " + " | ".join(counts) + f" | {rate} |")
    lines += ["", "Bold: clips whose measured camera move counts as the one asked for."]
    return lines


def ab_table(ab: ABAnalysis) -> list[str]:
    lines = [
        "| Comparison | Motionless diff (95% CI) | Frozen diff (95% CI) | p | Motion diff (95% CI) "
        "| p | Cliff's δ |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for c in ab.comparisons:
        rp = c.rate_p_holm if ab.holm else c.rate_p
        mp = c.motion_p_holm if ab.holm else c.motion_p
        lines.append(
            f"| {cell(c.b)} − {cell(c.a)} | {fmt.diff_ci(c.motionless_diff)} "
            f"| {fmt.diff_ci(c.rate_diff)} | {fmt.pvalue(rp)} "
            f"| {fmt.mean_ci(c.motion_diff, True)} | {fmt.pvalue(mp)} | {fmt.delta(c.delta)} |"
        )
    if ab.holm:
        lines += ["", "p-values are Holm-adjusted (more than two arms)."]
    notes: dict[str, list[str]] = {}
    for c in ab.comparisons:
        for n in c.notes:
            notes.setdefault(n, []).append(f"{cell(c.b)} vs {cell(c.a)}")
    for n, pairs in notes.items():
        who = pairs[0] if len(pairs) == 1 else f"{len(pairs)} comparisons"
        lines.append(f"- {who}: {cell(n)}")
    for p in ab.paired:
        lines.append(
            f"- Paired {cell(p.b)} − {cell(p.a)} ({p.pairs} matched clips): "
            f"McNemar p {fmt.pvalue(p.mcnemar_p)}, motion {fmt.mean_ci(p.motion_diff, True)} "
            f"(sign-flip p {fmt.pvalue(p.motion_p)})"
        )
    return lines


def _link(base_url: str, rel: str) -> str:
    return base_url.rstrip("/") + "/" + quote(rel)


def render_summary(
    results: RunResults,
    variants: list[Variant],
    ab: ABAnalysis | None,
    decision: Decision,
    confusion: Confusion | None = None,
    base_url: str | None = None,
) -> str:
    """The complete ``summary.md`` text of a run (images and links only under ``base_url``)."""
    lines = [f"## promptkit run `{cell(results.run_id)}`", "", *decision_block(decision)]
    lines += [
        "",
        f"{cell(results.provider)} · {cell(results.model)} · {results.summary.jobs} jobs · "
        f"cost {fmt.usd_text(results.summary.cost_usd)} · spec `{cell(results.spec_path)}`",
        "",
        "| Verdict | Clips |",
        "|---|---:|",
    ]
    counts = verdict_counts(results.clips)
    lines += [f"| {cell(v)} | {n} |" for v, n in counts] or ["| (none scored) | 0 |"]
    if confusion is not None:
        lines += ["", "### Camera: requested against measured", ""] + confusion_table(confusion)
    if ab is not None:
        lines += ["", "### A/B comparisons", ""] + ab_table(ab)
    worst = [v for v in worst_variants(variants) if v.frozen or v.worst_verdict != "ok"]
    if worst:
        pictures = base_url is not None
        lines += ["", "### Worst variants", ""]
        lines.append(("| | " if pictures else "| ") + "Variant | Verdict | Motion | Prompt |")
        lines.append(("|---|" if pictures else "|") + "---|---|---:|---|")
        for v in worst:
            thumb = v.thumbnail
            rate = f"{v.frozen}/{len(v.measured)} frozen" if v.measured else v.worst_verdict
            image = ""
            if pictures:
                link = _link(base_url, thumb) if base_url and thumb else ""
                image = f"| ![thumbnail of {cell(v.variant_id)}]({link}) " if link else "| "
            lines.append(
                f"{image}| `{cell(v.variant_id)}` | {cell(rate)} "
                f"| {fmt.num(v.mean_motion)} | {cell(_short(v.first.prompt))} |"
            )
    if base_url:
        lines += ["", f"Full report: [index.html]({_link(base_url, 'index.html')})", ""]
    else:
        lines += ["", "Full report: `index.html` in the run folder.", ""]
    return "\n".join(lines)
