"""Turn a run's journal into its ``results.json`` records and summary.

The journal is the truth; ``results.json`` is a rendering of it, rewritten after every session
and by ``rescore``, so it can always be rebuilt from the run folder.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable

from promptkit.models import ticks_to_usd
from promptkit.runner.adherence import clip_adherence
from promptkit.runner.journal import JobRow, Journal
from promptkit.runner.layout import RunLayout
from promptkit.runner.results import (
    DEFAULT_PRIMARY,
    Artifacts,
    Camera,
    ClipRecord,
    Freeze,
    LintFinding,
    RunResults,
    RunSummary,
)


def clip_record(row: JobRow, layout: RunLayout) -> ClipRecord:
    """One journal row as a results record (paths relative to the run folder)."""
    v = row.variant
    score = row.score or {}
    camera = score.get("camera")
    camera = camera if isinstance(camera, dict) else None
    artifacts = score.get("artifacts") or {}
    verdict = score.get("verdict")
    return ClipRecord(
        job_id=row.job_id,
        variant_id=v.variant_id,
        replicate=row.replicate,
        arm=v.arm,
        pair_key=v.pair_key,
        template=v.template,
        variables=dict(v.variables),
        defaults=dict(v.defaults),
        params=v.params.model_dump(mode="json"),
        prompt=v.prompt,
        lint=[LintFinding(**f) for f in row.lint],
        tags=list(v.tags),
        request_id=row.request_id,
        status=row.state,  # type: ignore[arg-type]
        error=row.error,
        cost_ticks=row.cost_ticks,
        file=row.file if row.state in ("downloaded", "scored") else None,
        sha256=row.sha256 if row.state in ("downloaded", "scored") else None,
        metrics=score.get("metrics") if row.score else None,
        verdict=verdict,
        flags=list(score.get("flags") or []),
        reason=score.get("reason"),
        freezes=[
            Freeze(start_s=float(f["start_s"]), end_s=float(f["end_s"]))
            for f in score.get("freezes") or []
        ],
        camera=Camera(motion=str(camera["motion"]), confidence=float(camera["confidence"]))
        if camera
        else None,
        adherence=clip_adherence(v.prompt, verdict, str(camera["motion"]) if camera else None),
        artifacts=Artifacts(
            **{
                k: layout.relative(artifacts.get(k))
                for k in ("contact_sheet", "thumbnail", "series_csv")
            }
        ),
        duration_s=score.get("duration_s"),
        width=score.get("width"),
        height=score.get("height"),
        fps=score.get("fps"),
    )


def build_results(journal: Journal, layout: RunLayout, *, finished: bool) -> RunResults:
    """The whole ``results.json`` of the run as the journal has it now."""
    meta = journal.meta()
    rows = journal.jobs()
    clips = [clip_record(row, layout) for row in rows]
    sessions = journal.sessions()
    cost = sum(r.cost_ticks or 0 for r in rows)
    summary = RunSummary(
        jobs=len(rows),
        by_status=dict(Counter(c.status for c in clips)),
        by_verdict=dict(Counter(c.verdict for c in clips if c.verdict)),
        cost_ticks=cost,
        cost_usd=str(ticks_to_usd(cost)),
        clip_seconds=sum(r.variant.params.duration for r in rows if r.state != "skipped"),
        wall_seconds=round(sum(s.get("wall_seconds") or 0.0 for s in sessions), 3),
        submitted=sum(1 for r in rows if r.request_id),
        uncertain=sum(1 for r in rows if r.state == "uncertain"),
        resumes=max(0, len(sessions) - 1),
    )
    return RunResults(
        run_id=layout.run_id,
        created_at=meta.get("created_at", ""),
        finished_at=meta.get("finished_at") if finished else None,
        spec_path=meta.get("spec_path", str(layout.spec)),
        spec=meta.get("spec", {}),
        provider=meta.get("provider", "sim"),
        model=meta.get("model", ""),
        budget_usd=meta.get("budget_usd"),
        summary=summary,
        arms=list(meta.get("arms", [])),
        arm_by=meta.get("arm_by"),
        primary=meta.get("spec", {}).get("primary") or DEFAULT_PRIMARY,
        clips=clips,
    )


def verdict_rates(results: RunResults) -> dict[str, float]:
    """The rates ``--fail-on`` can test, with the report's definitions (see results.py).

    ``frozen-rate`` is the report's frozen rate: measured clips judged frozen or
    partial-freeze; ``motionless-rate`` adds low-motion. ``partial-freeze-rate``,
    ``low-motion-rate`` and ``ok-rate`` are shares of measured clips, ``unreadable-rate`` of
    scored clips, ``error-rate`` of all jobs.
    """
    scored = [c for c in results.clips if c.verdict]
    measured = [c for c in scored if c.measured]
    rates: dict[str, float] = {}
    for verdict, n in Counter(c.verdict for c in measured).items():
        rates[f"{verdict}-rate"] = n / len(measured)
    if measured:
        rates["frozen-rate"] = sum(c.frozen for c in measured) / len(measured)
        rates["motionless-rate"] = sum(c.motionless for c in measured) / len(measured)
    if scored:
        rates["unreadable-rate"] = sum(not c.measured for c in scored) / len(scored)
    total = len(results.clips) or 1
    no_clip = sum(
        1 for c in results.clips if c.status in ("error", "failed", "uncertain", "expired")
    )
    rates["error-rate"] = no_clip / total
    return rates


KNOWN_VERDICTS = ("frozen", "partial-freeze", "low-motion", "ok", "unreadable")
# Two-character operators first: parse_fail_on splits at the first operator that occurs.
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq,
}  # fmt: skip


def parse_fail_on(text: str) -> tuple[str, str, float]:
    """``'frozen-rate>0.2'`` -> ``('frozen-rate', '>', 0.2)``; a one-line UsageError otherwise."""
    from promptkit.errors import UsageError

    known = [f"{v}-rate" for v in KNOWN_VERDICTS] + ["motionless-rate", "error-rate", "cost-usd"]
    for op in _OPS:
        name, sep, value = text.partition(op)
        if sep:
            name = name.strip()
            if name not in known:
                raise UsageError(
                    f"--fail-on {text!r}: unknown measure {name!r} (known: {', '.join(known)})"
                )
            try:
                return name, op, float(value)
            except ValueError:
                break
    raise UsageError(f"--fail-on {text!r}: expected MEASURE>NUMBER, e.g. frozen-rate>0.2")


def failed_conditions(results: RunResults, conditions: list[tuple[str, str, float]]) -> list[str]:
    """The conditions that hold for ``results``, each with the measured value."""
    values = {f"{v}-rate": 0.0 for v in (*KNOWN_VERDICTS, "motionless")}
    values.update(verdict_rates(results))
    values["cost-usd"] = float(results.summary.cost_usd)
    held = []
    for name, op, limit in conditions:
        value = values.get(name, 0.0)
        if _OPS[op](value, limit):
            held.append(f"{name} = {value:.3g} {op} {limit:g}")
    return held
