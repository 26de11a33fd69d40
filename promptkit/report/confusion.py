"""Requested against measured camera move: the confusion matrix of a run that varies the camera.

Rows are the camera moves the clips' prompts ask for (as the adherence check read them), columns
the scorer's camera labels, cells the number of measured clips. A cell counts as agreement when
the adherence check calls that pair a match (a dolly in measured as ``zoom_in`` is one: see
``promptkit.runner.adherence``), so the diagonal of a picture-plane move is not always the literal
same word. Each row ends with its adherence rate and Wilson 95% interval.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from promptkit.report import stats
from promptkit.report.clips import is_measured
from promptkit.runner.adherence import camera_result, parse_move
from promptkit.runner.results import ClipRecord


@dataclass
class ConfusionRow:
    requested: str
    counts: dict[str, int]
    matches: set[str]
    checkable: bool
    total: int
    matched: int
    rate: stats.Estimate | None


@dataclass
class Confusion:
    columns: list[str]
    rows: list[ConfusionRow]


def camera_confusion(clips: list[ClipRecord], min_requests: int = 2) -> Confusion | None:
    """The matrix over measured clips, or None when fewer than ``min_requests`` distinct camera
    moves are asked for (the run does not vary the camera)."""
    pairs: list[tuple[str, str]] = []
    order: list[str] = []
    for clip in clips:
        a = clip.adherence
        if not is_measured(clip) or a is None or a.camera_asked is None or not a.camera_measured:
            continue
        pairs.append((a.camera_asked, a.camera_measured))
        if a.camera_asked not in order:
            order.append(a.camera_asked)
    if len(order) < min_requests:
        return None
    # The scorer's labels in its reading order; labels it no longer gives follow by name.
    from promptkit.metrics import CAMERA_LABELS

    seen = {label for _, label in pairs}
    columns = [c for c in CAMERA_LABELS if c in seen] + sorted(seen - set(CAMERA_LABELS))
    rows = []
    for requested in order:
        counts = Counter(label for asked, label in pairs if asked == requested)
        move = parse_move(requested)
        results = {label: camera_result(move, label) for label in columns}
        matches = {label for label, r in results.items() if r == "match"}
        checkable = all(r != "not checkable" for r in results.values())
        total = sum(counts.values())
        matched = sum(counts[label] for label in matches)
        rows.append(
            ConfusionRow(
                requested=requested,
                counts={label: counts.get(label, 0) for label in columns},
                matches=matches,
                checkable=checkable,
                total=total,
                matched=matched,
                rate=stats.wilson_interval(matched, total) if checkable else None,
            )
        )
    return Confusion(columns=columns, rows=rows)
