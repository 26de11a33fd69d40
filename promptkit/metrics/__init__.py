"""Motion metrics: decode a clip once and say whether it moves, freezes, flickers or cuts.

The public API is flat (re-exported here): :func:`score_clip` and :func:`score_many` return
:class:`ClipScore` records; :class:`Thresholds` holds every tunable limit
(``[tool.promptkit.metrics]``); :class:`Expected` is what the request asked for (duration,
size, fps). Only :mod:`promptkit.metrics.frames` opens videos. docs/metrics.md documents
every metric and its unit.
"""

from __future__ import annotations

# promptkit.metrics.opencv sets OpenCV's and FFmpeg's log levels before cv2 is first imported.
from promptkit.metrics.artifacts import Artifacts
from promptkit.metrics.camera import CAMERA_LABELS
from promptkit.metrics.conformance import Expected
from promptkit.metrics.scoring import (
    CameraMotion,
    ClipScore,
    FreezeInterval,
    ScoreJob,
    score_clip,
    score_many,
)
from promptkit.metrics.thresholds import Thresholds
from promptkit.metrics.verdict import FLAGS, VERDICTS

__all__ = [
    "Artifacts",
    "CAMERA_LABELS",
    "CameraMotion",
    "ClipScore",
    "Expected",
    "FLAGS",
    "FreezeInterval",
    "ScoreJob",
    "Thresholds",
    "VERDICTS",
    "score_clip",
    "score_many",
]
