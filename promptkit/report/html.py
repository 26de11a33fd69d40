"""The run's ``index.html``: one self-contained page rendered from ``results.json``.

Inline CSS and JS, pictures and clips by path relative to the run folder, no external request,
readable without JavaScript. It opens fast at any size: no clip is fetched until it is played
(``preload="none"``), pictures load as their card scrolls into view (the page's script sets
their ``src``; a ``<noscript>`` copy serves readers without it), every picture carries its size,
and cards off screen are not laid out (``content-visibility``). The page is written to its file
as it is rendered, card by card, so no run is too large to hold in memory as one string.

Every string from ``results.json`` (prompts above all) goes through the report's own Jinja
environment with autoescaping on, so a prompt holding ``<script>`` is shown as text. A
Content-Security-Policy allows only the page's own script (by hash) as a second line of defence.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, StrictUndefined, Template
from markupsafe import Markup

from promptkit.report import fmt
from promptkit.report.ab import ABAnalysis
from promptkit.report.arms import ArmOutcome
from promptkit.report.calibration import CalibrationRow
from promptkit.report.clips import Variant, motion_of, verdict_counts, verdict_rank
from promptkit.report.confusion import Confusion
from promptkit.report.decision import Decision
from promptkit.report.glossary import BY_KEY, TERMS, decision_method
from promptkit.report.media import image_size
from promptkit.report.svg import Series, motion_curve_svg, read_series, series_peak
from promptkit.runner.adherence import describe
from promptkit.runner.results import ClipRecord, RunResults

ASSETS = "assets"
# Metrics shown on a replicate, in this order when present; the rest stay in results.json and
# results.csv. A scorer without these keys still gets its first few numeric metrics shown.
KEY_METRICS = (
    "motion",
    "subject_motion",
    "camera_motion",
    "still_fraction",
    "longest_freeze_s",
    "freeze_count",
    "diff_first_last",
    "cuts",
)
MAX_METRICS = 8


@cache
def _asset(name: str) -> str:
    return resources.files("promptkit.report").joinpath(ASSETS, name).read_text(encoding="utf-8")


@cache
def environment() -> Environment:
    """The report's Jinja environment: autoescape always on, undefined names are errors."""
    env = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.globals["fmt"] = fmt
    env.globals["terms"] = BY_KEY
    return env


@cache
def _template(name: str) -> Template:
    # Compiled once per process: every report and comparison renders the same few templates.
    return environment().from_string(_asset(name))


