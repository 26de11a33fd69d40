"""Frame source: the only module in promptkit that opens videos for reading.

A clip is decoded once, sequentially (seeking re-decodes from the previous keyframe and is 6–30×
slower on long-GOP H.264), with one decoder thread: clip-level parallelism across processes beats
frame threads on small machines. OpenCV's FFmpeg backend is asked not to convert colour
(``CAP_PROP_CONVERT_RGB=0``), which hands back the decoder's 8-bit luma plane and skips the
YUV→BGR conversion that otherwise costs as much as decoding. Inputs that come back in another
layout (GIF gives BGRA, some codecs give BGR) are converted to grey instead, and so are
colour-tagged streams, on which OpenCV 5 makes that luma plane slow (see ``PROBE_FRAMES``).

Every frame is reduced to a small *analysis* frame (short side about 90–120 px) by an integer
factor ``k``: 2× area halvings (OpenCV's vectorised path), then, unless ``k`` is a power of two,
a bilinear step of less than 2× (cropping at most ``k-1`` pixels). The averaging also removes most
per-pixel codec noise.

By default a thread decodes ``PREFETCH`` frames ahead of the detectors (``prefetch.py``). Only
those few full-size frames are alive at any time, in reused buffers, so memory does not grow
with clip length.

Undecodable input (zero bytes, text, truncated headers, absurd declared sizes) raises
:class:`~promptkit.errors.UnreadableVideo` with a one-line message; frame-count and wall-clock
limits make sure a broken stream can never hang a scoring worker.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from promptkit.errors import UnreadableVideo
from promptkit.metrics.opencv import cv2
from promptkit.metrics.prefetch import prefetched

ANALYSIS_SHORT_SIDE = 96
MAX_PIXELS = 8192 * 8192  # larger declared frames are treated as corrupt, not decoded
MAX_FRAMES = 200_000  # about 2 h at 30 fps: far beyond any generated clip
MAX_SECONDS = 900.0  # wall-clock cap per clip
OPEN_TIMEOUT_MS = 20_000
PREFETCH = 4  # frames decoded ahead of the detectors (see promptkit.metrics.prefetch)
# Fetching the decoder's Y plane is normally a plain copy, about 0.05 ms per megapixel. When the
# stream tags its colour matrix (BT.709: camera, web and many generated clips), OpenCV 5 sends
# that "raw" frame through a colour-converting swscale pass instead: 1.3-1.5 ms per megapixel,
# three times its own BGR conversion. The first frames' fetch times tell the two apart (a 6x
# margin either way); above this the clip is reopened and read as BGR, converted to grey.
PROBE_FRAMES = 6  # the first fetch is not timed; the fastest of the other five decides
SLOW_LUMA_FIXED_S = 20e-6  # per fetch
SLOW_LUMA_PIXEL_S = 0.4e-9  # per pixel (0.4 ms per megapixel)


@dataclass(frozen=True)
class VideoInfo:
    """What the container declares, before decoding."""

    path: Path
    width: int
    height: int
    fps: float
    declared_frames: int | None


@dataclass(frozen=True)
class Frame:
    """One decoded frame. ``luma`` is only valid until the next frame is read."""

    index: int
    time_s: float
    small: np.ndarray  # uint8 analysis frame (short side ~96)
    luma: np.ndarray  # uint8 full-size luma (or grey) frame
    limited_range: bool  # True when luma comes straight from a YUV plane (16–235)


def analysis_factor(width: int, height: int, short_side: int = ANALYSIS_SHORT_SIDE) -> int:
    """The integer downscale factor that brings the short side closest to ``short_side``."""
    return max(1, int(math.floor(min(width, height) / short_side + 0.5)))


class FrameSource:
    """Sequential luma frames of one clip: ``with FrameSource(p) as src: for f in src: ...``."""

    #: times the Y-plane fetches of the first frames (replaceable in tests)
    clock: Callable[[], float] = staticmethod(time.perf_counter)

    def __init__(
        self,
        path: Path,
        *,
        short_side: int = ANALYSIS_SHORT_SIDE,
        max_frames: int = MAX_FRAMES,
        max_seconds: float = MAX_SECONDS,
        prefetch: int = PREFETCH,
    ) -> None:
        self.path = Path(path)
        self._short_side = short_side
        self._max_frames = max_frames
        self._max_seconds = max_seconds
        self._prefetch = prefetch
        self._cap: cv2.VideoCapture | None = None
        self._active: Generator[object, None, None] | None = None  # the decoding thread
        self.frames_read = 0
        #: "y-plane" (the decoder's luma) or "bgr" (converted to grey; see PROBE_FRAMES)
        self.luma_source = "y-plane"
        self.info = self._open()
        self.factor = analysis_factor(self.info.width, self.info.height, short_side)

    def _fail(self, why: str) -> UnreadableVideo:
        self._release()  # may run in the decoding thread: only the decoder goes
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
        cap = self._capture(convert_rgb=False)
        width = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))
        height = int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
        if width <= 0 or height <= 0:
            raise self._fail("the video stream declares no frame size")
        if width * height > MAX_PIXELS:
            raise self._fail(f"declared frame size {width}x{height} is implausibly large")
        fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        if not math.isfinite(fps) or fps <= 0 or fps > 1000:
            fps = 0.0
        count = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        # Containers without a duration (some WebM) report garbage, often negative.
        declared = int(count) if math.isfinite(count) and 0 < count < 10 * MAX_FRAMES else None
        return VideoInfo(
            path=self.path,
            width=width,
            height=height,
            fps=fps,
            declared_frames=declared,
        )

    def _capture(self, *, convert_rgb: bool) -> cv2.VideoCapture:
        """Open (or reopen) the clip; ``convert_rgb`` asks OpenCV for BGR instead of the Y plane."""
        params = [
            cv2.CAP_PROP_CONVERT_RGB, int(convert_rgb),
            cv2.CAP_PROP_N_THREADS, 1,
            cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, OPEN_TIMEOUT_MS,
            cv2.CAP_PROP_READ_TIMEOUT_MSEC, OPEN_TIMEOUT_MS,
        ]  # fmt: skip
        try:
            cap = cv2.VideoCapture(str(self.path), cv2.CAP_FFMPEG, params)
        except cv2.error as exc:
            self._release()
            raise UnreadableVideo(f"{self.path.name}: not a video the decoder can open") from exc
        self._cap = cap
        if not cap.isOpened():
            raise self._fail("not a video the decoder can open (unknown format or corrupt header)")
        return cap

    @property
    def analysis_size(self) -> tuple[int, int]:
        """(width, height) of the analysis frames."""
        return self.info.width // self.factor, self.info.height // self.factor

    def _to_luma(self, raw: np.ndarray) -> tuple[np.ndarray, bool]:
        """(grey frame, limited range) from what OpenCV returned."""
        h, w = self.info.height, self.info.width
        if self._is_y_plane(raw):
            return raw[:h], True
        if raw.ndim == 3 and raw.shape[2] in (3, 4) and raw.dtype == np.uint8:
            code = cv2.COLOR_BGRA2GRAY if raw.shape[2] == 4 else cv2.COLOR_BGR2GRAY
            return cv2.cvtColor(raw, code), False
        if raw.ndim == 2 and raw.dtype == np.uint16 and raw.shape[1] == w:
            return (raw[:h] >> 8).astype(np.uint8), True
        # Raised with the detectors, while the decoding thread may still run: ``close`` stops it
        # before the decoder goes.
        raise UnreadableVideo(
            f"{self.path.name}: unsupported decoded frame layout {raw.shape} {raw.dtype}"
        )

    def _is_y_plane(self, raw: np.ndarray) -> bool:
        """The decoder's 8-bit Y plane (OpenCV may append chroma rows for planar formats)."""
        h, w = self.info.height, self.info.width
        return raw.ndim == 2 and raw.dtype == np.uint8 and raw.shape[1] == w and raw.shape[0] >= h

    def _downscaler(self) -> Callable[[np.ndarray], np.ndarray]:
        """A function luma -> analysis frame: ``k×`` smaller, low-passed, done cheaply.

        OpenCV vectorises area interpolation only at exactly 2×; any other factor takes a scalar
        path (0.18 ms for 720p → 160×90 at 8×, 0.09 ms for 480p at 5×, 0.40 ms for 1080p at
        11×: as much as decoding a low-bitrate frame). So the frame is halved with 2× area steps
        into preallocated buffers while the remaining factor is at least 2 (a power-of-two
        factor, 720p's 8×, ends there: an exact ``k×k`` box average). A remaining factor between
        1 and 2 is then a bilinear resize of the already small frame: below 2× every source pixel
        still contributes to an output pixel, so nothing is skipped, at a fifth of the cost of
        area interpolation at a non-integer factor. Each step rounds to uint8; the rounding is the
        same for identical input, so exact duplicates stay exact.
        """
        k = self.factor
        aw, ah = self.analysis_size
        if k == 1:
            return lambda luma: luma[:ah, :aw].copy()
        halvings = k.bit_length() - 1
        step = 1 << halvings
        # The region the analysis frame covers (``k`` pixels per output pixel), cropped to a
        # multiple of the halving steps.
        full_w, full_h = aw * k // step * step, ah * k // step * step
        resize, area, linear = cv2.resize, cv2.INTER_AREA, cv2.INTER_LINEAR
        sizes = [(full_w >> i, full_h >> i) for i in range(1, halvings + 1)]
        stages = [(size, np.empty((size[1], size[0]), np.uint8)) for size in sizes]
        final = (aw, ah)
        exact = sizes[-1] == final

        def downscale(luma: np.ndarray) -> np.ndarray:
            img = luma[:full_h, :full_w]
            for size, buf in stages:
                img = resize(img, size, buf, interpolation=area)
            # The analysis frame is kept by detectors (rings of recent frames): a fresh array.
            return img.copy() if exact else resize(img, final, interpolation=linear)

        return downscale

    def __iter__(self) -> Iterator[Frame]:
        if self._cap is None:
            raise UnreadableVideo(f"{self.path.name}: the video is closed")
        if self._prefetch <= 0:
            return self._frames(self._decoded(buffers=1))
        # The thread only decodes; the grey conversion and the downscale run with the detectors,
        # which balances the two (decoding is the longer half). Each frame waiting in the queue,
        # the one being made and the one the detectors hold keep their own buffer.
        decoded = prefetched(self._decoded(buffers=self._prefetch + 2), self._prefetch)
        self._active = decoded
        return self._frames(decoded)

    def _frames(self, decoded: Iterator[np.ndarray]) -> Iterator[Frame]:
        """Analysis frames in order, with the frame-count and wall-clock limits."""
        downscale = self._downscaler()
        fps = self.info.fps or 25.0
        max_frames = self._max_frames
        deadline = time.monotonic() + self._max_seconds
        index = 0
        stop = getattr(decoded, "close", lambda: None)  # the decoding thread, before the decoder
        try:
            for raw in decoded:
                luma, limited = self._to_luma(raw)
                yield Frame(index, index / fps, downscale(luma), luma, limited)
                index += 1
                self.frames_read = index
                if index >= max_frames:
                    stop()
                    raise self._fail(f"more than {max_frames} frames; refusing to score")
                if index % 256 == 0 and time.monotonic() > deadline:
                    stop()
                    raise self._fail(f"decoding took longer than {self._max_seconds:.0f} s")
        finally:
            stop()
        if index == 0:
            raise self._fail("no frame could be decoded (truncated or not a video)")

    def _decoded(self, buffers: int) -> Iterator[np.ndarray]:
        """Each decoded frame as OpenCV returns it: the Y plane or, if that is slow, BGR."""
        cap = self._cap
        assert cap is not None
        h, w = self.info.height, self.info.width
        slow = SLOW_LUMA_FIXED_S + SLOW_LUMA_PIXEL_S * h * w
        probing = self.luma_source == "y-plane"
        held: list[np.ndarray] = []  # copies of the probed frames, until the verdict
        fastest = math.inf
        grab, retrieve, clock = cap.grab, cap.retrieve, self.clock
        # Decoded frames land in reused buffers (no 1 MB allocation per frame, whose page faults
        # would also blur the probe's timing); OpenCV reallocates one by itself if a frame comes
        # back in another shape.
        slots: list[np.ndarray | None] = [None] * buffers
        count = 0
        while True:
            # While probing, one buffer is reused (the held frames are copies).
            slot = 0 if probing else count % buffers
            try:
                ok = grab()
                if ok:
                    start = clock()
                    ok, raw = retrieve(slots[slot])
                    took = clock() - start
            except cv2.error as exc:
                if count == 0:
                    raise self._fail("the decoder failed on the first frame") from exc
                break  # a truncated tail: score what decoded
            if not ok or raw is None:
                break
            slots[slot] = raw
            if count > 0:  # the first fetch also sets up OpenCV's converter: not timed
                fastest = min(fastest, took)
            count += 1
            probing = probing and self._is_y_plane(raw)  # other layouts: no fetch to time
            if not probing:
                yield from held
                held.clear()
                yield raw
                continue
            held.append(raw.copy())
            if len(held) < PROBE_FRAMES:
                continue
            probing = False
            if fastest > slow:
                yield from self._reread_as_bgr(buffers)
                return
            yield from held
            held.clear()
        yield from held  # a clip shorter than the probe

    def _reread_as_bgr(self, buffers: int) -> Iterator[np.ndarray]:
        """Start the clip over with OpenCV's BGR conversion (see ``SLOW_LUMA_PIXEL_S``)."""
        self._release()
        self._capture(convert_rgb=True)
        self.luma_source = "bgr"
        yield from self._decoded(buffers)

    def close(self) -> None:
        active, self._active = self._active, None
        if active is not None:
            active.close()  # stops and joins the decoding thread before the decoder goes
        self._release()

    def _release(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
