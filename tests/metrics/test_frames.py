"""The frame source: luma analysis frames, bounded limits, and clear errors for bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from promptkit.errors import InputError, UnreadableVideo
from promptkit.metrics import score_clip
from promptkit.metrics.frames import FrameSource, analysis_factor

Clip = Callable[[str], Path]


def test_analysis_frames_are_small_luma_at_an_integer_factor(clip: Clip) -> None:
    with FrameSource(clip("pan_left")) as src:
        frames = list(src)
    assert src.factor == 2 and src.analysis_size == (160, 90)
    assert len(frames) == 48 and frames[-1].time_s == pytest.approx(47 / 24)
    assert frames[0].small.shape == (90, 160) and frames[0].small.dtype == np.uint8
    assert frames[0].limited_range  # the decoder's Y plane, not a BGR conversion


@pytest.mark.parametrize(
    ("w", "h", "k"), [(1280, 720, 8), (1920, 1080, 11), (848, 480, 5), (256, 256, 3), (90, 60, 1)]
)
def test_analysis_factor_brings_the_short_side_near_96(w: int, h: int, k: int) -> None:
    assert analysis_factor(w, h) == k


def test_frame_limit_stops_decoding_with_an_error(clip: Clip) -> None:
    with FrameSource(clip("pan_left"), max_frames=10) as src, pytest.raises(UnreadableVideo):
        for _ in src:
            pass


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        score_clip(tmp_path / "nope.mp4")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.mp4", b""),
        ("notes.mp4", b"this is a text file, not a video\n" * 20),
        ("noise.mp4", bytes(range(256)) * 64),
        # a raw-video header that declares a 100000x100000 frame
        ("huge.y4m", b"YUV4MPEG2 W100000 H100000 F24:1 Ip A1:1 C420jpeg\nFRAME\n" + b"\0" * 64),
    ],
)
def test_undecodable_input_scores_unreadable_without_raising(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    score = score_clip(path)
    assert score.verdict == "unreadable"
    assert score.flags == ["unreadable"]
    assert score.reason.startswith(name) and "\n" not in score.reason


def test_truncated_clip_is_unreadable_or_scores_what_decoded(clip: Clip, tmp_path: Path) -> None:
    data = clip("pan_left").read_bytes()
    head = tmp_path / "head.mp4"
    head.write_bytes(data[:2000])  # the moov atom comes last: nothing is decodable
    assert score_clip(head).verdict == "unreadable"


def test_gif_input_is_scored(tmp_path: Path) -> None:
    import av

    path = tmp_path / "moving.gif"
    rng = np.random.default_rng(0)
    base = rng.integers(0, 255, (64, 96), dtype=np.uint8).repeat(2, 0).repeat(2, 1)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("gif", rate=10)
        stream.width, stream.height, stream.pix_fmt = 192, 128, "rgb8"
        for i in range(12):
            rgb = np.dstack([np.roll(base, 3 * i, axis=1)] * 3)
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    score = score_clip(path)
    assert score.frames == 12 and (score.width, score.height) == (192, 128)
    assert score.camera.motion == "pan_left"
