"""The simulator's picture: a motion plan decided from prompt cues, and numpy drawing of frames.

A :class:`MotionPlan` is the ground truth a clip is rendered with (it becomes the clip's sidecar);
a :class:`Scene` draws frame ``i`` of a plan straight into a yuv420p buffer. Everything is cheap
array work so that rendering stays far faster than real time: a periodic textured background is
made once per clip and only cropped (pan, tilt, shake) or resampled (zoom, dolly, orbit) per frame;
the subject is a precomputed sprite; particles move on closed-form paths, so frame ``i`` never
depends on frame ``i - 1`` and the same plan always gives the same pixels.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from promptkit.sim.cues import Cues

# name -> (luma mean, luma amplitude, U, V, subject Y, subject U, subject V)
PALETTES: dict[str, tuple[int, int, int, int, int, int, int]] = {
    "natural": (120, 45, 118, 132, 215, 80, 165),
    "golden": (140, 40, 96, 160, 235, 70, 150),
    "neon": (70, 40, 150, 152, 210, 190, 70),
    "mono": (118, 50, 128, 128, 235, 128, 128),
    "muted": (112, 25, 124, 129, 190, 110, 140),
    "teal": (100, 40, 150, 104, 225, 90, 170),
    "green": (100, 40, 104, 112, 220, 150, 180),
    "cold": (165, 35, 142, 118, 60, 100, 150),
    "vivid": (128, 55, 86, 176, 225, 180, 60),
}
# Sensor noise: uniform 0..NOISE_LEVELS-1 grey levels per pixel, strong enough to survive x264.
NOISE_LEVELS = 6


@dataclass
class MotionPlan:
    """The motion a clip is rendered with; its sidecar (ground truth for metric tests).

    ``content_shift_px_per_frame`` is how far the background content moves on screen per frame
    (a camera panning right moves the content left: negative x).
    """

    seed: int
    width: int
    height: int
    frames: int
    fps: int = 24
    camera: str = "static"
    camera_speed: float = 0.0
    content_shift_px_per_frame: tuple[float, float] = (0.0, 0.0)
    zoom_per_frame: float = 0.0
    subject_motion: str = "none"
    subject_speed_px_per_frame: float = 0.0
    subject_direction: str | None = None
    particles: tuple[str, ...] = ()
    palette: str = "natural"
    frozen: bool = False
    still: bool = False
    noise: bool = True
    imperfection: str | None = None
    cues: dict[str, Any] = field(default_factory=dict)

    def to_sidecar(self) -> dict[str, Any]:
        data = asdict(self)
        data["particles"] = list(self.particles)
        data["content_shift_px_per_frame"] = list(self.content_shift_px_per_frame)
        data["duration_s"] = self.frames / self.fps
        return data


def plan_motion(
    cues: Cues,
    *,
    seed: int,
    width: int,
    height: int,
    frames: int,
    frozen_rate: float,
    drift_rate: float,
) -> MotionPlan:
    """Decide the clip's motion from its cues, with seeded imperfections like a real model's."""
    rng = np.random.default_rng(seed)
    roll = float(rng.random())
    plan = MotionPlan(
        seed=seed,
        width=width,
        height=height,
        frames=frames,
        palette=cues.palette,
        cues=cues.to_dict(),
    )
    if cues.still:
        plan.frozen = plan.still = True
        plan.noise = False
        return plan
    if not cues.has_motion:
        plan.frozen = True
        if roll < drift_rate:
            # Real models rarely hold perfectly still: a slow unasked-for drift.
            plan.imperfection = "drift"
            plan.frozen = False
            plan.camera = "pan_left" if rng.random() < 0.5 else "pan_right"
            plan.camera_speed = 0.35
            sign = 1.0 if plan.camera == "pan_left" else -1.0
            plan.content_shift_px_per_frame = (sign * 0.35, 0.0)
        return plan
    if roll < frozen_rate:
        # The motion was asked for but did not happen: the failure A/B evals should catch.
        plan.frozen = True
        plan.imperfection = "frozen"
        return plan
    factor = cues.speed_factor
    if cues.camera and cues.camera != "static":
        plan.camera = cues.camera
        pan = 0.005 * width * factor
        tilt = 0.006 * height * factor
        shifts = {
            "pan_left": (pan, 0.0),
            "pan_right": (-pan, 0.0),
            "tilt_up": (0.0, tilt),
            "tilt_down": (0.0, -tilt),
            "orbit": (-pan * 0.8, 0.0),
        }
        if plan.camera in shifts:
            plan.content_shift_px_per_frame = shifts[plan.camera]
            plan.camera_speed = abs(sum(shifts[plan.camera]))
        elif plan.camera in ("zoom_in", "zoom_out", "dolly_in", "dolly_out"):
            rate = 0.004 * factor * (0.8 if plan.camera.startswith("dolly") else 1.0)
            plan.zoom_per_frame = rate if plan.camera.endswith("_in") else -rate
            plan.camera_speed = rate
        elif plan.camera == "shake":
            plan.camera_speed = 0.008 * height * factor
        elif plan.camera == "track":
            plan.camera_speed = 0.004 * width * factor
    if cues.action:
        plan.subject_motion = cues.action_kind or "walk"
        plan.subject_direction = cues.direction
        plan.subject_speed_px_per_frame = cues.base_speed * factor * height / plan.fps
    if plan.camera == "track":
        direction = plan.subject_direction or "right"
        sign = -1.0 if direction == "right" else 1.0
        plan.content_shift_px_per_frame = (sign * plan.camera_speed, 0.0)
    plan.particles = cues.particles
    return plan


def _periodic_texture(rng: np.random.Generator, h: int, w: int, mean: int, amp: int) -> np.ndarray:
    """A smooth, periodic (wraps in both axes), textured luma plane with detail for motion."""
    y = np.arange(h) * (2 * np.pi / h)
    x = np.arange(w) * (2 * np.pi / w)
    acc = np.zeros((h, w), np.float32)
    for _ in range(6):
        fy, fx = rng.integers(1, 7, size=2)
        py, px = rng.random(2) * 2 * np.pi
        acc += np.outer(np.sin(fy * y + py), np.sin(fx * x + px)).astype(np.float32)
    acc *= amp / 3.0
    # Fine grain (periodic on a 64-px tile) gives pans something to lock on to.
    raw = rng.normal(0, 1, (64, 64)).astype(np.float32)
    tile = (raw + np.roll(raw, 1, 0) + np.roll(raw, 1, 1) + np.roll(raw, (1, 1), (0, 1))) / 4
    reps = (math.ceil(h / 64), math.ceil(w / 64))
    acc += np.tile(tile, reps)[:h, :w] * (amp * 0.35)
    return np.clip(acc + mean, 16, 235).astype(np.uint8)


def crop(tex: np.ndarray, out: np.ndarray, y0: int, x0: int) -> None:
    """Copy the window at (y0, x0) of a periodic texture into ``out`` (wrapping at the edges)."""
    th, tw = tex.shape
    oh, ow = out.shape
    y0 %= th
    x0 %= tw
    ys = [(y0, min(th, y0 + oh), 0)]
    if y0 + oh > th:
        ys.append((0, y0 + oh - th, th - y0))
    xs = [(x0, min(tw, x0 + ow), 0)]
    if x0 + ow > tw:
        xs.append((0, x0 + ow - tw, tw - x0))
    for ya, yb, oy in ys:
        for xa, xb, ox in xs:
            out[oy : oy + yb - ya, ox : ox + xb - xa] = tex[ya:yb, xa:xb]


def resample(tex: np.ndarray, out: np.ndarray, cy: float, cx: float, scale: float) -> None:
    """Nearest-neighbour zoom of a periodic texture by ``scale`` around texture point (cy, cx)."""
    th, tw = tex.shape
    oh, ow = out.shape
    rows = (np.floor(cy + (np.arange(oh) - oh / 2) / scale).astype(np.intp)) % th
    cols = (np.floor(cx + (np.arange(ow) - ow / 2) / scale).astype(np.intp)) % tw
    out[:] = tex[rows][:, cols]


class Scene:
    """Draws the frames of one :class:`MotionPlan` as yuv420p arrays of shape (h*3/2, w)."""

    def __init__(self, plan: MotionPlan, first_frame: np.ndarray | None = None) -> None:
        self.plan = plan
        w, h = plan.width, plan.height
        self.w, self.h = w, h
        rng = np.random.default_rng(plan.seed + 1)
        ymean, yamp, u, v, sy, su, sv = PALETTES.get(plan.palette, PALETTES["natural"])
        if first_frame is not None:
            y_img, u_img, v_img = split_planes(np.minimum(first_frame, 250), w, h)
            # Mirror-tile the source image so it wraps seamlessly; frame 0 is the image itself.
            self.tex = [_mirror(p) for p in (y_img, u_img, v_img)]
            self.subject_color: tuple[int, int, int] | None = None
        else:
            luma = _periodic_texture(rng, h, w, ymean, yamp)
            self.tex = [luma, _chroma(rng, h // 2, w // 2, u), _chroma(rng, h // 2, w // 2, v)]
            self.subject_color = (sy, su, sv)
        self.buf = np.empty((h * 3 // 2, w), np.uint8)
        self.planes = list(split_planes(self.buf, w, h))
        self.noise = [rng.integers(0, NOISE_LEVELS, (h, w), dtype=np.uint8) for _ in range(4)]
        self.noise_pick = rng.integers(0, 4, plan.frames)
        self._sprite = _ellipse(max(8, h // 6), max(6, h // 8))
        self._particles = [_particle_system(k, rng, w, h) for k in plan.particles]
        self._shake = (
            _smooth_walk(rng, plan.frames, plan.camera_speed) if plan.camera == "shake" else None
        )
        self._subject_start = (w * (0.2 + 0.2 * rng.random()), h * (0.45 + 0.15 * rng.random()))

    def camera_at(self, i: int) -> tuple[float, float, float]:
        """(x offset, y offset, scale) of the camera window at frame ``i``."""
        p = self.plan
        dx, dy = p.content_shift_px_per_frame
        ox, oy, scale = -dx * i, -dy * i, 1.0
        if p.zoom_per_frame > 0:
            scale = min(3.0, 1.0 + p.zoom_per_frame * i)
        elif p.zoom_per_frame < 0:
            scale = 1.0 / (1.0 - p.zoom_per_frame * i)
        if p.camera == "orbit":
            scale = 1.0 + 0.06 * math.sin(2 * math.pi * i / max(48, p.frames))
        if self._shake is not None:
            ox, oy = float(self._shake[0][i]), float(self._shake[1][i])
        return ox, oy, scale

    def frame(self, i: int) -> np.ndarray:
        """The yuv420p buffer of frame ``i`` (reused between calls: copy it to keep it)."""
        p = self.plan
        # A frozen clip keeps the camera where it started (a drift is not frozen).
        i_cam = 0 if p.still or p.frozen else i
        ox, oy, scale = self.camera_at(i_cam)
        for k, (tex, out) in enumerate(zip(self.tex, self.planes, strict=True)):
            div = 1 if k == 0 else 2
            if scale == 1.0:
                crop(tex, out, round(oy / div), round(ox / div))
            else:
                oh, ow = out.shape
                resample(tex, out, oy / div + oh / 2, ox / div + ow / 2, scale)
        if p.noise:
            # Sensor noise goes on the background only (textures stay <= 250: no overflow).
            np.add(self.planes[0], self.noise[self.noise_pick[i]], out=self.planes[0])
        if not p.frozen:
            self.draw_particles(self.planes[0], i)
            if self.subject_color is not None:
                self._draw_subject(i)
        elif self.subject_color is not None:
            self._draw_subject(0)
        return self.buf

    def draw_particles(self, luma: np.ndarray, i: int) -> None:
        """Draw the plan's particles at frame ``i`` into ``luma`` (an edit draws over its input)."""
        for system in self._particles:
            system(luma, i)

    def subject_position(self, i: int) -> tuple[float, float]:
        """Centre (x, y) of the subject at frame ``i`` in frame pixels."""
        p = self.plan
        x0, y0 = self._subject_start
        v = p.subject_speed_px_per_frame
        kind, direction = p.subject_motion, p.subject_direction or "right"
        if p.camera == "track" and kind != "none":
            return self.w / 2, y0 + 4 * math.sin(i / 3)
        sx = {"left": -1.0, "right": 1.0}.get(direction, 0.0)
        sy = {"up": -1.0, "down": 1.0}.get(direction, 0.0)
        if kind in ("walk", "run", "fly", "drift"):
            if sx == 0.0 and sy == 0.0:
                sx = 1.0
            return x0 + sx * v * i, y0 + sy * v * i
        if kind == "fall":
            return x0, y0 + v * i
        if kind == "rise":
            return x0, y0 - v * i
        if kind == "bounce":
            return x0 + 0.2 * v * i, y0 - 6 * v * abs(math.sin(i * math.pi / 12))
        if kind == "spin":
            r = self.h / 10
            return x0 + r * math.cos(i * v / r), y0 + r * math.sin(i * v / r)
        if kind == "sway":
            return x0 + 10 * v * math.sin(2 * math.pi * i / 48), y0
        return x0, y0

    def _draw_subject(self, i: int) -> None:
        x, y = self.subject_position(i)
        mask = self._sprite
        mh, mw = mask.shape
        # Wrap around the frame so a fast subject keeps crossing it.
        x = (x + mw) % (self.w + 2 * mw) - mw
        y = (y + mh) % (self.h + 2 * mh) - mh
        assert self.subject_color is not None
        for k, value in enumerate(self.subject_color):
            div = 1 if k == 0 else 2
            m = mask if k == 0 else mask[::2, ::2]
            plane = self.planes[k]
            top, left = int(y / div) - m.shape[0] // 2, int(x / div) - m.shape[1] // 2
            y0, x0 = max(top, 0), max(left, 0)
            y1 = min(top + m.shape[0], plane.shape[0])
            x1 = min(left + m.shape[1], plane.shape[1])
            if y1 <= y0 or x1 <= x0:
                continue
            region = plane[y0:y1, x0:x1]
            region[m[y0 - top : y1 - top, x0 - left : x1 - left]] = value