@cache
def _script_hash() -> str:
    digest = hashlib.sha256(_asset("report.js").encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _page_context() -> dict[str, Any]:
    return {
        "css": Markup(_asset("report.css")),
        "js": Markup(_asset("report.js")),
        "script_hash": _script_hash(),
    }


def render_template(name: str, **context: Any) -> str:
    """Render one of the report's templates with its inline CSS and hash-pinned script."""
    return _template(name).render(**_page_context(), **context)


def stream_template(name: str, **context: Any) -> Iterator[str]:
    """:func:`render_template` in pieces, produced as the template runs (for large pages)."""
    return _template(name).generate(**_page_context(), **context)


@dataclass
class ReplicateView:
    job_id: str
    replicate: int
    status: str
    verdict: str | None
    flags: list[str]
    sheet: str | None
    thumb: str | None
    video: str | None
    picture_size: tuple[int, int] | None
    """Pixel size of the picture shown (the contact sheet, else the thumbnail)."""
    curve: Markup | None
    curve_note: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    adheres: bool | None = None


@dataclass
class CardView:
    id: str
    title: str
    arm: str | None
    tags: list[str]
    verdicts: list[str]
    worst: str | None
    rank: int
    motion: float | None
    frozen_rate: float | None
    summary: str
    adherence: str | None
    segments: list[fmt.Segment]
    lint: list[Any]
    facts: list[tuple[str, str]]
    replicates: list[ReplicateView]


def _metric_facts(metrics: dict[str, Any] | None) -> list[tuple[str, str]]:
    if not metrics:
        return []
    numeric = {
        k: float(v)
        for k, v in metrics.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
    keys = [k for k in KEY_METRICS if k in numeric] or list(numeric)
    return [(k.replace("_", " "), fmt.num(numeric[k])) for k in keys[:MAX_METRICS]]


def run_peaks(run_dir: Path, clips: list[ClipRecord]) -> dict[str, float]:
    """The largest value of each plotted column across the run: the curves' common scale.

    Each clip's series is read, measured and dropped: a card reads its own again when it is
    rendered, so no more than one series is held at a time, whatever the run's size.
    """
    peaks: dict[str, float] = {}
    for clip in clips:
        rel = fmt.safe_relpath(clip.artifacts.series_csv)
        s = read_series(run_dir / rel) if rel is not None else None
        if s is not None:
            peaks[s.column] = max(peaks.get(s.column, 0.0), series_peak(s))
    return peaks


def replicate_view(
    run_dir: Path,
    clip: ClipRecord,
    series: Series | None = None,
    peaks: dict[str, float] | None = None,
) -> ReplicateView:
    """What a replicate shows; links are relative to the run folder.

    ``series`` is the clip's plotted series when already read, ``peaks`` the run's scales.
    """
    art = clip.artifacts
    curve: Markup | None = None
    note = "the scorer wrote no per-frame series for this clip."
    csv_rel = fmt.safe_relpath(art.series_csv)
    if csv_rel is not None:
        if series is None:
            series = read_series(run_dir / csv_rel)
        if series is None:
            note = f"the per-frame series {csv_rel} is missing or empty."
        else:
            curve = Markup(
                motion_curve_svg(
                    series,
                    clip.freezes,
                    clip.duration_s,
                    f"Motion of {clip.job_id}:",
                    peak=(peaks or {}).get(series.column),
                    headline=motion_of(clip),
                )
            )
    elif clip.status != "scored":
        note = f"the clip was not scored (status {clip.status})."
    facts: list[tuple[str, str]] = [("status", clip.status)]
    if clip.error:
        facts.append(("error", clip.error))
    if clip.reason:
        facts.append(("why", clip.reason))
    if clip.camera is not None:
        facts.append(("camera", f"{clip.camera.motion} ({clip.camera.confidence:.0%} confidence)"))
    if clip.adherence is not None and clip.measured:
        facts.append(("adherence", describe(clip.adherence)))
    if clip.freezes:
        spans = ", ".join(f"{f.start_s:.2f}–{f.end_s:.2f} s" for f in clip.freezes)
        facts.append(("frozen", spans))
    facts.extend(_metric_facts(clip.metrics))
    if clip.width and clip.height:
        shape = f"{clip.width}×{clip.height}"
        if clip.fps:
            shape += f" @ {clip.fps:.3g} fps"
        if clip.duration_s is not None:
            shape += f", {clip.duration_s:.2f} s"
        facts.append(("video", shape))
    facts.append(("request id", clip.request_id or fmt.NA))
    facts.append(("cost", fmt.usd(clip.cost_ticks)))
    if clip.sha256:
        facts.append(("sha256", clip.sha256[:16] + "…"))
    sheet = fmt.safe_relpath(art.contact_sheet)
    thumb = fmt.safe_relpath(art.thumbnail)
    shown = sheet or thumb
    return ReplicateView(
        job_id=clip.job_id,
        replicate=clip.replicate,
        status=clip.status,
        verdict=clip.verdict,
        flags=list(clip.flags),
        sheet=sheet,
        thumb=thumb,
        video=fmt.safe_relpath(clip.file),
        picture_size=image_size(run_dir / shown) if shown else None,
        curve=curve,
        curve_note=note,
        facts=facts,
        adheres=clip.adherence.adheres if clip.adherence and clip.measured else None,
    )


def _params_text(params: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key in ("model", "duration", "resolution", "aspect_ratio"):
        if params.get(key) is not None:
            rows.append((key.replace("_", " "), str(params[key])))
    if params.get("image"):
        rows.append(("image", "yes (first frame)"))
    if params.get("reference_images"):
        rows.append(("reference images", str(len(params["reference_images"]))))
    return rows


def card_view(run_dir: Path, variant: Variant, peaks: dict[str, float] | None = None) -> CardView:
    first = variant.first
    measured = len(variant.measured)
    parts = [f"{len(variant.clips)} replicate{'s' if len(variant.clips) != 1 else ''}"]
    if measured:
        motionless = sum(c.motionless for c in variant.measured)
        parts.append(f"{variant.frozen}/{measured} frozen, {motionless}/{measured} motionless")
    checked = [c for c in variant.measured if c.adherence and c.adherence.adheres is not None]
    adherence = None
    if checked:
        adherent = sum(1 for c in checked if c.adherence and c.adherence.adheres)
        adherence = f"{adherent}/{len(checked)} did what the prompt asked"
        parts.append(adherence)
    if variant.mean_motion is not None:
        parts.append(f"mean motion {fmt.num(variant.mean_motion)}")
    parts.append(f"cost {fmt.usd(variant.cost_ticks)}")
    facts = [("variant", variant.variant_id)]
    if first.template:
        facts.append(("template", first.template))
    for k, v in first.variables.items():
        value = json.dumps(v, ensure_ascii=False)
        # Said on the card: a value nobody chose is the usual cause of an incoherent prompt.
        facts.append((f"var {k}", f"{value} (template default)" if k in first.defaults else value))
    facts.extend(_params_text(first.params))
    return CardView(
        id=variant.variant_id,
        title=first.template or "prompt",
        arm=first.arm,
        tags=variant.tags,
        verdicts=sorted({c.verdict for c in variant.clips if c.verdict}, key=verdict_rank),
        worst=variant.worst_verdict,
        rank=verdict_rank(variant.worst_verdict),
        motion=variant.mean_motion,
        frozen_rate=variant.frozen_rate,
        summary=" · ".join(parts),
        adherence=adherence,
        segments=fmt.prompt_segments(first.prompt, first.lint),
        lint=list(first.lint),
        facts=facts,
        replicates=[replicate_view(run_dir, c, peaks=peaks) for c in variant.clips],
    )


def render_index(
    run_dir: Path,
    results: RunResults,
    variants: list[Variant],
    ab: ABAnalysis | None,
    calibration: list[CalibrationRow],
    decision: Decision,
    outcomes: list[ArmOutcome],
    confusion: Confusion | None,
) -> Iterator[str]:
    """The ``index.html`` text of a run, in pieces as it is rendered (a card at a time)."""
    verdicts = verdict_counts(results.clips)
    statuses = Counter(c.status for c in results.clips)
    peaks = run_peaks(run_dir, results.clips)
    cards = (card_view(run_dir, v, peaks) for v in variants)
    return stream_template(
        "index.html.j2",
        run=results,
        verdict_counts=verdicts,
        status_counts=sorted(statuses.items()),
        total_cost=fmt.usd_text(results.summary.cost_usd),
        budget=fmt.usd_text(results.budget_usd),
        wall=f"{results.summary.wall_seconds:.1f} s",
        spec_json=json.dumps(results.spec, indent=2, ensure_ascii=False, default=str),
        ab=ab,
        notes=shared_notes(ab) if ab is not None else [],
        calibration=calibration,
        decision=decision,
        method=decision_method(decision),
        outcomes=outcomes,
        confusion=confusion,
        glossary=TERMS,
        cards=cards,
        card_count=len(variants),
        filter_verdicts=[v for v, _ in verdicts],
        filter_arms=sorted({v.first.arm for v in variants if v.first.arm}),
        filter_tags=sorted({t for v in variants for t in v.tags}),
    )


def shared_notes(ab: ABAnalysis) -> list[tuple[str, list[str]]]:
    """Each distinct power note once, with the comparisons it applies to."""
    notes: dict[str, list[str]] = {}
    for c in ab.comparisons:
        for note in c.notes:
            notes.setdefault(note, []).append(f"{c.b} vs {c.a}")
    return list(notes.items())
