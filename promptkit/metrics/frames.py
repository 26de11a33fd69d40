"""Frame source: the only module in promptkit that opens videos for reading (PyAV owner).

A clip is decoded once, sequentially (seeking re-decodes from the previous keyframe and is 6–30×
slower on long-GOP H.264), with one decoder thread: clip-level parallelism across processes beats
frame threads on small machines, and a busy machine gains nothing from a second thread per clip.

PyAV hands over what the container and the decoder know, so nothing is guessed:

- **time** of every frame from its presentation timestamp, so variable-frame-rate clips (phones,
  screen recordings, some generators) put freezes where they are, not at index ÷ average fps;
- **pixel format** from the stream: the luma plane is read directly, as a view of the decoder's
  buffer (no copy, no colour conversion), at 8 bits or, for 10- and 12-bit streams, as 16-bit
  samples scaled to 8 bits after the downscale; other layouts (GIF palettes, RGB) are converted
  to grey by the decoder library;
- **rotation** from the display matrix (phone clips): the small analysis frame is turned upright,
  so the reported size, pans and tilts are those a viewer sees.

Every frame is reduced to a small *analysis* frame (short side about 90–120 px) by an integer
factor ``k``: 2× area halvings (OpenCV's vectorised path), then, unless ``k`` is a power of two,
a bilinear step of less than 2× (cropping at most ``k-1`` pixels). The averaging also removes most
per-pixel codec noise. Only the current frame is alive in full size, so memory does not grow with
clip length.

Undecodable input (zero bytes, text, truncated headers, absurd declared sizes) raises
:class:`~promptkit.errors.UnreadableVideo` with a one-line message; frame-count and wall-clock
limits make sure a broken stream can never hang a scoring worker.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np

from promptkit.errors import UnreadableVideo
from promptkit.metrics.opencv import cv2

ANALYSIS_SHORT_SIDE = 96
MAX_PIXELS = 8192 * 8192  # larger declared frames are treated as corrupt, not decoded
MAX_FRAMES = 200_000  # about 2 h at 30 fps: far beyond any generated clip
MAX_SECONDS = 900.0  # wall-clock cap per clip
DEFAULT_FPS = 25.0  # when the container declares no rate at all

# Planar YUV (and grey) layouts whose first plane is the luma, read without conversion. The
# value is the number of low bits to drop to reach 8 bits (P010-style formats keep their
# samples in the high bits of each 16-bit word).
_LUMA_SHIFT = {
    **dict.fromkeys(
        ("yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "yuvj444p", "yuv440p",
         "yuvj440p", "yuv411p", "yuv410p", "yuva420p", "yuva444p", "nv12", "nv21", "nv16",
         "gray"),
        0,
    ),
    **dict.fromkeys(
        ("yuv420p10le", "yuv422p10le", "yuv444p10le", "yuv440p10le", "yuva420p10le",
         "gray10le"),
        2,
    ),
    **dict.fromkeys(("yuv420p12le", "yuv422p12le", "yuv444p12le", "gray12le"), 4),
    **dict.fromkeys(("p010le", "p016le", "yuv420p16le", "yuv444p16le", "gray16le"), 8),
}  # fmt: skip
_FULL_RANGE = 2  # AVCOL_RANGE_JPEG
# Packed 8-bit RGB layouts (GIFs decode to BGRA) and the OpenCV conversion to grey of each: six
# times faster than the decoder library's general-purpose converter on a 256×256 frame.
_PACKED = {
    "bgra": cv2.COLOR_BGRA2GRAY,
    "rgba": cv2.COLOR_RGBA2GRAY,
    "bgr24": cv2.COLOR_BGR2GRAY,
    "rgb24": cv2.COLOR_RGB2GRAY,
}


@dataclass(frozen=True)
class VideoInfo:
    """What the container declares, before decoding (sizes as displayed, after rotation)."""

    path: Path
    width: int
    height: int
    fps: float
    declared_frames: int | None
    pixel_format: str = ""
    bit_depth: int = 8
    rotation: int = 0  # degrees the decoded picture is turned (anticlockwise) for display


@dataclass(frozen=True)
class Frame:
    """One decoded frame. ``luma()`` is only valid until the next frame is read."""

    index: int
    time_s: float
    small: np.ndarray  # uint8 analysis frame (short side ~96), upright
    limited_range: bool  # True when the luma is video-range (16–235), not full range
    _plane: np.ndarray  # the decoder's luma samples (8- or 16-bit), as decoded
    _shift: int = 0
    _turns: int = 0

    def luma(self) -> np.ndarray:
        """The full-size 8-bit luma, upright (made on demand: only a few frames need it)."""
        plane = self._plane
        if self._shift:
            plane = (plane >> self._shift).astype(np.uint8)
        return np.ascontiguousarray(np.rot90(plane, self._turns)) if self._turns else plane


def analysis_factor(width: int, height: int, short_side: int = ANALYSIS_SHORT_SIDE) -> int:
    """The integer downscale factor that brings the short side closest to ``short_side``."""
    return max(1, int(math.floor(min(width, height) / short_side + 0.5)))


def _rate(value: Fraction | None) -> float:
    fps = float(value) if value else 0.0
    return fps if math.isfinite(fps) and 0 < fps <= 1000 else 0.0


class FrameSource:
    """Sequential luma frames of one clip: ``with FrameSource(p) as src: for f in src: ...``."""

    def __init__(
        self,
        path: Path,
        *,
        short_side: int = ANALYSIS_SHORT_SIDE,
        max_frames: int = MAX_FRAMES,
        max_seconds: float = MAX_SECONDS,
    ) -> None:
        self.path = Path(path)
        self._short_side = short_side
        self._max_frames = max_frames
        self._max_seconds = max_seconds
        self._container: Any = None
        self._stream: Any = None
        self.frames_read = 0
        #: seconds from the first frame's start to the last frame's end (after iteration)
        self.duration_s = 0.0
        self._last_duration = 0.0
        self.info = self._open()
        # The first frame is decoded now: its rotation and layout are part of what the clip is.
        self._decoder = self._decoded()
        try:
            self._first = next(self._decoder)
        except StopIteration:
            raise self._fail("no frame could be decoded (truncated or not a video)") from None
        self._turns = self._orient(self._first)
        coded_w, coded_h = self._coded_size
        self.factor = analysis_factor(coded_w, coded_h, short_side)

    def _fail(self, why: str) -> UnreadableVideo:
        self.close()
        return UnreadableVideo(f"{self.path.name}: {why}")

    def _open(self) -> VideoInfo:
        try:
            size = self.path.stat().st_size
        except OSError as exc:
            raise UnreadableVideo(
                f"{self.path.name}: cannot read the file ({exc.strerror})"
            ) from exc
        if size == 0:
            raise UnreadableVideo(f"{self.path.name}: the file is empty (0 bytes)")
        try:
            self._container = av.open(str(self.path), mode="r")
        except (av.error.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
            raise self._fail(
                "not a video the decoder can open (unknown format or corrupt header)"
            ) from exc
        videos = self._container.streams.video
        if not videos:
            raise self._fail("the file has no video stream")
        stream = self._stream = videos[0]
        ctx = stream.codec_context
        ctx.thread_count = 1
        ctx.options = {"skip_loop_filter": "all"}
        width, height = int(ctx.width or 0), int(ctx.height or 0)
        if width <= 0 or height <= 0:
            raise self._fail("the video stream declares no frame size")
        if width * height > MAX_PIXELS:
            raise self._fail(f"declared frame size {width}x{height} is implausibly large")
        self._coded_size = (width, height)
        fps = _rate(stream.average_rate) or _rate(stream.guessed_rate) or _rate(stream.base_rate)
        declared = int(stream.frames) if 0 < (stream.frames or 0) < 10 * MAX_FRAMES else None
        pix = ctx.format.name if ctx.format is not None else ""
        bits = 8 + _LUMA_SHIFT.get(pix, 0) if pix in _LUMA_SHIFT else 8
        return VideoInfo(self.path, width, height, fps, declared, pix, bits)

    @property
    def analysis_size(self) -> tuple[int, int]:
        """(width, height) of the analysis frames, upright."""
        w, h = self._coded_size
        aw, ah = w // self.factor, h // self.factor
        return (ah, aw) if self._turns % 2 else (aw, ah)

    def _downscaler(self, width: int, height: int) -> Callable[[np.ndarray], np.ndarray]:
        """A function plane -> analysis frame: ``k×`` smaller, low-passed, done cheaply.

        OpenCV vectorises area interpolation only at exactly 2×; any other factor takes a scalar
        path (0.18 ms for 720p → 160×90 at 8×, 0.09 ms for 480p at 5×, 0.40 ms for 1080p at
        11×: as much as decoding a low-bitrate frame). So the frame is halved with 2× area steps
        while the remaining factor is at least 2 (a power-of-two factor, 720p's 8×, ends there:
        an exact ``k×k`` box average). A remaining factor between 1 and 2 is then a bilinear
        resize of the already small frame: below 2× every source pixel still contributes to an
        output pixel, so nothing is skipped. Each step keeps the sample type (8 or 16 bits).
        """
        k = self.factor
        aw, ah = width // k, height // k
        if k == 1:
            return lambda plane: plane[:ah, :aw].copy()
        halvings = k.bit_length() - 1
        step = 1 << halvings
        # The region the analysis frame covers (``k`` pixels per output pixel), cropped to a
        # multiple of the halving steps.
        full_w, full_h = aw * k // step * step, ah * k // step * step
        resize, area, linear = cv2.resize, cv2.INTER_AREA, cv2.INTER_LINEAR
        sizes = [(full_w >> i, full_h >> i) for i in range(1, halvings + 1)]
        final = (aw, ah)
        exact = sizes[-1] == final
        # At exactly 2× a bilinear resize samples between each pair of pixels: the same 2×2 box
        # average as area interpolation (bit for bit), and OpenCV's faster path for 16-bit
        # samples (0.11 against 0.19 ms for a 720p frame); for 8 bits area is the faster one.
        halve = area if self.info.bit_depth == 8 else linear

        def downscale(plane: np.ndarray) -> np.ndarray:
            img = plane[:full_h, :full_w]
            for size in sizes:
                img = resize(img, size, interpolation=halve)
            return img if exact else resize(img, final, interpolation=linear)

        return downscale

    def _plane(self, frame: Any) -> tuple[np.ndarray, int, bool]:
        """(luma samples as decoded, bits to drop, video range) of one frame, without a copy."""
        name = frame.format.name
        shift = _LUMA_SHIFT.get(name)
        limited = frame.color_range != _FULL_RANGE and not name.startswith("yuvj")
        if name in _PACKED:
            plane = frame.planes[0]
            channels = 4 if name.endswith("a") else 3
            packed = np.frombuffer(plane, np.uint8).reshape(frame.height, plane.line_size)
            pixels = packed[:, : frame.width * channels].reshape(frame.height, -1, channels)
            return cv2.cvtColor(pixels, _PACKED[name]), 0, False
        if shift is None:  # palette, big-endian...: the library converts to full-range grey
            frame = frame.reformat(format="gray")
            shift, limited = 0, False
        plane = frame.planes[0]
        dtype = np.uint16 if plane.line_size >= 2 * frame.width and shift else np.uint8
        samples = np.frombuffer(plane, dtype)
        line = plane.line_size // samples.itemsize
        rows = samples.size // line
        return samples.reshape(rows, line)[: frame.height, : frame.width], shift, limited

    def __iter__(self) -> Iterator[Frame]:
        if self._container is None or self.frames_read:
            raise UnreadableVideo(f"{self.path.name}: the video is closed or already read")
        return self._frames()

    def _frames(self) -> Iterator[Frame]:
        """Analysis frames in order, timed by the container, within the limits."""
        width, height = self._coded_size
        downscale = self._downscaler(width, height)
        nominal = 1.0 / (self.info.fps or DEFAULT_FPS)
        max_frames = self._max_frames
        deadline = time.monotonic() + self._max_seconds
        first: float | None = None
        last_t = -math.inf
        last_dt = nominal
        turns = self._turns
        tb = self._stream.time_base
        unit = float(tb) if tb else 0.0
        index = 0
        for index, frame in enumerate(itertools.chain([self._first], self._decoder)):  # noqa: B007
            plane, shift, limited = self._plane(frame)
            pts = frame.pts
            if pts is None or not unit:
                t_s = last_t + nominal if index else 0.0
            else:
                first = pts * unit if first is None else first
                t_s = pts * unit - first
            if t_s <= last_t:  # missing or repeated timestamps: keep the clock moving
                t_s = last_t + last_dt
            if index:
                last_dt = t_s - last_t
            last_t = t_s
            small = downscale(plane)
            if shift:
                small = ((small + (1 << (shift - 1))) >> shift).astype(np.uint8)
            if turns:
                small = np.ascontiguousarray(np.rot90(small, turns))
            yield Frame(index, t_s, small, limited, plane, shift, turns)
            self.frames_read = index + 1
            if index + 1 >= max_frames:
                raise self._fail(f"more than {max_frames} frames; refusing to score")
            if index % 256 == 255 and time.monotonic() > deadline:
                raise self._fail(f"decoding took longer than {self._max_seconds:.0f} s")
        self.duration_s = last_t + (self._last_duration or last_dt)

    def _orient(self, frame: Any) -> int:
        """Quarter turns (anticlockwise) that make the picture upright; updates ``info``."""
        rotation = int(round(getattr(frame, "rotation", 0) or 0)) % 360
        turns = (rotation + 45) // 90 % 4
        if turns:
            info = self.info
            w, h = (info.height, info.width) if turns % 2 else (info.width, info.height)
            self.info = VideoInfo(info.path, w, h, info.fps, info.declared_frames,
                                  info.pixel_format, info.bit_depth, turns * 90)  # fmt: skip
        return turns

    def _decoded(self) -> Iterator[Any]:
        """Decoded frames; a decoder error after the first frame ends the clip (truncated)."""
        stream = self._stream
        container = self._container
        count = 0
        frame = None
        try:
            for frame in container.decode(stream):
                count += 1
                yield frame
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            if count == 0:
                raise self._fail("the decoder failed on the first frame") from exc
        finally:
            # How long the last frame is shown: the clip ends then, not at its start.
            if frame is not None and frame.duration and frame.time_base is not None:
                self._last_duration = float(frame.duration * frame.time_base)

    def close(self) -> None:
        container, self._container = self._container, None
        if container is not None:
            container.close()

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
