"""Scoring in a process pool: decode is the cost, so clips are scored beside generation.

:func:`score_file` is the picklable unit of work a pool process runs; it imports the metrics
(OpenCV, NumPy) only inside the worker, so the runner's own process stays light. Pools use the
``spawn`` start method: forking a process that runs an event loop and server threads is unsafe.
Workers die with the process that started them: each watches its parent and exits as soon as
the parent is gone (a killed eval leaves no scoring process behind).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from promptkit.runner.journal import JobRow
    from promptkit.runner.layout import RunLayout


def score_file(
    path: str,
    params: dict[str, Any],
    thresholds: dict[str, Any] | None,
    artifacts_dir: str | None,
    stem: str,
) -> dict[str, Any]:
    """Score one clip (``metrics.score_clip``) and return ``ClipScore.to_dict()``."""
    from promptkit.metrics import Expected, Thresholds, score_clip
    from promptkit.models import GenerationParams

    expected = Expected.from_params(GenerationParams(**params))
    limits = Thresholds(**thresholds) if thresholds else None
    score = score_clip(
        Path(path),
        expected=expected,
        thresholds=limits,
        artifacts_dir=Path(artifacts_dir) if artifacts_dir else None,
        stem=stem,
    )
    return dict(score.to_dict())


def score_args(
    layout: RunLayout, row: JobRow, thresholds: dict[str, Any] | None
) -> tuple[str, dict[str, Any], dict[str, Any] | None, str, str]:
    """The arguments of :func:`score_file` for a job's downloaded clip.

    Plain values only: they are pickled into a pool process.
    """
    assert row.file is not None
    return (
        str(layout.root / row.file),
        row.variant.params.model_dump(mode="json"),
        thresholds,
        str(layout.artifacts),
        row.job_id,
    )


def resolve_thresholds(settings: Any, *layers: dict[str, Any] | None) -> dict[str, Any]:
    """Settings < spec < command line, validated by ``metrics.Thresholds``; plain values out.

    Raises pydantic's ``ValidationError`` for a bad layer value; callers name the file and key.
    """
    from promptkit.metrics.thresholds import Thresholds

    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update(layer or {})
    return dict(Thresholds.from_settings(settings).merged(**merged).model_dump(mode="json"))


def default_workers() -> int:
    # Generation is bound by the provider; leave a core for the event loop and the simulator.
    return max(1, (os.cpu_count() or 2) - 1)


PARENT_CHECK_S = 0.2
"""How often a worker checks that its parent still lives (how long an orphan can linger)."""


def _watch_parent(parent: int) -> None:
    """Worker initializer: exit the moment the parent process is gone.

    A killed parent cannot shut its pool down, and a worker blocked in a long decode would
    otherwise live on; when the parent dies the worker is re-parented, so ``getppid`` changes.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(70)  # no cleanup to run: the work belonged to the dead parent

    threading.Thread(target=watch, name="promptkit-parent-watch", daemon=True).start()


def make_pool(workers: int | None = None) -> Executor:
    return ProcessPoolExecutor(
        max_workers=workers or default_workers(),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_watch_parent,
        initargs=(os.getpid(),),
    )
