"""Corrupt media: the scorer and ``promptkit score`` answer ``unreadable`` cleanly, fast.

Zero bytes, truncated MP4s (index at the end, or first with the data cut), text renamed
``.mp4``, random bytes, a bare ``ftyp`` box, and headers declaring absurd frame sizes (a y4m of
60000x60000, an IVF/VP8 key frame of 16000x16000) must never raise, hang or allocate the
declared frame: ``score_clip`` returns verdict ``unreadable`` with the reason, and the CLI prints
one line and exits 0 (1 with ``--fail-on unreadable``). Random cuts and byte flips of a good
clip never make the scorer raise.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import av
import pytest
from hypothesis import given
from hypothesis import strategies as st

from promptkit.cli import main
from promptkit.metrics import VERDICTS, score_clip
from tests.fuzz.conftest import FUZZ_FEW
from tests.fuzz.media import ivf_vp8, render_mp4


def _faststart(data: bytes, path: Path) -> bytes:
    """The same clip with its index (moov) before the data, as streaming servers send it."""
    with av.open(io.BytesIO(data)) as src:
        stream = src.streams.video[0]
        with av.open(str(path), "w", format="mp4", options={"movflags": "faststart"}) as dst:
            out = dst.add_stream_from_template(stream)
            for packet in src.demux(stream):
                if packet.dts is not None:
                    packet.stream = out
                    dst.mux(packet)
    return path.read_bytes()


@pytest.fixture(scope="module")
def good_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A 1 s 480x480 H.264 clip: (as rendered, moov at the end; remuxed, moov first)."""
    data = render_mp4()
    return data, _faststart(data, tmp_path_factory.mktemp("media") / "faststart.mp4")


CORRUPT: dict[str, tuple[str, Callable[[bytes, bytes], bytes]]] = {
    "zero bytes": ("empty.mp4", lambda mp4, fast: b""),
    "first 200 bytes of an MP4": ("head.mp4", lambda mp4, fast: mp4[:200]),
    "MP4 cut in half (index at the end)": ("half.mp4", lambda mp4, fast: mp4[: len(mp4) // 2]),
    "MP4 cut in half (index first)": ("half-fast.mp4", lambda mp4, fast: fast[: len(fast) // 2]),
    "text renamed .mp4": ("notes.mp4", lambda mp4, fast: b"not a video, just notes\n" * 20),
    "random bytes": (
        "noise.mp4",
        lambda mp4, fast: bytes((i * 97 + 13) % 256 for i in range(4096)),
    ),
    "a bare ftyp box": ("ftyp.mp4", lambda mp4, fast: mp4[: int.from_bytes(mp4[:4], "big")]),
    "y4m declaring 60000x60000": (
        "huge.y4m",
        lambda mp4, fast: (
            b"YUV4MPEG2 W60000 H60000 F24:1 Ip A1:1 C420jpeg\nFRAME\n" + b"\x80" * 999
        ),
    ),
    "IVF/VP8 declaring 16000x16000": ("huge.ivf", lambda mp4, fast: ivf_vp8(16000, 16000)),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_corrupt_file_scores_unreadable_with_a_one_line_reason(
    case: str, good_clip: tuple[bytes, bytes], tmp_path: Path
) -> None:
    name, make = CORRUPT[case]
    path = tmp_path / name
    path.write_bytes(make(*good_clip))
    score = score_clip(path)
    assert score.verdict == "unreadable" and score.flags == ["unreadable"]
    assert score.reason.startswith(f"{name}: ") and "\n" not in score.reason
    assert score.metrics == {} or not any(score.metrics.values())


@pytest.mark.parametrize(
    "case", ["zero bytes", "text renamed .mp4", "IVF/VP8 declaring 16000x16000"]
)
def test_score_command_prints_one_unreadable_line_and_exits_by_fail_on(
    case: str, good_clip: tuple[bytes, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, make = CORRUPT[case]
    path = tmp_path / name
    path.write_bytes(make(*good_clip))
    codes = []
    for extra in ([], ["--fail-on", "unreadable"]):
        try:
            main(["score", *extra, str(path)])
            codes.append(0)
        except SystemExit as exc:
            codes.append(int(exc.code or 0))
    out, err = capsys.readouterr()
    assert codes == [0, 1]
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0] == lines[1]
    assert lines[0].startswith(f"{path}: unreadable [unreadable] — {name}: ")
    assert err == ""


@FUZZ_FEW
@given(cut=st.floats(0.0, 1.0), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                                max_size=8), fast=st.booleans())  # fmt: skip
def test_any_cut_or_byte_flip_of_a_good_clip_scores_without_raising(
    cut: float, flips: list[tuple[float, int]], fast: bool,
    good_clip: tuple[bytes, bytes], tmp_path_factory: pytest.TempPathFactory,
) -> None:  # fmt: skip
    data = bytearray(good_clip[1] if fast else good_clip[0])
    for where, value in flips:
        data[min(len(data) - 1, int(where * len(data)))] = value
    path = tmp_path_factory.mktemp("cut") / "clip.mp4"
    path.write_bytes(bytes(data[: int(cut * len(data))]))
    score = score_clip(path)
    assert score.verdict in VERDICTS and "\n" not in score.reason
