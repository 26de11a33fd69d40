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


def test_decoding_ahead_in_a_thread_yields_the_same_frames(clip: Clip) -> None:
    with FrameSource(clip("partial_freeze"), prefetch=0) as src:
        inline = [(f.index, f.small.copy(), f.luma.copy()) for f in src]
    with FrameSource(clip("partial_freeze"), prefetch=3) as src:
        ahead = [(f.index, f.small.copy(), f.luma.copy()) for f in src]
    assert [i for i, _, _ in ahead] == list(range(len(inline)))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(inline, ahead, strict=True))
    assert all(np.array_equal(a[2], b[2]) for a, b in zip(inline, ahead, strict=True))


def test_leaving_a_prefetching_loop_early_stops_the_decoding_thread(clip: Clip) -> None:
    import threading

    with FrameSource(clip("pan_left"), prefetch=4) as src:
        for frame in src:
            if frame.index == 5:
                break
    assert not [t for t in threading.enumerate() if t.name == "promptkit-decode"]


class _SlowClock:
    """A clock under which every Y-plane fetch seems to take 5 ms."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        self.t += 0.0025
        return self.t


def test_a_slow_y_plane_fetch_reopens_the_clip_as_bgr_from_the_first_frame(
    clip: Clip, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FrameSource(clip("pan_left"), prefetch=0) as src:
        fast = [f.small.astype(np.float32) for f in src]
    assert src.luma_source == "y-plane"
    monkeypatch.setattr(FrameSource, "clock", staticmethod(_SlowClock()))
    with FrameSource(clip("pan_left"), prefetch=2) as src:
        frames = list(src)
        slow = [f.small.astype(np.float32) for f in frames]
    assert src.luma_source == "bgr"
    assert [f.index for f in frames] == list(range(len(fast)))  # started over, nothing repeated
    assert not any(f.limited_range for f in frames)  # grey from BGR is full range
    for a, b in zip(fast, slow, strict=True):  # the same picture, on another luma scale
        assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.99


def test_a_colour_tagged_clip_scores_like_the_untagged_one(clip: Clip) -> None:
    plain, tagged = score_clip(clip("pan_left")), score_clip(clip("pan_left_bt709"))
    assert tagged.frames == plain.frames
    assert (tagged.verdict, tagged.camera.motion) == (plain.verdict, plain.camera.motion)
    assert tagged.camera.motion == "pan_left"


def test_scores_are_the_same_whether_frames_are_decoded_ahead_or_inline(clip: Clip) -> None:
    ahead = score_clip(clip("partial_freeze"), prefetch=True).to_dict()
    inline = score_clip(clip("partial_freeze"), prefetch=False).to_dict()
    assert ahead == inline
    assert ahead["verdict"] == "partial-freeze"
