"""The only place the simulator encodes (and decodes) video: PyAV, libx264, yuv420p, 24 fps.

``render_clip`` turns a :class:`RenderJob` (prompt, size, frame count, seed, optional source image
or input video) into MP4 bytes plus the sidecar of the motion it was drawn with. Output depends on
nothing but the job, so the same request renders the same bytes. Inputs from clients (data-URI
images and videos) are decoded here too; anything PyAV cannot read raises :class:`MediaError`,
which the app turns into a 400.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

import av
import numpy as np

from promptkit.errors import SimulatorError
from promptkit.models import FPS
from promptkit.sim.cues import parse_cues
from promptkit.sim.scene import PALETTES, MotionPlan, Scene, plan_motion, split_planes


class MediaError(SimulatorError):
    """An input image or video could not be decoded."""


# Inputs come from clients: refuse absurd sizes before decoding a single frame.
MAX_INPUT_SIDE = 4096


def _check_size(width: int, height: int, what: str) -> None:
    if width > MAX_INPUT_SIDE or height > MAX_INPUT_SIDE:
        raise MediaError(f"the {what} is {width}x{height}; at most {MAX_INPUT_SIDE} px a side")


@contextlib.contextmanager
def _decoding(what: str) -> Iterator[None]:
    """Read client bytes: any PyAV failure in the block means the ``what`` cannot be decoded."""
    try:
        yield
    except MediaError:
        raise
    except Exception as exc:  # a client's bad input is a 400, never a crash of the render
        raise MediaError(f"the {what} cannot be decoded ({type(exc).__name__})") from exc


@dataclass(frozen=True)
class VideoInfo:
    """What the simulator needs to know about an input video."""

    frames: int
    width: int
    height: int

    @property
    def duration_s(self) -> float:
        return self.frames / FPS


@dataclass(frozen=True)
class RenderJob:
    """Everything a clip is rendered from (and nothing else: determinism depends on it)."""

    kind: Literal["generation", "extension", "edit"]
    prompt: str
    width: int
    height: int
    frames: int
    seed: int
    image: bytes | None = None
    # ``image`` already decoded at the job's size (the app decodes it to validate the request).
    first_frame: np.ndarray | None = field(default=None, compare=False, repr=False)
    input_video: bytes | None = None
    input_sidecar: dict[str, Any] | None = None
    frozen_rate: float = 0.1
    drift_rate: float = 0.2
    preset: str = "ultrafast"
    crf: int = 28


@dataclass
class RenderedClip:
    """An encoded clip and its ground truth."""

    data: bytes
    sidecar: dict[str, Any] = field(default_factory=dict)


def render_clip(job: RenderJob) -> RenderedClip:
    """Render ``job`` to MP4 bytes; frame count is exact (``job.frames`` new frames + any input)."""
    if job.kind == "edit":
        return _render_edit(job)
    cues = parse_cues(job.prompt)
    first = job.first_frame
    if first is None and job.image:
        first = decode_image(job.image, job.width, job.height)
    prefix: list[np.ndarray] = []
    width, height = job.width, job.height
    if job.kind == "extension":
        assert job.input_video is not None
        prefix, width, height = decode_frames(job.input_video)
        first = prefix[-1]
    plan = plan_motion(
        cues,
        seed=job.seed,
        width=width,
        height=height,
        frames=job.frames + 1,
        frozen_rate=job.frozen_rate,
        drift_rate=job.drift_rate,
    )
    scene = Scene(plan, first_frame=first)
    # An extension continues from the input's last frame, so its own frame 0 is skipped.
    start = 1 if job.kind == "extension" else 0
    new = (scene.frame(i) for i in range(start, start + job.frames))
    # A still picture is coded losslessly: otherwise x264 keeps refining it frame after frame
    # and a "frozen" clip would decode with small changes.
    crf = 0 if plan.still and not prefix else job.crf
    data = encode(_chain(prefix, new), width, height, preset=job.preset, crf=crf)
    sidecar = plan.to_sidecar()
    sidecar.update(
        frames=len(prefix) + job.frames,
        duration_s=(len(prefix) + job.frames) / FPS,
        width=width,
        height=height,
        source=job.kind,
        input_frames=len(prefix),
        image_first_frame=job.image is not None,
    )
    return RenderedClip(data=data, sidecar=sidecar)


def _chain(prefix: list[np.ndarray], new: Any) -> Any:
    yield from prefix
    yield from new


def _render_edit(job: RenderJob) -> RenderedClip:
    """An edit keeps the input's frames and length; the prompt tints it and adds particles."""
    assert job.input_video is not None
    frames, width, height = decode_frames(job.input_video, max_short_side=720)
    cues = parse_cues(job.prompt)
    plan = MotionPlan(
        seed=job.seed,
        width=width,
        height=height,
        frames=len(frames),
        particles=cues.particles,
        palette=cues.palette,
        cues=cues.to_dict(),
    )
    scene = Scene(plan, first_frame=frames[0])
    _, u_mean, v_mean = PALETTES[cues.palette][1:4]
    tint = cues.palette != "natural"

    def edited() -> Any:
        for i, buf in enumerate(frames):
            y, u, v = split_planes(buf, width, height)
            if tint:
                u[:] = ((u.astype(np.uint16) + u_mean) // 2).astype(np.uint8)
                v[:] = ((v.astype(np.uint16) + v_mean) // 2).astype(np.uint8)
            scene.draw_particles(y, i)
            yield buf

    data = encode(edited(), width, height, preset=job.preset, crf=job.crf)
    sidecar = dict(job.input_sidecar or {})
    sidecar.update(plan.to_sidecar() if not job.input_sidecar else {})
    sidecar.update(
        seed=job.seed,
        frames=len(frames),
        duration_s=len(frames) / FPS,
        width=width,
        height=height,
        source="edit",
        input_frames=len(frames),
        particles=sorted(set(sidecar.get("particles", [])) | set(cues.particles)),
        palette=cues.palette if tint else sidecar.get("palette", "natural"),
        cues=cues.to_dict(),
    )
    return RenderedClip(data=data, sidecar=sidecar)


def encode(
    frames: Any, width: int, height: int, *, preset: str = "ultrafast", crf: int = 28
) -> bytes:
    """Encode yuv420p buffers of shape (h*3/2, w) to an H.264 MP4 at 24 fps, one frame each."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, FPS)
        # One thread per encode keeps output bit-identical and lets the pool use the cores.
        stream.options = {"preset": preset, "crf": str(crf), "threads": "1"}
        for i, buf in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(buf, format="yuv420p")
            frame.pts = i
            frame.time_base = Fraction(1, FPS)
            container.mux(stream.encode(frame))
            # Hand the GIL over between frames so the server's event loop answers promptly.
            time.sleep(0)
        container.mux(stream.encode(None))
    return out.getvalue()


def probe_video(data: bytes) -> VideoInfo:
    """Frame count and size of an input video, counted from its packets (no decoding)."""
    with _decoding("input video"), av.open(io.BytesIO(data), "r") as container:
        if not container.streams.video:
            raise MediaError("the input has no video stream")
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        _check_size(width, height, "input video")
        count = sum(1 for p in container.demux(stream) if p.size)
        rate = float(stream.average_rate or FPS)
    if count == 0 or width <= 0 or height <= 0:
        raise MediaError("the input video has no frames")
    # Report the length in 24-fps frames so prefixes keep their real duration.
    frames = max(1, round(count * FPS / rate)) if rate > 0 else count
    return VideoInfo(frames=frames, width=width, height=height)


def decode_frames(
    data: bytes, *, max_short_side: int | None = None
) -> tuple[list[np.ndarray], int, int]:
    """Decode every frame of ``data`` to yuv420p buffers (even size; short side capped if asked)."""
    frames: list[np.ndarray] = []
    with _decoding("input video"), av.open(io.BytesIO(data), "r") as container:
        stream = container.streams.video[0]
        w, h = stream.codec_context.width, stream.codec_context.height
        _check_size(w, h, "input video")
        if max_short_side and min(w, h) > max_short_side:
            k = max_short_side / min(w, h)
            w, h = int(w * k), int(h * k)
        w, h = w - w % 2, h - h % 2
        for frame in container.decode(stream):
            frames.append(frame.reformat(width=w, height=h, format="yuv420p").to_ndarray())
    if not frames:
        raise MediaError("the input video has no frames")
    return frames, w, h


def decode_image(data: bytes, width: int, height: int) -> np.ndarray:
    """Decode a PNG/JPEG/WebP image and scale it to ``width``×``height`` as a yuv420p buffer."""
    with _decoding("image"), av.open(io.BytesIO(data), "r") as container:
        stream = container.streams.video[0]
        _check_size(stream.codec_context.width, stream.codec_context.height, "image")
        frame = next(container.decode(stream))
        buf: np.ndarray = frame.reformat(width=width, height=height, format="yuv420p").to_ndarray()
    return buf
