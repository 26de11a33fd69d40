"""The renderer: exact format, determinism, and motion that follows the prompt.

Motion is measured here with plain numpy on frames decoded by PyAV (never with
``promptkit.metrics``): mean absolute luma difference between frames, and the global shift
between frames found by phase correlation.
"""

from __future__ import annotations

import io
from typing import Any

import av
import numpy as np
import pytest

from promptkit.sim.cues import parse_cues
from promptkit.sim.renderer import RenderJob, render_clip

W, H = 848, 480


def render(prompt: str, *, frames: int = 24, seed: int = 1, **kw: Any):
    values = {"frozen_rate": 0.0, "drift_rate": 0.0, **kw}
    size = {"width": W, "height": H} | {
        k: values.pop(k) for k in ("width", "height") if k in values
    }
    return render_clip(
        RenderJob(kind="generation", prompt=prompt, frames=frames, seed=seed, **size, **values)
    )


def lumas(data: bytes) -> list[np.ndarray]:
    with av.open(io.BytesIO(data)) as container:
        return [f.to_ndarray(format="gray").astype(np.float32) for f in container.decode(video=0)]


def mean_abs_diff(frames: list[np.ndarray]) -> float:
    return float(np.mean([np.abs(b - a).mean() for a, b in zip(frames, frames[1:], strict=False)]))


def changed_share(frames: list[np.ndarray]) -> float:
    """Mean share of pixels whose luma changes by more than 20 levels between frames."""
    return float(
        np.mean([(np.abs(b - a) > 20).mean() for a, b in zip(frames, frames[1:], strict=False)])
    )