def split_planes(buf: np.ndarray, w: int, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Views of the Y, U and V planes of a yuv420p buffer of shape (h*3/2, w)."""
    flat = buf.reshape(-1)
    q = (h // 2) * (w // 2)
    return (
        buf[:h],
        flat[h * w : h * w + q].reshape(h // 2, w // 2),
        flat[h * w + q : h * w + 2 * q].reshape(h // 2, w // 2),
    )


def _mirror(plane: np.ndarray) -> np.ndarray:
    top = np.concatenate([plane, plane[:, ::-1]], axis=1)
    tiled: np.ndarray = np.ascontiguousarray(np.concatenate([top, top[::-1]], axis=0))
    return tiled


def _chroma(rng: np.random.Generator, h: int, w: int, mean: int) -> np.ndarray:
    y = np.arange(h) * (2 * np.pi / h)
    x = np.arange(w) * (2 * np.pi / w)
    fy, fx = rng.integers(1, 4, size=2)
    wave = np.outer(np.sin(fy * y + rng.random() * 6), np.cos(fx * x + rng.random() * 6))
    plane: np.ndarray = np.clip(mean + 14 * wave, 16, 240).astype(np.uint8)
    return plane


def _ellipse(rx: int, ry: int) -> np.ndarray:
    yy, xx = np.mgrid[-ry:ry, -rx:rx]
    mask: np.ndarray = (xx / rx) ** 2 + (yy / ry) ** 2 <= 1.0
    return mask


def _smooth_walk(
    rng: np.random.Generator, n: int, amplitude: float
) -> tuple[np.ndarray, np.ndarray]:
    steps = rng.normal(0, 1, (2, n + 8))
    kernel = np.ones(6) / 6
    walk = [np.convolve(s, kernel, mode="same")[:n] for s in steps]
    return walk[0] * amplitude * 2.5, walk[1] * amplitude * 2.5


# kind -> (count, (dx, dy) px/frame, (height, width) of one particle, luma delta)
_PARTICLE_KINDS: dict[str, tuple[int, tuple[float, float], tuple[int, int], int]] = {
    "rain": (260, (1.5, 16.0), (10, 1), 70),
    "snow": (220, (0.6, 2.2), (3, 3), 110),
    "smoke": (60, (0.4, -1.4), (10, 10), 45),
    "sparks": (90, (0.8, -5.0), (2, 2), 120),
    "debris": (70, (1.8, 2.6), (3, 5), -60),
    "bubbles": (60, (0.0, -2.5), (4, 4), 80),
}


def _particle_system(kind: str, rng: np.random.Generator, w: int, h: int) -> Any:
    """A callable drawing particle kind ``kind`` into a luma plane at frame ``i``."""
    if kind in ("waves", "clouds"):
        return _band_system(kind, rng, w, h)
    count, (vx, vy), (ph, pw), delta = _PARTICLE_KINDS[kind]
    pos = rng.random((count, 2)) * (w, h)
    speed = 0.7 + 0.6 * rng.random((count, 1))
    vel = np.array([vx, vy]) * speed
    dy, dx = np.mgrid[0:ph, 0:pw]
    offs_x, offs_y = dx.ravel(), dy.ravel()

    def draw(luma: np.ndarray, i: int) -> None:
        p = pos + vel * i
        xs = (p[:, 0:1].astype(np.intp) + offs_x) % w
        ys = (p[:, 1:2].astype(np.intp) + offs_y) % h
        cur = luma[ys, xs].astype(np.int16) + delta
        luma[ys, xs] = np.clip(cur, 0, 255).astype(np.uint8)

    return draw


def _band_system(kind: str, rng: np.random.Generator, w: int, h: int) -> Any:
    """Waves (bottom band) or clouds (top band): a periodic pattern sliding sideways."""
    band_h = h // 4
    period = w
    x = np.arange(period) * (2 * np.pi / period)
    y = np.arange(band_h)[:, None]
    if kind == "waves":
        pattern = 22 * np.sin(6 * x[None, :] + y / 3.0) + 10 * np.sin(17 * x[None, :] - y / 5.0)
        top, speed = h - band_h, 3.0
    else:
        pattern = 30 * np.sin(3 * x[None, :] + rng.random() * 6) * np.cos(y / band_h * np.pi / 2)
        top, speed = 0, 5.0
    tex = pattern.astype(np.int16)
    shifted = np.empty((band_h, w), np.int16)

    def draw(luma: np.ndarray, i: int) -> None:
        crop(tex, shifted, 0, int(speed * i))
        region = luma[top : top + band_h]
        region[:] = np.clip(region.astype(np.int16) + shifted, 0, 255).astype(np.uint8)

    return draw
