"""Media the fuzz, security and catalogue tests share: a real short clip and forged headers."""

from __future__ import annotations

import struct

from promptkit.sim.renderer import RenderJob, render_clip


def render_mp4(seed: int = 1, prompt: str = "a red fox runs, the camera pans left") -> bytes:
    """A 1 s 480x480 H.264 MP4 from the simulator's renderer (its index at the end)."""
    job = RenderJob(kind="generation", prompt=prompt, width=480, height=480, frames=24, seed=seed,
                    image=None, input_video=None, input_sidecar=None, frozen_rate=0.0,
                    drift_rate=0.0, preset="ultrafast", crf=28)  # fmt: skip
    return render_clip(job).data


def ivf_vp8(width: int, height: int) -> bytes:
    """An IVF file with one VP8 key-frame header declaring ``width`` x ``height``."""
    header = b"DKIF" + struct.pack("<HH4sHHIII4x", 0, 32, b"VP80", width, height, 24, 1, 1)
    # A VP8 key frame header: frame tag, start code, then the (14-bit) width and height.
    frame = bytes([0x50, 0x02, 0x00, 0x9D, 0x01, 0x2A]) + struct.pack("<HH", width, height)
    frame += b"\x00" * 50
    return header + struct.pack("<IQ", len(frame), 0) + frame
