"""OpenCV owner: the one module in promptkit that imports ``cv2``; everything else imports it here.

OpenCV and the FFmpeg it bundles each write their own log lines to the terminal (OpenCV
``[ WARN:...]`` lines; FFmpeg ``moov atom not found``, ``Invalid data found when processing
input``, per-macroblock decode errors). promptkit reports an unreadable clip itself, in one line,
so both are silenced here. OpenCV reads ``OPENCV_LOG_LEVEL`` once, at its first import, and its
FFmpeg backend reads ``OPENCV_FFMPEG_LOGLEVEL`` when the first capture opens; setting both before
``import cv2`` in this module — the only import path — covers every decode. A value the user has
already exported wins (``setdefault``), so ``OPENCV_FFMPEG_LOGLEVEL=24 promptkit score`` still
shows FFmpeg's warnings when debugging a clip.
"""

from __future__ import annotations

import os

# With colour conversion off OpenCV warns once per frame; errors are reported by promptkit.
os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
# AV_LOG_QUIET (-8): FFmpeg's own stderr lines would sit next to promptkit's one-line answer.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

import cv2  # noqa: E402

__all__ = ["cv2"]
