"""Hand-built runs for report tests: a results.json plus the pictures and series it names."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any

from promptkit.runner.results import (
    Artifacts,
    ClipRecord,
    LintFinding,
    RunResults,
    RunSummary,
    write_results,
)

XSS_SCRIPT = "<script>window.__pwned=1</script> a cat sits still"
XSS_IMG = '"><img src=x onerror="window.__pwned=1"> a dog runs'


def png_bytes(width: int = 8, height: int = 6, rgb: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    """A valid solid-colour PNG (stdlib only)."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + (chunk(b"IEND", b""))
    )


def clip(
    variant_id: str,
    replicate: int = 1,
    *,
    arm: str | None = None,
    verdict: str | None = "ok",
    motion: float | None = 0.1,
    prompt: str = "a red kite drifts across the sky",
    status: str = "scored",
    pair_key: str | None = None,
    lint: list[dict[str, Any]] | None = None,
    tags: list[str] | None = None,
    template: str | None = "tpl",
    variables: dict[str, Any] | None = None,
    artifacts: bool = False,
    **extra: Any,
) -> ClipRecord:
    job = f"{variant_id}-r{replicate}"
    arts = Artifacts()
    if artifacts:
        arts = Artifacts(
            contact_sheet=f"frames/{job}-sheet.png",
            thumbnail=f"frames/{job}-thumb.png",
            series_csv=f"series/{job}.csv",
        )
    return ClipRecord(
        job_id=job,
        variant_id=variant_id,
        replicate=replicate,
        arm=arm,
        pair_key=pair_key,
        template=template,
        variables=variables or {},
        params={
            "model": "grok-imagine-video",
            "duration": 2,
            "resolution": "480p",
            "aspect_ratio": "16:9",
            "image": None,
            "reference_images": [],
        },
        prompt=prompt,
        lint=[LintFinding(**f) for f in (lint or [])],
        tags=tags or [],
        request_id=f"req-{job}",
        status=status,
        cost_ticks=1_000_000_000 if status == "scored" else None,
        verdict=verdict if status == "scored" else None,
        metrics={"motion": motion, "still_fraction": 0.0} if motion is not None else None,
        artifacts=arts,
        duration_s=2.0 if status == "scored" else None,
        width=848 if status == "scored" else None,
        height=480 if status == "scored" else None,
        fps=24.0 if status == "scored" else None,
        **extra,
    )


def run(
    clips: list[ClipRecord],
    *,
    arms: list[str] | None = None,
    arm_by: str | None = None,
    run_id: str = "run-1",
) -> RunResults:
    cost = sum(c.cost_ticks or 0 for c in clips)
    verdicts: dict[str, int] = {}
    for c in clips:
        if c.verdict:
            verdicts[c.verdict] = verdicts.get(c.verdict, 0) + 1
    return RunResults(
        run_id=run_id,
        created_at="2025-01-01T00:00:00Z",
        finished_at="2025-01-01T00:05:00Z",
        spec_path="evals/test.yaml",
        spec={"name": "test"},
        provider="sim",
        model="grok-imagine-video",
        summary=RunSummary(
            jobs=len(clips), by_verdict=verdicts, cost_ticks=cost, cost_usd=str(cost / 1e10)
        ),
        arms=arms or [],
        arm_by=arm_by,
        clips=clips,
    )


def write_run(run_dir: Path, results: RunResults) -> Path:
    """Write results.json and every artifact it names (PNG pictures, series CSVs)."""
    for c in results.clips:
        a = c.artifacts
        for rel in (a.contact_sheet, a.thumbnail):
            if rel:
                (run_dir / rel).parent.mkdir(parents=True, exist_ok=True)
                (run_dir / rel).write_bytes(png_bytes())
        if a.series_csv:
            path = run_dir / a.series_csv
            path.parent.mkdir(parents=True, exist_ok=True)
            rows = ["time_s,motion"] + [
                f"{i / 24:.4f},{0.0 if 12 <= i < 30 else 0.2}" for i in range(48)
            ]
            path.write_text("\n".join(rows) + "\n")
    write_results(run_dir, results)
    return run_dir
