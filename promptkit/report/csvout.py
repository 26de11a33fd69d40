"""``results.csv``: one row per clip, for spreadsheets and pandas.

Fixed columns first (identity, parameters, outcome, cost, video facts), then one ``metric_<key>``
column per scalar metric seen in any clip, in sorted order. Lists are joined with ``;`` and
dictionaries written as JSON, so every cell is one value. Cells that a spreadsheet would read as
a formula (leading ``=``, ``+``, ``-``, ``@``) are prefixed with a quote.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from promptkit.models import ticks_to_usd
from promptkit.report.clips import motion_of
from promptkit.runner.results import ClipRecord, RunResults

COLUMNS = (
    "job_id", "variant_id", "replicate", "arm", "pair_key", "template", "variables",
    "model", "duration", "resolution", "aspect_ratio", "prompt", "lint_codes", "tags",
    "request_id", "status", "error", "cost_ticks", "cost_usd", "file", "sha256",
    "verdict", "flags", "reason", "motion", "freezes", "camera_motion", "camera_confidence",
    "camera_asked", "camera_adherence", "motion_asked", "motion_adherence", "adheres",
    "defaults", "duration_s", "width", "height", "fps", "contact_sheet", "thumbnail", "series_csv",
)  # fmt: skip


def _scalar_metrics(clip: ClipRecord) -> dict[str, Any]:
    return {
        k: v
        for k, v in (clip.metrics or {}).items()
        if isinstance(v, int | float | str | bool) or v is None
    }


def _safe(value: Any) -> Any:
    # Spreadsheet formula injection: a prompt starting with "=" must stay text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def clip_row(clip: ClipRecord) -> dict[str, Any]:
    p = clip.params
    a = clip.adherence
    return {
        "job_id": clip.job_id,
        "variant_id": clip.variant_id,
        "replicate": clip.replicate,
        "arm": clip.arm,
        "pair_key": clip.pair_key,
        "template": clip.template,
        "variables": json.dumps(clip.variables, ensure_ascii=False, sort_keys=True),
        "model": p.get("model"),
        "duration": p.get("duration"),
        "resolution": p.get("resolution"),
        "aspect_ratio": p.get("aspect_ratio"),
        "prompt": clip.prompt,
        "lint_codes": ";".join(f.code for f in clip.lint),
        "tags": ";".join(clip.tags),
        "request_id": clip.request_id,
        "status": clip.status,
        "error": clip.error,
        "cost_ticks": clip.cost_ticks,
        "cost_usd": None if clip.cost_ticks is None else str(ticks_to_usd(clip.cost_ticks)),
        "file": clip.file,
        "sha256": clip.sha256,
        "verdict": clip.verdict,
        "flags": ";".join(clip.flags),
        "reason": clip.reason,
        "motion": motion_of(clip),
        "freezes": ";".join(f"{f.start_s:.3f}-{f.end_s:.3f}" for f in clip.freezes),
        "camera_motion": clip.camera.motion if clip.camera else None,
        "camera_confidence": clip.camera.confidence if clip.camera else None,
        "camera_asked": a.camera_asked if a else None,
        "camera_adherence": a.camera if a else None,
        "motion_asked": a.motion_asked if a else None,
        "motion_adherence": a.motion if a else None,
        "adheres": a.adheres if a else None,
        "defaults": ";".join(clip.defaults),
        "duration_s": clip.duration_s,
        "width": clip.width,
        "height": clip.height,
        "fps": clip.fps,
        "contact_sheet": clip.artifacts.contact_sheet,
        "thumbnail": clip.artifacts.thumbnail,
        "series_csv": clip.artifacts.series_csv,
    }


def render_csv(results: RunResults) -> str:
    """The complete ``results.csv`` text of a run."""
    metric_keys = sorted({k for c in results.clips for k in _scalar_metrics(c)})
    header = list(COLUMNS) + [f"metric_{k}" for k in metric_keys]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for clip in results.clips:
        row = clip_row(clip)
        metrics = _scalar_metrics(clip)
        values = [row[c] for c in COLUMNS] + [metrics.get(k) for k in metric_keys]
        writer.writerow(["" if v is None else _safe(v) for v in values])
    return out.getvalue()
