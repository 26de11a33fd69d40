"""The frame source: luma analysis frames, bounded limits, and clear errors for bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from promptkit.errors import InputError, UnreadableVideo
from promptkit.metrics import score_clip
from promptkit.metrics.frames import FrameSource, analysis_factor

from . import synth

Clip = Callable[[str], Path]


def test_analysis_frames_are_small_luma_at_an_integer_factor(clip: Clip) -> None:
    with FrameSource(clip("pan_left")) as src:
        frames = list(src)
    assert src.factor == 2 and src.analysis_size == (160, 90)
    assert len(frames) == 48 and frames[-1].time_s == pytest.approx(47 / 24)
    assert frames[0].small.shape == (90, 160) and frames[0].small.dtype == np.uint8
    assert frames[0].limited_range  # the decoder's Y plane (video range), not a conversion


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


def test_ten_bit_clip_reads_like_the_eight_bit_one(tmp_path: Path) -> None:
    # A 10-bit stream's luma is 16-bit samples; read as bytes they would show half the
    # brightness and twice the motion.
    eight = synth.pan(tmp_path / "p8.mp4", 2.0, 0.0)
    ten = synth.pan(tmp_path / "p10.mp4", 2.0, 0.0, pix_fmt="yuv420p10le")
    with FrameSource(eight) as a, FrameSource(ten) as b:
        assert (a.info.bit_depth, b.info.bit_depth) == (8, 10)
        pairs = list(zip(a, b, strict=True))
        assert all(abs(float(x.small.mean()) - float(y.small.mean())) < 1.0 for x, y in pairs)
        assert pairs[0][1].luma().dtype == np.uint8
    s8, s10 = score_clip(eight), score_clip(ten)
    assert (s10.verdict, s10.camera.motion) == (s8.verdict, s8.camera.motion) == ("ok", "pan_left")
    assert s10.metrics["motion"] == pytest.approx(s8.metrics["motion"], rel=0.1)


def test_rotated_clip_is_read_upright_with_its_display_size(tmp_path: Path) -> None:
    # A phone clip stored landscape with a 90° display rotation: a viewer sees it turned a
    # quarter anticlockwise, so content moving right in the stored frames moves up on screen,
    # which is the camera tilting down.
    path = synth.pan(tmp_path / "rotated.mp4", 2.0, 0.0, rotation=90)
    with FrameSource(path) as src:
        frames = list(src)
    assert (src.info.width, src.info.height, src.info.rotation) == (synth.H, synth.W, 90)
    assert frames[0].small.shape == (160, 90) and src.analysis_size == (90, 160)
    assert frames[0].luma().shape == (synth.W, synth.H)
    score = score_clip(path)
    assert (score.width, score.height) == (synth.H, synth.W)
    assert score.camera.motion == "tilt_down"


def test_variable_frame_rate_freeze_is_timed_by_the_container(tmp_path: Path) -> None:
    path, start, end = synth.vfr_freeze(tmp_path / "vfr.mp4")
    score = score_clip(path)
    assert score.verdict == "partial-freeze"
    (freeze,) = score.freezes
    assert freeze.start_s == pytest.approx(start, abs=0.15)
    assert freeze.end_s == pytest.approx(end, abs=0.15)
    # frame index / average rate would have put it about half a second early
    assert abs(36 / score.fps - start) > 0.3


def test_a_colour_tagged_clip_scores_like_the_untagged_one(clip: Clip) -> None:
    plain, tagged = score_clip(clip("pan_left")), score_clip(clip("pan_left_bt709"))
    assert tagged.frames == plain.frames
    assert (tagged.verdict, tagged.camera.motion) == (plain.verdict, plain.camera.motion)
    assert tagged.camera.motion == "pan_left"


def test_only_the_frame_source_imports_the_decoder_library() -> None:
    # PyAV reads video in promptkit.metrics.frames; the simulator's renderer encodes with it.
    import ast

    import promptkit

    package = Path(promptkit.__file__).parent
    importers = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            if any(n == "av" or n.startswith("av.") for n in names):
                importers.add(path.relative_to(package).as_posix())
    assert importers == {"metrics/frames.py", "sim/renderer.py"}
