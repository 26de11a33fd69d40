"""Synthetic clips with known motion, x264-encoded through PyAV (made by the tests, never stored).

Every clip is a textured scene (multi-scale noise plus a few shapes, so flow and block
differences have something to lock on to) moved by a known camera path, then encoded at
crf 23 like a typical generator output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

W, H = 320, 180
FPS = 24


def texture(seed: int, width: int = 2 * W, height: int = 2 * H) -> np.ndarray:
    """A grey texture with detail at every scale (uint8)."""
    rng = np.random.default_rng(seed)
    acc = np.zeros((height, width), np.float32)
    for scale, weight in ((4, 1.0), (16, 1.5), (64, 2.0)):
        small = rng.normal(size=(height // scale + 2, width // scale + 2)).astype(np.float32)
        acc += (
            weight
            * cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)[:height, :width]
        )
    acc = (acc - acc.mean()) / (acc.std() + 1e-6)
    img = np.clip(128 + 40 * acc, 20, 235).astype(np.uint8)
    for _k in range(6):
        cx, cy = rng.integers(0, width), rng.integers(0, height)
        cv2.circle(
            img, (int(cx), int(cy)), int(rng.integers(8, 30)), int(rng.integers(30, 225)), -1
        )
    return img


def view(
    tex: np.ndarray, dx: float = 0.0, dy: float = 0.0, scale: float = 1.0, angle: float = 0.0
) -> np.ndarray:
    """The W×H window at the texture centre, moved by (dx, dy) px, zoomed and rolled (degrees)."""
    th, tw = tex.shape
    m = cv2.getRotationMatrix2D((tw / 2, th / 2), angle, scale)
    m[0, 2] += dx - (tw - W) / 2
    m[1, 2] += dy - (th - H) / 2
    return cv2.warpAffine(tex, m, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def write(
    path: Path,
    frames: Iterable[np.ndarray],
    fps: int = FPS,
    crf: int = 23,
    bt709: bool = False,
    pix_fmt: str = "yuv420p",
    rotation: int = 0,
    times: Sequence[float] | None = None,
) -> Path:
    """Encode grey frames as H.264 (``bt709``: tag the colour space, as cameras do; ``rotation``:
    a display rotation in degrees, as phones write; ``times``: presentation times in seconds,
    for a variable frame rate)."""
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height = W, H
        stream.pix_fmt = pix_fmt
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        if times is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            stream.set_display_rotation(rotation)
        if bt709:
            ctx = stream.codec_context
            ctx.colorspace = ctx.color_primaries = ctx.color_trc = 1  # BT.709
            ctx.color_range = 1  # limited ("tv")
        for i, img in enumerate(frames):
            rgb = cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            if pix_fmt != "yuv420p":
                frame = frame.reformat(format=pix_fmt)
            if times is not None:
                frame.pts = int(round(times[i] * 1000))
                frame.time_base = Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def noisy(img: np.ndarray, rng: np.random.Generator, sigma: float = 2.0) -> np.ndarray:
    return np.clip(img.astype(np.float32) + rng.normal(0, sigma, img.shape), 0, 255).astype(
        np.uint8
    )


def moving(n: int, step: Callable[[int], np.ndarray]) -> list[np.ndarray]:
    return [step(i) for i in range(n)]


# --- the scenes ---------------------------------------------------------------------------------


def static_noise(path: Path, seconds: float = 2.0) -> Path:
    tex, rng = texture(1), np.random.default_rng(7)
    base = view(tex)
    return write(path, (noisy(base, rng) for _ in range(int(seconds * FPS))))


def static_flicker(path: Path, seconds: float = 2.0) -> Path:
    base = view(texture(2)).astype(np.float32)
    n = int(seconds * FPS)
    return write(
        path,
        (
            np.clip(base * (1 + 0.05 * np.sin(2 * np.pi * i / 6)), 0, 255).astype(np.uint8)
            for i in range(n)
        ),
    )


def zoom(path: Path, start: float, end: float, seconds: float = 2.0) -> Path:
    tex, n = texture(3), int(seconds * FPS)
    return write(path, (view(tex, scale=start + (end - start) * i / (n - 1)) for i in range(n)))


def pan(
    path: Path,
    vx: float,
    vy: float,
    seconds: float = 2.0,
    bt709: bool = False,
    pix_fmt: str = "yuv420p",
    rotation: int = 0,
) -> Path:
    """Content moves by (vx, vy) px per frame."""
    tex = texture(4)
    frames = (view(tex, dx=vx * i, dy=vy * i) for i in range(int(seconds * FPS)))
    return write(path, frames, bt709=bt709, pix_fmt=pix_fmt, rotation=rotation)


def vfr_freeze(path: Path) -> tuple[Path, float, float]:
    """A pan at 24 fps for 1 s, then 12 fps, frozen from 2.0 to 3.5 s of presentation time
    (frames 36-53), moving again to 4.5 s; returns (path, freeze start, freeze end). Timing by
    frame index over the average rate would put this freeze about 0.5 s early."""
    times = [i / 24 for i in range(24)] + [1 + i / 12 for i in range(42)]
    tex = texture(13)

    def position(t: float) -> float:
        return 2.0 * 24 * (min(t, 2.0) + max(0.0, t - 3.5))

    frames = [view(tex, dx=position(t)) for t in times]
    return write(path, frames, times=times), 2.0, 3.5


def roll(path: Path, degrees_per_frame: float, seconds: float = 2.0) -> Path:
    tex = texture(5)
    return write(path, (view(tex, angle=degrees_per_frame * i) for i in range(int(seconds * FPS))))


def shake(path: Path, amplitude: float = 3.0, seconds: float = 2.0) -> Path:
    tex, rng = texture(6), np.random.default_rng(3)
    n = int(seconds * FPS)
    offsets = rng.uniform(-amplitude, amplitude, size=(n, 2))
    return write(path, (view(tex, dx=offsets[i, 0], dy=offsets[i, 1]) for i in range(n)))


def holds(path: Path, repeat: int = 3, seconds: float = 3.0) -> Path:
    """Content made at FPS/repeat, each frame shown ``repeat`` times (frame-rate conversion)."""
    tex = texture(7)
    return write(
        path, (view(tex, dx=2.0 * repeat * (i // repeat)) for i in range(int(seconds * FPS)))
    )


def partial_freeze(path: Path, start_s: float, end_s: float, seconds: float = 3.0) -> Path:
    """A pan that stops dead (bit-identical frames) from ``start_s`` to ``end_s``."""
    tex, n = texture(8), int(seconds * FPS)
    a, b = int(round(start_s * FPS)), int(round(end_s * FPS))

    def position(i: int) -> float:
        return 2.0 * (min(i, a) + max(0, i - b))

    return write(path, (view(tex, dx=position(i)) for i in range(n)))


def black_middle(path: Path, seconds: float = 2.0) -> Path:
    tex, n = texture(9), int(seconds * FPS)
    black = np.full((H, W), 16, np.uint8)
    return write(
        path, (black if n // 3 <= i < n // 3 + 8 else view(tex, dx=2.0 * i) for i in range(n))
    )


def fade_out(path: Path, seconds: float = 2.0) -> Path:
    tex, n = texture(10), int(seconds * FPS)
    start = n // 3

    def frame(i: int) -> np.ndarray:
        gain = 1.0 if i < start else max(0.0, 1 - (i - start) / (n - 1 - start))
        return (view(tex, dx=2.0 * i).astype(np.float32) * gain).astype(np.uint8)

    return write(path, (frame(i) for i in range(n)))


def cut(path: Path, seconds: float = 2.0) -> Path:
    a, b, n = texture(11), texture(12), int(seconds * FPS)
    return write(path, (view(a if i < n // 2 else b, dx=2.0 * i) for i in range(n)))


def fine_pan(path: Path, seconds: float = 2.0) -> Path:
    """A steady 3 px/frame pan over fine grain only (gravel, grass): its pixels stop correlating
    after a few pixels, so frame differences saturate within 1/8 s although the camera moves."""
    rng = np.random.default_rng(9)
    n = int(seconds * FPS)
    small = rng.normal(size=(H // 2 + 8, (W + 3 * n) // 2 + 8)).astype(np.float32)
    tex = cv2.resize(small, (small.shape[1] * 2, small.shape[0] * 2), interpolation=cv2.INTER_CUBIC)
    tex = np.clip(128 + 35 * tex, 16, 235).astype(np.uint8)
    return write(path, (np.ascontiguousarray(tex[8 : 8 + H, 3 * i : 3 * i + W]) for i in range(n)))
