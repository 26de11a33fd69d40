"""Re-score a run's stored clips (new thresholds, a newer scorer) without generating anything.

Thresholds layer as everywhere: settings < the run's spec ``thresholds`` < the overrides given
here. Clips whose file is missing or no longer matches its recorded sha256 are left as they were
and counted; ``promptkit eval --resume`` fetches them again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from promptkit.config import Settings, load_settings
from promptkit.errors import UsageError
from promptkit.runner.collect import build_results
from promptkit.runner.journal import Journal
from promptkit.runner.layout import RunLayout
from promptkit.runner.lock import RunLock
from promptkit.runner.results import RunResults, write_results
from promptkit.runner.resume import clip_intact
from promptkit.runner.scoring import make_pool, resolve_thresholds, score_args, score_file


@dataclass
class RescoreOutcome:
    rescored: int
    missing: list[str]
    results: RunResults
    results_path: Path
    thresholds: dict[str, Any]


def rescore_run(
    layout: RunLayout,
    overrides: Mapping[str, Any] | None = None,
    *,
    settings: Settings | None = None,
    workers: int | None = None,
) -> RescoreOutcome:
    """Score every stored clip of the run again and rewrite its ``results.json``."""
    if not layout.exists():
        raise UsageError(f"{layout.root}: no run there (see `promptkit runs`)")
    settings = settings or load_settings()
    with RunLock(layout.root), Journal.open(layout.journal) as journal:
        spec_thresholds = journal.meta().get("spec", {}).get("thresholds", {})
        try:
            thresholds = resolve_thresholds(settings, spec_thresholds, dict(overrides or {}))
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            loc = ".".join(str(p) for p in err.get("loc", ()))
            raise UsageError(f"--thresholds {loc}: {err.get('msg')}") from None
        rows = [r for r in journal.jobs() if r.state in ("downloaded", "scored")]
        intact = [r for r in rows if clip_intact(layout, r)]
        missing = [r.job_id for r in rows if r not in intact]
        if intact:
            pool = make_pool(workers)
            try:
                futures = [
                    pool.submit(score_file, *score_args(layout, r, thresholds)) for r in intact
                ]
                for row, future in zip(intact, futures, strict=True):
                    journal.transition(row.job_id, "scored", score=future.result(),
                                       detail="rescore")  # fmt: skip
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        journal.set_meta({"thresholds": thresholds})
        journal.event("rescore", f"{len(intact)} clips; {len(missing)} missing")
        complete = journal.meta().get("status") == "complete"
        results = build_results(journal, layout, finished=complete)
        path = write_results(layout.root, results)
    return RescoreOutcome(len(intact), missing, results, path, thresholds)
