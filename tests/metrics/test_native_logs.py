"""FFmpeg's and OpenCV's own log lines never reach the terminal: promptkit answers in one line."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import promptkit

Clip = Callable[[str], Path]
PACKAGE = Path(promptkit.__file__).parent


def _score(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: the user's own OPENCV_* settings would win over promptkit's defaults.
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCV_")}
    return subprocess.run(
        [sys.executable, "-m", "promptkit", "score", "--jobs", "1", *args, str(path)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_score_of_a_clip_without_its_moov_atom_prints_one_line_and_no_ffmpeg_log(
    clip: Clip, tmp_path: Path
) -> None:
    whole = clip("pan_left").read_bytes()
    assert whole.rfind(b"moov") > len(whole) // 2  # the index sits at the end, so it is cut off
    corrupt = tmp_path / "corrupt.mp4"
    corrupt.write_bytes(whole[: len(whole) // 2])
    done = _score(corrupt)
    assert done.returncode == 0
    assert done.stderr == ""  # unquieted FFmpeg writes "moov atom not found" here
    (line,) = done.stdout.splitlines()
    assert line.startswith(f"{corrupt}: unreadable [unreadable] — corrupt.mp4: not a video")


def test_score_of_a_clip_with_flipped_bytes_keeps_decoder_errors_off_the_terminal(
    clip: Clip, tmp_path: Path
) -> None:
    data = bytearray(clip("pan_left").read_bytes())
    for i in range(1024, data.rfind(b"moov") - 64, 499):
        data[i] ^= 0xFF  # h264 reports "error while decoding MB ..." for each damaged slice
    damaged = tmp_path / "damaged.mp4"
    damaged.write_bytes(bytes(data))
    done = _score(damaged)
    assert done.stderr == ""
    assert len(done.stdout.splitlines()) == 1 and "[OPENCV" not in done.stdout


def test_only_the_opencv_owner_module_imports_cv2() -> None:
    importers = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            if any(n == "cv2" or n.startswith("cv2.") for n in names):
                importers.add(path.relative_to(PACKAGE).as_posix())
    assert importers == {"metrics/opencv.py"}