def shift(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(dx, dy) that content moved from ``a`` to ``b`` (phase correlation, integer pixels)."""
    fa, fb = np.fft.fft2(a - a.mean()), np.fft.fft2(b - b.mean())
    cross = fb * np.conj(fa)
    corr = np.fft.ifft2(cross / (np.abs(cross) + 1e-9)).real
    dy, dx = np.unravel_index(int(np.argmax(corr)), corr.shape)
    h, w = corr.shape
    return float(dx - w if dx > w // 2 else dx), float(dy - h if dy > h // 2 else dy)


def mean_shift(frames: list[np.ndarray]) -> tuple[float, float]:
    pairs = [shift(frames[i], frames[i + 4]) for i in range(0, len(frames) - 4, 4)]
    return float(np.mean([p[0] for p in pairs])) / 4, float(np.mean([p[1] for p in pairs])) / 4


def test_clip_is_h264_yuv420p_24fps_with_exact_frame_count() -> None:
    clip = render("a kite", frames=48, width=480, height=848)
    with av.open(io.BytesIO(clip.data)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.average_rate == 24
        assert (stream.codec_context.width, stream.codec_context.height) == (480, 848)
        assert sum(1 for _ in container.decode(stream)) == 48
        assert float(container.duration / av.time_base) == pytest.approx(2.0, abs=0.05)


def test_same_request_renders_the_same_bytes() -> None:
    a = render("a dog runs to the left in the rain, camera pans right", seed=5)
    b = render("a dog runs to the left in the rain, camera pans right", seed=5)
    c = render("a dog runs to the left in the rain, camera pans right", seed=6)
    assert a.data == b.data and a.sidecar == b.sidecar
    assert a.data != c.data


def test_motionless_prompt_is_near_static_but_noisy() -> None:
    clip = render("A white ceramic coffee mug on a wooden table")
    frames = lumas(clip.data)
    assert clip.sidecar["frozen"] is True and clip.sidecar["noise"] is True
    assert 0.02 < mean_abs_diff(frames) < 2.0
    assert changed_share(frames) < 0.002
    assert mean_shift(frames) == (0.0, 0.0)


def test_still_frame_prompt_is_truly_frozen() -> None:
    clip = render("A still frame of a lighthouse, frozen in time")
    assert clip.sidecar["still"] is True
    assert mean_abs_diff(lumas(clip.data)) == 0.0


@pytest.mark.parametrize(
    ("prompt", "sign_x", "sign_y"),
    [
        ("The camera pans left across a valley", 1, 0),
        ("The camera pans right across a valley", -1, 0),
        ("The camera tilts up a tall tower", 0, 1),
        ("The camera tilts down to the street", 0, -1),
    ],
)
def test_camera_moves_shift_the_whole_frame_the_right_way(
    prompt: str, sign_x: int, sign_y: int
) -> None:
    clip = render(prompt)
    dx, dy = mean_shift(lumas(clip.data))
    expected_dx, expected_dy = clip.sidecar["content_shift_px_per_frame"]
    assert np.sign(round(dx)) == sign_x and np.sign(round(dy)) == sign_y
    assert dx == pytest.approx(expected_dx, abs=1.0) and dy == pytest.approx(expected_dy, abs=1.0)


def test_fast_pan_moves_faster_than_slow_pan() -> None:
    fast = mean_shift(lumas(render("The camera pans left quickly").data))[0]
    slow = mean_shift(lumas(render("The camera pans left slowly").data))[0]
    assert fast > 2 * slow > 0


@pytest.mark.parametrize(
    "prompt",
    [
        "The camera slowly zooms in on a flower",
        "Heavy rain falls on a street",
        "A handheld shot of a market",
        "A dog runs across a field",
        "The camera orbits a statue",
    ],
)
def test_motion_prompts_move_much_more_than_motionless_ones(prompt: str) -> None:
    still = lumas(render("A flower in a vase").data)
    moving = lumas(render(prompt).data)
    assert mean_abs_diff(moving) > 3 * mean_abs_diff(still)
    assert changed_share(moving) > 0.002 > changed_share(still)


def test_configured_frozen_rate_freezes_motion_prompts_and_says_so() -> None:
    clip = render("The camera pans left across a valley", frozen_rate=1.0)
    assert clip.sidecar["imperfection"] == "frozen" and clip.sidecar["frozen"] is True
    assert mean_shift(lumas(clip.data)) == (0.0, 0.0)


def test_configured_drift_makes_motionless_prompts_drift_slightly() -> None:
    clip = render("A white mug on a table", drift_rate=1.0, frames=72)
    frames = lumas(clip.data)
    assert clip.sidecar["imperfection"] == "drift"
    total = shift(frames[0], frames[-1])[0]
    assert total == pytest.approx(clip.sidecar["content_shift_px_per_frame"][0] * 71, abs=3)
    assert 0 < abs(total) < 40


def test_default_imperfection_rates_freeze_about_a_tenth_of_motion_prompts() -> None:
    from promptkit.sim.scene import plan_motion

    cues = parse_cues("a horse gallops along the beach")
    frozen = sum(
        plan_motion(
            cues, seed=s, width=64, height=64, frames=2, frozen_rate=0.1, drift_rate=0.2
        ).frozen
        for s in range(1000)
    )
    assert 60 < frozen < 140


def test_image_becomes_the_first_frame() -> None:
    png = _png(np.full((60, 80, 3), (200, 30, 30), np.uint8))
    job = RenderJob(
        kind="generation",
        prompt="it moves to the right",
        width=W,
        height=H,
        frames=24,
        seed=1,
        image=png,
        frozen_rate=0.0,
        drift_rate=0.0,
    )
    with av.open(io.BytesIO(render_clip(job).data)) as container:
        first = next(container.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    assert abs(first[..., 0].mean() - 200) < 20 and first[..., 1].mean() < 60


def test_palette_words_change_the_colours() -> None:
    def mean_rgb(prompt: str) -> np.ndarray:
        with av.open(io.BytesIO(render(prompt, frames=1).data)) as container:
            return next(container.decode(video=0)).to_ndarray(format="rgb24").mean(axis=(0, 1))

    golden, noir = mean_rgb("a street at golden hour"), mean_rgb("a street, film noir")
    assert golden[0] > golden[2] + 30
    assert max(noir) - min(noir) < 4


def _png(rgb: np.ndarray) -> bytes:
    out = io.BytesIO()
    with av.open(out, "w", format="image2pipe") as container:
        stream = container.add_stream("png")
        stream.width, stream.height, stream.pix_fmt = rgb.shape[1], rgb.shape[0], "rgb24"
        container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode(None))
    return out.getvalue()
